package dev.jgrad.nn;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ops.PoolOps;

/**
 * The mean of each window of an NCHW image (padding counts as zeros, as in PyTorch),
 * PyTorch's {@code nn.AvgPool2d}. No parameters.
 *
 * <pre>{@code
 * new AvgPool2d(2, 2, 0).forward(x);   // [100, 30, 24, 24] -> [100, 30, 12, 12]
 * }</pre>
 */
public final class AvgPool2d extends Pool2d {
  /** A square window with the same stride and padding both ways. */
  public AvgPool2d(int kernel, int stride, int padding) {
    this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
  }

  /** kernel, stride and padding as {@code [height, width]}. */
  public AvgPool2d(int[] kernel, int[] stride, int[] padding) {
    super("AvgPool2d", kernel, stride, padding);
  }

  @Override
  public Tensor forward(Tensor x) {
    return named(this, () -> PoolOps.avgPool2d(x, kernel, stride, padding));
  }
}
