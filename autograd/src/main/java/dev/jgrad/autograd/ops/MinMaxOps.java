package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.OpNames.MAXIMUM;
import static dev.jgrad.api.op.OpNames.MINIMUM;
import static dev.jgrad.autograd.ops.OpSupport.broadcast;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;
import static dev.jgrad.autograd.ops.OpSupport.sumTo;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;

/**
 * {@code maximum} and {@code minimum} of two tensors (broadcast): the backends' MAXIMUM and
 * MINIMUM primitives forward (NaN where either input is NaN; +0 over -0 for maximum, -0 for
 * minimum, as {@link Math#max}), and PyTorch's gradient: all of g to the input that won, half to
 * each on a tie, all of it to both where a NaN made the comparison fail.
 */
public final class MinMaxOps {
  private MinMaxOps() {}

  static void register(OpRegistry.Registration r) {
    register(r, MAXIMUM, BinaryOp.MAXIMUM, true);
    register(r, MINIMUM, BinaryOp.MINIMUM, false);
  }

  private static void register(OpRegistry.Registration r, String name, BinaryOp op,
      boolean larger) {
    registerOp(r, OpDef.builder(name).arity(2).attributes().shapeRule(broadcast(name))
        .gradientReadsInputs(0, 1).gradientReadsOutput(false).build(),
        ArithmeticOps.binaryKernel(op), ctx -> {
          Tensor a = ctx.input(0);
          Tensor b = ctx.input(1);
          // an input loses where the other wins strictly; for maximum, a loses where b > a
          Tensor aLoses = larger ? b.greater(a) : a.greater(b);
          Tensor bLoses = larger ? a.greater(b) : b.greater(a);
          Tensor g = ctx.gradOutput();
          Tensor half = Tensor.where(a.eq(b), g.mul(0.5), g);
          Tensor zero = Tensor.zeros(g.dtype()).to(g.backend());
          return Arrays.asList(sumTo(Tensor.where(aLoses, zero, half), a.shape()),
              sumTo(Tensor.where(bLoses, zero, half), b.shape()));
        });
  }
}
