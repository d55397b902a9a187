package dev.jgrad.autograd.ops;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.jgrad.api.op.AttrKeys.ALPHA;
import static dev.jgrad.api.op.AttrKeys.AXIS;
import static dev.jgrad.api.op.OpNames.IDENTITY;
import static dev.jgrad.api.op.OpNames.LEAKY_RELU;
import static dev.jgrad.api.op.OpNames.RELU;
import static dev.jgrad.api.op.OpNames.RELU_GRAD;
import static dev.jgrad.api.op.OpNames.SIGMOID;
import static dev.jgrad.api.op.OpNames.SOFTMAX;
import static dev.jgrad.api.op.OpNames.SIGN;
import static dev.jgrad.api.op.OpNames.STEP;
import static dev.jgrad.api.op.OpNames.TANH;
import static dev.jgrad.autograd.ops.OpSupport.SAME;
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
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.CompositeKernel;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;

/** Activation functions as graph nodes, each forward next to its derivative. */
public final class ActivationOps {
  private ActivationOps() {}

  static void register(OpRegistry.Registration r) {
    // Derivative zero almost everywhere: not differentiable, so it records nothing.
    ArithmeticOps.unary(r, STEP, UnaryOp.STEP, Reads.NOTHING, null);
    // sign = step(x) - step(-x): NaN stays NaN, both zeros give 0. Its derivative is zero too,
    // but PyTorch's sign records a node with a zero gradient, so a loss through sign alone
    // still runs backward there: this one does the same.
    registerOp(r, OpDef.builder(SIGN).arity(1).attributes().shapeRule(SAME).gradientReadsNothing().build(),
        (CompositeKernel) (in, attrs) -> in.get(0).step().sub(in.get(0).neg().step()),
        ctx -> one(Tensor.zerosLike(ctx.gradOutput())));
    // d identity = g
    registerOp(r, OpDef.builder(IDENTITY).arity(1).attributes().shapeRule(SAME).gradientReadsNothing().build(),
        (CompositeKernel) (in, attrs) -> in.get(0), ctx -> one(ctx.gradOutput()));
    // d sigmoid = g * y * (1 - y)
    ArithmeticOps.unary(r, SIGMOID, UnaryOp.SIGMOID, Reads.OUTPUT, ctx -> {
      Tensor y = ctx.output();
      return one(ctx.gradOutput().mul(y).mul(y.neg().add(1)));
    });
    // d tanh = g * (1 - y^2)
    ArithmeticOps.unary(r, TANH, UnaryOp.TANH, Reads.OUTPUT,
        ctx -> one(ctx.gradOutput().mul(ctx.output().pow(2).neg().add(1))));
    // d relu = g where x > 0, else +0 (a select, as PyTorch's threshold_backward: g * step(x)
    // made NaN of an infinite g where x <= 0), as one op that a backend can run in one pass
    ArithmeticOps.unary(r, RELU, UnaryOp.RELU, Reads.inputs(0),
        ctx -> one(reluGrad(ctx.gradOutput(), ctx.input(0))));
    // relu_grad(g, x) is linear in g and flat in x: d/dg = relu_grad(gg, x), d/dx = 0, so a
    // gradient recorded for a second derivative goes on through it
    registerOp(r, OpDef.builder(RELU_GRAD).arity(2).attributes().shapeRule((in, a) -> {
      checkArgument(in.get(0).shape().equals(in.get(1).shape()),
          "%s: the gradient %s and x %s must have one shape", RELU_GRAD, in.get(0).shape(),
          in.get(1).shape());
      return in.get(0);
    }).gradientReadsInputs(1).gradientReadsOutput(false).build(),
        ActivationOps::reluGradPortable,
        ctx -> Arrays.asList(reluGrad(ctx.gradOutput(), ctx.input(1)), null));
    // leaky relu = max(x, alpha x) for alpha <= 1; d = g * (1 where x > 0, else alpha)
    registerOp(r, OpDef.builder(LEAKY_RELU).arity(1).attributes(ALPHA).shapeRule((in, attrs) -> {
      double alpha = attrs.getDouble(ALPHA);
      if (!Double.isFinite(alpha)) { // NaN would make every output NaN, positive inputs too
        throw new IllegalArgumentException(LEAKY_RELU + ": the negative slope alpha must be "
            + "finite, got " + alpha);
      }
      return in.get(0);
    }).gradientReadsInputs(0)
        .gradientReadsOutput(false).build(), c -> {
      double alpha = c.attrs().getDouble(ALPHA);
      c.backend().scalar(BinaryOp.MUL, c.input(0), alpha, c.output());
      Shape s = c.outputSpec().shape();
      c.backend().binary(alpha <= 1 ? BinaryOp.MAXIMUM : BinaryOp.MINIMUM, c.input(0), s,
          c.output(), s, c.output(), s);
    }, ctx -> {
      double alpha = ctx.attrs().getDouble(ALPHA);
      return one(ctx.gradOutput().mul(ctx.input(0).step().mul(1 - alpha).add(alpha)));
    });
    // softmax = exp(x - max) / sum(exp(x - max)); d = y * (g - sum(g * y))
    registerOp(r, OpDef.builder(SOFTMAX).arity(1).attributes(AXIS).shapeRule((in, attrs) -> {
      in.get(0).shape().normalizeAxis(attrs.getInt(AXIS));
      return in.get(0);
    }).gradientReadsInputs().build(), c -> {
      Shape s = c.inputSpec(0).shape();
      int axis = s.normalizeAxis(c.attrs().getInt(AXIS));
      softmax(c.backend(), c.input(0), s, axis, c.output());
    }, ctx -> {
      Tensor y = ctx.output();
      int axis = ctx.attrs().getInt(AXIS);
      Tensor g = ctx.gradOutput();
      if (y.size() == 0) { // nothing to sum along an empty axis, and nothing to differentiate
        return one(g);
      }
      return one(y.mul(g.sub(g.mul(y).sum(axis, true))));
    });
  }

