package dev.jgrad.api;

import java.util.List;

/**
 * An optional capability of a {@link Backend}: the SGD update in one pass over the parameter
 * instead of two or three primitives, which saves memory traffic on the CPU and kernel launches
 * on a GPU. Optimizers use it when the parameters' backend implements it.
 */
public interface FusedSgd {
  /**
   * In place, elementwise, all buffers of the same dtype and length. Without {@code velocity}
   * (null): {@code param -= lr * (grad + weightDecay * param)}. With it:
   * {@code velocity = momentum * velocity + grad + weightDecay * param; param -= lr * velocity}.
   * {@code lr} is a one-element FLOAT64 buffer holding the learning rate, read when the update
   * runs, not when it is queued: a captured graph ({@link GraphCapture}) replays the update with
   * whatever rate was written into it before each launch, so a schedule can change it every step.
   */
  void sgdUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer velocity, DeviceBuffer lr,
      double momentum, double weightDecay);

  /**
   * {@link #sgdUpdate} for several parameters with one learning rate, momentum and decay: on a
   * GPU one kernel launch instead of one per parameter (PyTorch's "foreach" SGD). Entry
   * {@code i} is {@code params.get(i)}, {@code grads.get(i)} and, unless {@code velocities} is
   * null (no momentum state for any entry), {@code velocities.get(i)}, each checked as
   * {@link #sgdUpdate} checks it. A buffer one entry writes (its param or velocity) may not be
   * any other entry's buffer. The result is bit for bit that of calling {@link #sgdUpdate} for
   * each entry in order, which is what this default does after checking every entry.
   */
  default void sgdUpdateAll(List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> velocities, DeviceBuffer lr, double momentum, double weightDecay) {
    BackendContract contract = BackendContract.of(this);
    contract.sgdUpdateAll(params, grads, velocities, lr);
    for (int i = 0; i < params.size(); i++) { // every entry checked before any is updated
      contract.sgdUpdate(params.get(i), grads.get(i), velocities == null ? null
          : velocities.get(i), lr);
    }
    for (int i = 0; i < params.size(); i++) {
      sgdUpdate(params.get(i), grads.get(i), velocities == null ? null : velocities.get(i), lr,
          momentum, weightDecay);
    }
  }
}
