package dev.jgrad.autograd.ops;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * PyTorch's {@code torch.linalg.vector_norm} for ord 2, 1 and infinity, composed from the
 * reductions, with PyTorch's gradients: 0 where the norm is 0, and for the largest magnitude
 * shared evenly among ties (max's rule).
 */
public final class Norms {
  private Norms() {}

  /**
   * The {@code ord}-norm of {@code x} over {@code axes} (every axis when none are given), kept as
   * axes of size 1 when {@code keepDims}.
   */
  public static Tensor vectorNorm(Tensor x, double ord, boolean keepDims, int... axes) {
    checkNotNull(axes, "norm: axes is null; pass none to reduce every axis");
    int[] over = axes.length == 0 ? IntStream.range(0, x.shape().rank()).toArray()
        : OpSupport.normalizeAxes("norm", axes, x.shape());
    if (ord == 2) {
      return StatisticsOps.rootOfSquares(x.mul(x).sum(keepDims, over));
    }
    if (ord == 1) {
      return x.abs().sum(keepDims, over); // abs's gradient is sign(x), 0 at 0, as PyTorch's
    }
    checkArgument(ord == Double.POSITIVE_INFINITY, "norm: ord %s for shape %s (axes %s) is not "
        + "offered; give 2, 1 or Double.POSITIVE_INFINITY", ord, x.shape(),
        Arrays.toString(axes));
    return x.abs().max(keepDims, over);
  }
}