  /**
   * relu's gradient: {@code g} where {@code x > 0}; +0 where {@code x <= 0}, whatever finite or
   * infinite {@code g} (PyTorch's answer); NaN where {@code x} or {@code g} is NaN. {@code x} may
   * be relu's input or its output (both positive at the same places).
   */
  public static Tensor reluGrad(Tensor g, Tensor x) {
    return Ops.call(RELU_GRAD, Attrs.empty(), g, x);
  }

  private static void reluGradPortable(KernelCall c) {
    reluGrad(c.backend(), c.input(0), c.input(1), c.output(), c.outputSpec().shape());
  }

  /**
   * relu's gradient from the {@code Backend} primitives alone, {@code jgrad::relu_grad}'s portable
   * kernel, with the CPU kernel's values: {@code g} clamped to {@code [-open, open]}, open being
   * +infinity where x > 0 and +0 elsewhere (NaN where x is), so an infinite g is selected away
   * where {@code x <= 0} instead of multiplied by 0. Public so that the backend test kit runs it
   * on each backend's primitives.
   */
  public static void reluGrad(Backend b, DeviceBuffer g, DeviceBuffer x, DeviceBuffer out,
      Shape s) {
    DType dtype = out.dtype();
    // the largest power of two of the dtype: step(x) times it twice is +infinity or +0
    double huge = Math.scalb(1.0, dtype == DType.FLOAT32 ? Float.MAX_EXPONENT
        : Double.MAX_EXPONENT);
    try (DeviceBuffer open = b.allocate(dtype, s.size())) {
      b.unary(UnaryOp.STEP, x, open);
      b.scalar(BinaryOp.MUL, open, huge, open);
      b.scalar(BinaryOp.MUL, open, huge, open);
      b.binary(BinaryOp.MINIMUM, g, s, open, s, out, s);
      b.unary(UnaryOp.NEG, open, open);
      b.scalar(BinaryOp.ADD, open, 0.0, open); // -0 + 0 is +0: the lower bound where x <= 0
      b.binary(BinaryOp.MAXIMUM, out, s, open, s, out, s);
    }
  }

  /** Overflow-safe softmax along {@code axis}: the max is subtracted before exponentiating. */
  static void softmax(Backend b, DeviceBuffer x, Shape s, int axis, DeviceBuffer out) {
    if (s.size() == 0) { // an empty result; the reductions would refuse an empty axis
      return;
    }
    Shape kept = s.withDim(axis, 1);
    try (DeviceBuffer m = b.allocate(out.dtype(), kept.size())) {
      b.reduce(ReduceOp.MAX, x, s.outer(axis), s.dim(axis), s.inner(axis), m);
      b.binary(BinaryOp.SUB, x, s, m, kept, out, s);
      b.unary(UnaryOp.EXP, out, out);
      b.reduce(ReduceOp.SUM, out, s.outer(axis), s.dim(axis), s.inner(axis), m);
      b.binary(BinaryOp.DIV, out, s, m, kept, out, s);
    }
  }
}
