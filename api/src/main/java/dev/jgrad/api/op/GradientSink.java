package dev.jgrad.api.op;

import dev.jgrad.api.DeviceBuffer;

/**
 * Takes a leaf's gradient inside the backward pass instead of letting it accumulate into the
 * leaf's {@code grad()}: an optimizer applies its update there and then (optimizer in backward).
 * A gradient rule offered one ({@link GradientRule.GradientContext#sink}) may hand over a
 * gradient it can express as a matrix product without computing it, and returns null for that
 * input when the sink took it.
 */
@FunctionalInterface
public interface GradientSink {
  /**
   * Offers the gradient {@code op(a)[m, k] op(b)[k, n]} ({@code a} and {@code b} dense, as in
   * {@code Backend.matmul}) of the leaf, which is dense {@code [m, n]}. Returns true when it was
   * applied; false when the sink cannot take it in this form, having changed nothing (the rule
   * then returns the gradient as usual).
   */
  boolean acceptProduct(DeviceBuffer a, boolean transA, DeviceBuffer b, boolean transB, int m,
      int n, int k);
}
