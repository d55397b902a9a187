package dev.jgrad.nn;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ops.PoolOps;

/**
 * The maximum of each window of an NCHW image (a tie goes to the window's first maximum),
 * PyTorch's {@code nn.MaxPool2d}. No parameters.
 *
 * <pre>{@code
 * new MaxPool2d(2, 2, 0).forward(x);   // [100, 30, 24, 24] -> [100, 30, 12, 12]
 * }</pre>
 */
public final class MaxPool2d extends Pool2d {
  /** A square window with the same stride and padding both ways. */
  public MaxPool2d(int kernel, int stride, int padding) {
    this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
  }

  /** kernel, stride and padding as {@code [height, width]}. */
  public MaxPool2d(int[] kernel, int[] stride, int[] padding) {
    super("MaxPool2d", kernel, stride, padding);
  }

  @Override
  public Tensor forward(Tensor x) {
    return named(this, () -> PoolOps.maxPool2d(x, kernel, stride, padding));
  }
}
