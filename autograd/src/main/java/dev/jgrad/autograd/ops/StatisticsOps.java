package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.AttrKeys.AXIS;
import static dev.jgrad.api.op.AttrKeys.KEEP_DIMS;
import static dev.jgrad.api.op.OpNames.LOG_SUM_EXP;
import static dev.jgrad.api.op.OpNames.MEAN;
import static dev.jgrad.api.op.OpNames.SUM;
import static dev.jgrad.autograd.ops.OpSupport.normalizeAxes;
import static dev.jgrad.autograd.ops.OpSupport.one;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;

/**
 * logSumExp (an op with a max-shifted kernel), and the compositions built on it or on the
 * reductions: logSoftmax, variance and standard deviation.
 */
public final class StatisticsOps {
  private StatisticsOps() {}

  static void register(OpRegistry.Registration r) {
    // lse = m + log(sum(exp(x - m))), m the max clamped to the finite range, so that an all -Inf
    // row gives -Inf (not -Inf - -Inf = NaN) and a +Inf gives +Inf; a NaN propagates through m.
    // d lse = g * softmax(x) = g * exp(x - lse)
    registerOp(r, OpDef.builder(LOG_SUM_EXP).arity(1).attributes(AXIS, KEEP_DIMS).shapeRule((in, attrs) -> {
      Shape s = in.get(0).shape();
      int axis = normalizeAxes(LOG_SUM_EXP, new int[] {attrs.getInt(AXIS)}, s)[0];
      if (s.dim(axis) == 0) {
        throw new IllegalArgumentException(LOG_SUM_EXP + ": axis " + axis + " of shape " + s
            + " is empty; logSumExp needs at least one element along it");
      }
      Shape out = attrs.getBoolean(KEEP_DIMS, false) ? s.withDim(axis, 1) : s.without(axis);
      return new TensorSpec(out, in.get(0).dtype());
    }).gradientReadsInputs(0).gradientReadsOutput(true).build(), c -> {
      Backend b = c.backend();
      Shape s = c.inputSpec(0).shape();
      int axis = s.normalizeAxis(c.attrs().getInt(AXIS));
      Shape kept = s.withDim(axis, 1);
      double big = c.inputSpec(0).dtype() == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
      try (DeviceBuffer m = b.allocate(c.outputSpec().dtype(), kept.size());
          DeviceBuffer shifted = b.allocate(c.outputSpec().dtype(), s.size())) {
        b.reduce(ReduceOp.MAX, c.input(0), s.outer(axis), s.dim(axis), s.inner(axis), m);
        b.scalar(BinaryOp.MAXIMUM, m, -big, m);
        b.scalar(BinaryOp.MINIMUM, m, big, m);
        b.binary(BinaryOp.SUB, c.input(0), s, m, kept, shifted, s);
        b.unary(UnaryOp.EXP, shifted, shifted);
        b.reduce(ReduceOp.SUM, shifted, s.outer(axis), s.dim(axis), s.inner(axis), c.output());
        b.unary(UnaryOp.LOG, c.output(), c.output());
        b.binary(BinaryOp.ADD, c.output(), kept, m, kept, c.output(), kept);
      }
    }, ctx -> {
      Tensor x = ctx.input(0);
      int axis = x.shape().normalizeAxis(ctx.attrs().getInt(AXIS));
      int[] kept = x.shape().withDim(axis, 1).dims();
      Tensor softmax = x.sub(ctx.output().reshape(kept)).exp();
      return one(ctx.gradOutput().reshape(kept).mul(softmax));
    });
  }

  /** {@code log(sum(exp(x)))} along {@code axis}; see {@link Tensor#logSumExp}. */
  public static Tensor logSumExp(Tensor x, int axis, boolean keepDims) {
    return Ops.call(LOG_SUM_EXP, Attrs.of(AXIS, axis, KEEP_DIMS, keepDims), x);
  }

  /**
   * {@code (x - m) - logSumExp(x - m)}, m the row's maximum clamped to the finite range (a
   * constant: no gradient flows through it), as PyTorch computes it: {@code x - logSumExp(x)}
   * rounded {@code m + log 2} to m for a row {@code [max, max, 1]} and gave 0 where
   * {@code -log 2} is right. The gradient, {@code g - sum(g) softmax(x)}, comes from sub's and
   * logSumExp's rules.
   */
  public static Tensor logSoftmax(Tensor x, int axis) {
    double big = x.dtype() == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
    Tensor shifted = x.sub(x.detach().max(axis, true).clamp(-big, big));
    return shifted.sub(logSumExp(shifted, axis, true));
  }

  /**
   * {@code sum((x - mean)^2) / (n - correction)} over {@code axes}, n the count of elements
   * reduced; the gradient {@code 2 (x - mean) / (n - correction)} comes from the composition.
   * An empty {@code axes} is refused on a tensor of rank 1 or more.
   */
  public static Tensor var(Tensor x, boolean keepDims, int correction, int... axes) {
    return variance("var", x, keepDims, correction, axes);
  }

  /** {@link #var}, its errors labelled with {@code name} (var or std, whichever was called). */
  private static Tensor variance(String name, Tensor x, boolean keepDims, int correction,
      int[] axes) {
    int[] a = normalizeAxes(name, ReductionOps.requireAxes(name, x.shape(), axes, null),
        x.shape());
    long n = 1;
    for (int axis : a) {
      n *= x.shape().dim(axis);
    }
    if (correction < 0 || n - correction <= 0) {
      throw new IllegalArgumentException(name + ": " + n + " element(s) along axes "
          + java.util.Arrays.toString(axes) + " of shape " + x.shape() + " with correction "
          + correction + " leave(s) " + (n - correction) + " degrees of freedom; use a "
          + "correction in [0, " + n + ") (0 for the population variance)");
    }
    Tensor d = x.sub(ReductionOps.reduceOver(MEAN, x, true, a));
    return ReductionOps.reduceOver(SUM, d.mul(d), keepDims, a).div(n - correction);
  }

  /**
   * The square root of {@link #var}. Where the variance is 0 (a constant row) the gradient is 0,
   * as PyTorch's ({@link #rootOfSquares}).
   */
  public static Tensor std(Tensor x, boolean keepDims, int correction, int... axes) {
    return rootOfSquares(variance("std", x, keepDims, correction, axes));
  }

  /**
   * The square root of {@code v}, a sum of squares, whose gradient is 0 where {@code v} is 0 (as
   * PyTorch's std and vector norm): sqrt's {@code g / (2 sqrt(v))} is infinite there, and times
   * v's own zero gradient it was NaN. v's own value stands in for its root there (0, or NaN
   * where it is NaN), and sqrt only sees positive values.
   */
  static Tensor rootOfSquares(Tensor v) {
    Tensor positive = v.greater(Tensor.zeros(v.dtype()).to(v.backend()));
    Tensor one = Tensor.ones(v.dtype()).to(v.backend());
    return Tensor.where(positive, Tensor.where(positive, v, one).sqrt(), v);
  }
}
