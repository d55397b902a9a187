package dev.jgrad.api;

/**
 * An optional capability of a {@link Backend}: the SGD update of a parameter whose gradient is a
 * matrix product, computed inside the product's kernel, so the gradient is never written out and
 * read back (a weight's gradient is {@code x^T g}). Optimizers reach it through the backward
 * pass's gradient sinks ({@code Optimizer.backwardStep}).
 *
 * <p>The result must be bit for bit what {@link Backend#matmul} into a buffer followed by
 * {@link FusedSgd#sgdUpdate} would give on this backend; where the backend cannot promise that
 * for some operands (another kernel, a k too long for one pass), it returns false and changes
 * nothing, and the caller takes the two steps.
 */
public interface FusedProductSgd {
  /**
   * With {@code grad = op(a)[m, k] op(b)[k, n]} as in {@link Backend#matmul} and {@code param}
   * (and {@code velocity}, unless null) dense {@code [m, n]}: the update of
   * {@link FusedSgd#sgdUpdate} in place. Returns false, having changed nothing, when this backend
   * does not fuse these operands.
   */
  boolean sgdUpdateFromProduct(DeviceBuffer a, boolean transA, DeviceBuffer b, boolean transB,
      int m, int n, int k, DeviceBuffer param, DeviceBuffer velocity, double lr, double momentum,
      double weightDecay);
}
