package dev.jgrad.api;

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
   */
  void sgdUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer velocity, double lr,
      double momentum, double weightDecay);
}
