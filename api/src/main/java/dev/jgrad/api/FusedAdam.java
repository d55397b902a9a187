package dev.jgrad.api;

import java.util.List;

/**
 * An optional capability of a {@link Backend}: Adam's update in one pass over the parameter, its
 * gradient and the two moments, where the primitives take twelve passes (five for the moments,
 * three for the step, two each for two scaled adds). Optimizers use it when the parameters'
 * backend implements it. Each elementwise operation is the one the primitives do, in their
 * order and rounded to the dtype as they round it, so the results are theirs bit for bit.
 */
public interface FusedAdam {
  /**
   * In place, elementwise, all buffers of one floating dtype and length (the gradient may be a
   * scratch buffer of the caller's; none of the others may share a buffer). {@code lrT} is a
   * one-element FLOAT64 buffer holding the step's bias-corrected learning rate, read when the
   * update runs, not when it is queued: a captured graph ({@link GraphCapture}) replays the
   * update with whatever rate was written into it before each launch, so Adam's step can be
   * replayed though its rate changes every step. With {@code c1 = 1 - beta1},
   * {@code c2 = 1 - beta2} and {@code step = -lrT[0]}, each rounded to the dtype, as {@code eps}
   * is:
   *
   * <pre>
   * m     = m + (g - m) * c1
   * v     = v + (g * g - v) * c2
   * param = param + (m / (sqrt(v) + eps)) * step
   * </pre>
   *
   * each operation rounded to the dtype ({@code sqrt} correctly rounded).
   */
  void adamUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v,
      double beta1, double beta2, double eps, DeviceBuffer lrT);

  /**
   * {@link #adamUpdate} for several parameters with one set of betas, eps and rate: on a GPU one
   * kernel launch instead of one per parameter (PyTorch's "foreach" Adam). Entry {@code i} is
   * {@code params.get(i)}, {@code grads.get(i)}, {@code ms.get(i)} and {@code vs.get(i)}, each
   * checked as {@link #adamUpdate} checks it (entries may differ in dtype and length). A buffer
   * one entry writes (its param, m or v) may not be any other entry's buffer. The result is bit
   * for bit that of calling {@link #adamUpdate} for each entry in order, which is what this
   * default does after checking every entry.
   */
  default void adamUpdateAll(List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> ms, List<DeviceBuffer> vs, double beta1, double beta2, double eps,
      DeviceBuffer lrT) {
    BackendContract.of(this).adamUpdateAll(params, grads, ms, vs, lrT);
    for (int i = 0; i < params.size(); i++) { // every entry was checked before any is updated
      adamUpdate(params.get(i), grads.get(i), ms.get(i), vs.get(i), beta1, beta2, eps, lrT);
    }
  }
}
