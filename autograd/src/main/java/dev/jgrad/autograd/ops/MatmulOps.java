package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.AttrKeys.TRANS_A;
import static dev.jgrad.api.op.AttrKeys.TRANS_B;
import static dev.jgrad.api.op.OpNames.MATMUL;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;

import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;

/**
 * Matrix product of rank-2 tensors, {@code op(a) x op(b)} where the attributes {@code transA} and
 * {@code transB} ask for a transposed operand. The flags let the backward pass use the backend's
 * transposed GEMM directly instead of materialising transposes.
 */
public final class MatmulOps {
  private MatmulOps() {}

  /** {@code op(a) x op(b)} without materialising a transpose. */
  public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
    return Ops.call(MATMUL, Attrs.of(TRANS_A, transA, TRANS_B, transB), a, b);
  }

  static void register(OpRegistry.Registration r) {
    OpDef def = OpDef.builder(MATMUL).arity(2).shapeRule((in, attrs) -> {
      Shape a = in.get(0).shape();
      Shape b = in.get(1).shape();
      boolean ta = attrs.getBoolean(TRANS_A, false);
      boolean tb = attrs.getBoolean(TRANS_B, false);
      if (a.rank() != 2 || b.rank() != 2) {
        throw new IllegalArgumentException(MATMUL + ": needs two rank-2 tensors, got shapes " + a
            + " and " + b + "; reshape vectors to [1, n] or [n, 1]");
      }
      int ka = ta ? a.dim(0) : a.dim(1);
      int kb = tb ? b.dim(1) : b.dim(0);
      if (ka != kb) {
        throw new IllegalArgumentException(MATMUL + ": shapes " + a + (ta ? "^T" : "") + " and "
            + b + (tb ? "^T" : "") + " are incompatible: inner dimensions " + ka + " and " + kb
            + " differ");
      }
      return new TensorSpec(Shape.of(ta ? a.dim(1) : a.dim(0), tb ? b.dim(0) : b.dim(1)),
          in.get(0).dtype());
    }).gradientReadsInputs(0, 1).gradientReadsOutput(false).build();
    registerOp(r, def, c -> {
      boolean ta = c.attrs().getBoolean(TRANS_A, false);
      boolean tb = c.attrs().getBoolean(TRANS_B, false);
      Shape a = c.inputSpec(0).shape();
      Shape out = c.outputSpec().shape();
      int k = ta ? a.dim(0) : a.dim(1);
      c.backend().matmul(c.input(0), ta, c.input(1), tb, c.output(), out.dim(0), out.dim(1), k);
    }, ctx -> {
      // C = op(A) op(B):  d op(A) = G op(B)^T,  d op(B) = op(A)^T G; transposed back when stored so.
      boolean ta = ctx.attrs().getBoolean(TRANS_A, false);
      boolean tb = ctx.attrs().getBoolean(TRANS_B, false);
      Tensor a = ctx.input(0);
      Tensor b = ctx.input(1);
      Tensor g = ctx.gradOutput();
      Tensor da = !ctx.needsGradient(0) ? null
          : ta ? matmul(b, tb, g, true) : matmul(g, false, b, !tb);
      Tensor db = !ctx.needsGradient(1) ? null
          : tb ? matmul(g, true, a, ta) : matmul(a, !ta, g, false);
      return Arrays.asList(da, db);
    });
  }
}
