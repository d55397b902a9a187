package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.AttrKeys.LOWER;
import static dev.jgrad.api.op.AttrKeys.UPPER;
import static dev.jgrad.api.op.OpNames.ABS;
import static dev.jgrad.api.op.OpNames.CLAMP;
import static dev.jgrad.autograd.ops.OpSupport.one;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.UnaryOp;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.Tensor;

/** {@code abs} and {@code clamp}: elementwise ops whose gradients are masks of their input. */
public final class ClampOps {
  private ClampOps() {}

  static void register(OpRegistry.Registration r) {
    // d|x| = g * sign(x), with sign(0) = 0 as in PyTorch: step(x) - step(-x)
    ArithmeticOps.unary(r, ABS, UnaryOp.ABS, Reads.inputs(0), ctx -> {
      Tensor x = ctx.input(0);
      return one(ctx.gradOutput().mul(x.step().sub(x.neg().step())));
    });
    // clamp = min(max(x, lower), upper); NaN stays NaN because MAXIMUM and MINIMUM propagate it.
    // d = g where lower <= x <= upper: exactly where the output equals the input; +0 elsewhere,
    // selected rather than multiplied (g * mask made NaN of an infinite g outside the bounds and
    // -0 of a negative one; PyTorch gives +0).
    registerOp(r, OpDef.builder(CLAMP).arity(1).attributes(LOWER, UPPER).shapeRule((in, attrs) -> {
      double lower = attrs.getDouble(LOWER);
      double upper = attrs.getDouble(UPPER);
      if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
        throw new IllegalArgumentException(CLAMP + ": bounds [" + lower + ", " + upper + "] of "
            + "a tensor of shape " + in.get(0).shape() + " must satisfy min <= max (neither NaN); "
            + "use clampMin or clampMax for a one-sided bound");
      }
      return in.get(0);
    }).gradientReadsInputs(0).gradientReadsOutput(true).build(), c -> {
      c.backend().scalar(BinaryOp.MAXIMUM, c.input(0), c.attrs().getDouble(LOWER), c.output());
      c.backend().scalar(BinaryOp.MINIMUM, c.output(), c.attrs().getDouble(UPPER), c.output());
    }, ctx -> {
      Tensor g = ctx.gradOutput();
      return one(Tensor.where(ctx.input(0).eq(ctx.output()), g,
          Tensor.zeros(g.dtype()).to(g.backend())));
    });
  }
}
