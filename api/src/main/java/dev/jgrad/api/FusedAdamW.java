package dev.jgrad.api;

import java.util.List;

/**
 * An optional capability of a {@link Backend}: AdamW's update (decoupled weight decay, PyTorch's
 * {@code torch.optim.AdamW}) in one pass over the parameter, its gradient and the two moments,
 * where the primitives take fourteen. Optimizers use it when the parameters' backend implements
 * it. Each elementwise operation is the one the primitives do, in their order and rounded to the
 * dtype as they round it, so the results are theirs bit for bit.
 */
public interface FusedAdamW {
  /**
   * In place, elementwise, all buffers of one floating dtype and length (the gradient may be a
   * scratch buffer of the caller's; none of the others may share a buffer). {@code decay},
   * {@code biasRoot} and {@code step} are one-element FLOAT64 buffers holding the step's
   * {@code 1 - lr * weightDecay}, {@code sqrt(1 - beta2^t)} and {@code -lr / (1 - beta1^t)}, read
   * when the update runs, not when it is queued (a captured graph, {@link GraphCapture}, replays
   * the update with what was written into them before each launch). With {@code c1 = 1 - beta1},
   * {@code c2 = 1 - beta2}, and every scalar rounded to the dtype:
   *
   * <pre>
   * param = param * decay
   * m     = m + (g - m) * c1
   * v     = v + (g * g - v) * c2
   * param = param + (m / (sqrt(v) / biasRoot + eps)) * step
   * </pre>
   *
   * each operation rounded to the dtype ({@code sqrt} correctly rounded).
   */
  void adamwUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v,
      double beta1, double beta2, double eps, DeviceBuffer decay, DeviceBuffer biasRoot,
      DeviceBuffer step);

  /**
   * {@link #adamwUpdate} for several parameters with one set of betas, eps and step scalars: on
   * a GPU one kernel launch instead of one per parameter (PyTorch's "foreach" AdamW). Entry
   * {@code i} is {@code params.get(i)}, {@code grads.get(i)}, {@code ms.get(i)} and
   * {@code vs.get(i)}, each checked as {@link #adamwUpdate} checks it (entries may differ in dtype
   * and length). A buffer one entry writes (its param, m or v) may not be any other entry's
   * buffer. The result is bit for bit that of calling {@link #adamwUpdate} for each entry in
   * order, which is what this default does after checking every entry.
   */
  default void adamwUpdateAll(List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> ms, List<DeviceBuffer> vs, double beta1, double beta2, double eps,
      DeviceBuffer decay, DeviceBuffer biasRoot, DeviceBuffer step) {
    BackendContract.of(this).adamwUpdateAll(params, grads, ms, vs, decay, biasRoot, step);
    for (int i = 0; i < params.size(); i++) { // every entry was checked before any is updated
      adamwUpdate(params.get(i), grads.get(i), ms.get(i), vs.get(i), beta1, beta2, eps, decay,
          biasRoot, step);
    }
  }
}
