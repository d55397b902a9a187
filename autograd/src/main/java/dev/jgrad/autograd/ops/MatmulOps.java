package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.AttrKeys.TRANS_A;
import static dev.jgrad.api.op.AttrKeys.TRANS_B;
import static dev.jgrad.api.op.OpNames.MATMUL;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;
import static dev.jgrad.autograd.ops.OpSupport.sumTo;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.GradientSink;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Matrix product with NumPy's {@code matmul} semantics, {@code op(a) x op(b)} where the
 * attributes {@code transA} and {@code transB} ask for a transposed operand (its last two axes
 * swapped). The flags let the backward pass use the backend's transposed GEMM directly instead of
 * materialising transposes.
 *
 * <p>Rank-2 operands take the {@code matmul} primitive and nothing else. Otherwise the leading
 * (batch) axes broadcast, {@code [..., m, k] x [..., k, n] = [..., m, n]}, through the
 * {@code matmulBatched} primitive: an operand whose batch axes are all 1 (or absent) is passed
 * once with stride 0, shared by every product; one broadcast along only some batch axes is first
 * expanded into a temporary buffer. A vector operand is a row on the left and a column on the
 * right, and that added axis is dropped from the result ({@code [k] x [k, n] = [n]}).
 */
public final class MatmulOps {
  private MatmulOps() {}

  /** {@code op(a) x op(b)} without materialising a transpose. */
  public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
    return Ops.call(MATMUL, Attrs.of(TRANS_A, transA, TRANS_B, transB), a, b);
  }

  static void register(OpRegistry.Registration r) {
    OpDef def = OpDef.builder(MATMUL).arity(2).attributes(TRANS_A, TRANS_B).shapeRule((in, attrs) -> {
      Shape a = in.get(0).shape();
      Shape b = in.get(1).shape();
      boolean ta = attrs.getBoolean(TRANS_A, false);
      boolean tb = attrs.getBoolean(TRANS_B, false);
      if (a.rank() == 2 && b.rank() == 2) {
        int k = ta ? a.dim(0) : a.dim(1);
        checkInner(a, ta, k, b, tb, tb ? b.dim(1) : b.dim(0));
        return new TensorSpec(Shape.of(ta ? a.dim(1) : a.dim(0), tb ? b.dim(0) : b.dim(1)),
            in.get(0).dtype());
      }
      return new TensorSpec(Batched.of(a, ta, b, tb).out(), in.get(0).dtype());
    }).gradientReadsInputs(0, 1).gradientReadsOutput(false).build();
    registerOp(r, def, c -> {
      boolean ta = c.attrs().getBoolean(TRANS_A, false);
      boolean tb = c.attrs().getBoolean(TRANS_B, false);
      Shape a = c.inputSpec(0).shape();
      Shape b = c.inputSpec(1).shape();
      if (a.rank() != 2 || b.rank() != 2) {
        batched(c, Batched.of(a, ta, b, tb), ta, tb);
        return;
      }
      Shape out = c.outputSpec().shape();
      int k = ta ? a.dim(0) : a.dim(1);
      c.backend().matmul(c.input(0), ta, c.input(1), tb, c.output(), out.dim(0), out.dim(1), k);
    }, ctx -> {
      // C = op(A) op(B):  d op(A) = G op(B)^T,  d op(B) = op(A)^T G; transposed back when stored
      // so. With batch axes each is summed back over the axes its operand was broadcast along.
      boolean ta = ctx.attrs().getBoolean(TRANS_A, false);
      boolean tb = ctx.attrs().getBoolean(TRANS_B, false);
      Tensor a = ctx.input(0);
      Tensor b = ctx.input(1);
      Tensor g = ctx.gradOutput();
      if (a.rank() != 2 || b.rank() != 2) {
        return batchedGradient(Batched.of(a.shape(), ta, b.shape(), tb), a, ta, b, tb, g,
            ctx.needsGradient(0), ctx.needsGradient(1));
      }
      // A sink takes its input's gradient as the product itself (an optimizer updating the
      // weight in the product's kernel). At most one per call, after the other gradient, which
      // reads the input the sink changes.
      GradientSink sinkB = ctx.needsGradient(1) ? ctx.sink(1) : null;
      GradientSink sinkA = sinkB == null && ctx.needsGradient(0) ? ctx.sink(0) : null;
      Tensor da = !ctx.needsGradient(0) || sinkA != null ? null : gradientA(a, ta, b, tb, g);
      Tensor db = !ctx.needsGradient(1) || sinkB != null ? null : gradientB(a, ta, b, tb, g);
      if (sinkB != null
          && !(tb ? offer(sinkB, g, true, a, ta, b) : offer(sinkB, a, !ta, g, false, b))) {
        db = gradientB(a, ta, b, tb, g);
      }
      if (sinkA != null
          && !(ta ? offer(sinkA, b, tb, g, true, a) : offer(sinkA, g, false, b, !tb, a))) {
        da = gradientA(a, ta, b, tb, g);
      }
      return Arrays.asList(da, db);
    });
  }

  /** {@code d a} of {@code op(a) op(b)}, stored as {@code a} is. */
  private static Tensor gradientA(Tensor a, boolean ta, Tensor b, boolean tb, Tensor g) {
    return ta ? matmul(b, tb, g, true) : matmul(g, false, b, !tb);
  }

  /** {@code d b} of {@code op(a) op(b)}, stored as {@code b} is. */
  private static Tensor gradientB(Tensor a, boolean ta, Tensor b, boolean tb, Tensor g) {
    return tb ? matmul(g, true, a, ta) : matmul(a, !ta, g, false);
  }

  /**
   * Offers {@code op(x) op(y)}, the gradient of {@code target} (rank 2), to {@code sink}; whether
   * it took it. Only dense operands of one dtype: the sink reads their buffers as they are.
   */
  private static boolean offer(GradientSink sink, Tensor x, boolean tx, Tensor y, boolean ty,
      Tensor target) {
    if (!x.isContiguous() || !y.isContiguous() || x.dtype() != target.dtype()
        || y.dtype() != target.dtype() || !target.isContiguous()) {
      return false;
    }
    int k = tx ? x.shape().dim(0) : x.shape().dim(1);
    return sink.acceptProduct(x.buffer(), tx, y.buffer(), ty, target.shape().dim(0),
        target.shape().dim(1), k);
  }

  /**
   * The inner dimensions must agree; the error names the op, both shapes, both dims and the rule
   * (the usual slip: a weight of PyTorch's {@code [out, in]} where jgrad's is {@code [in, out]}).
   */
  private static void checkInner(Shape a, boolean ta, int ka, Shape b, boolean tb, int kb) {
    if (ka != kb) {
      throw new IllegalArgumentException(MATMUL + ": " + a + (ta ? "^T" : "") + " and " + b
          + (tb ? "^T" : "") + " do not match: inner dims " + ka + " and " + kb
          + "; the first's columns must equal the second's rows (transpose() one?)");
    }
  }

  private static void batched(KernelCall c, Batched p, boolean ta, boolean tb) {
    Backend backend = c.backend();
    if (p.batch() == 1) { // one product, whatever axes of 1 surround it
      backend.matmul(c.input(0), ta, c.input(1), tb, c.output(), p.m(), p.n(), p.k());
      return;
    }
    DeviceBuffer a = c.input(0);
    DeviceBuffer b = c.input(1);
    try (DeviceBuffer aFull = p.expandA() == null ? null : expand(backend, a, p.a(), p.expandA());
        DeviceBuffer bFull = p.expandB() == null ? null : expand(backend, b, p.b(), p.expandB())) {
      backend.matmulBatched(aFull == null ? a : aFull, ta, bFull == null ? b : bFull, tb,
          c.output(), p.batch(), p.m(), p.n(), p.k(), p.sharesA() ? 0 : (long) p.m() * p.k(),
          p.sharesB() ? 0 : (long) p.k() * p.n());
    }
  }

  /** A new buffer holding {@code x} of {@code from} broadcast to {@code to}. */
  private static DeviceBuffer expand(Backend backend, DeviceBuffer x, Shape from, Shape to) {
    DeviceBuffer out = backend.allocate(x.dtype(), to.size());
    backend.fill(out, 0);
    backend.binary(BinaryOp.ADD, out, to, x, from, out, to);
    return out;
  }

  private static List<Tensor> batchedGradient(Batched p, Tensor a, boolean ta,
      Tensor b, boolean tb, Tensor g, boolean needA, boolean needB) {
    Tensor ap = a.reshape(p.a().dims()); // the vectors as [1, k] and [k, 1]: views
    Tensor bp = b.reshape(p.b().dims());
    Tensor gp = g.reshape(p.out2d().dims());
    Tensor da = null;
    if (needA) {
      Tensor full = ta ? matmul(bp, tb, gp, true) : matmul(gp, false, bp, !tb);
      da = sumTo(full, p.a()).reshape(a.shape().dims());
    }
    Tensor db = null;
    if (needB) {
      if (p.sharesB() && p.denseA() && !ta) {
        // b shared by every product: the sum over the batch of A_i^T G_i is one product of the
        // batch folded into rows, [batch * m, k]^T [batch * m, n]
        int rows = p.batch() * p.m();
        Tensor a2 = ap.reshape(rows, p.k());
        Tensor g2 = gp.reshape(rows, p.n());
        db = (tb ? matmul(g2, true, a2, false) : matmul(a2, true, g2, false))
            .reshape(b.shape().dims());
      } else {
        Tensor full = tb ? matmul(gp, true, ap, ta) : matmul(ap, !ta, gp, false);
        db = sumTo(full, p.b()).reshape(b.shape().dims());
      }
    }
    return Arrays.asList(da, db);
  }

  /**
   * A product with batch axes or a vector operand, mapped onto the primitives. {@code a} and
   * {@code b} are the operands' shapes with vectors made matrices; {@code out2d} the result's
   * shape before the vectors' axes are dropped, {@code out} after. {@code expandA} is the shape
   * a must be broadcast to first, or null when it can be read as it is (one shared matrix, or
   * one per product); likewise {@code expandB}.
   */
  private record Batched(Shape a, Shape b, Shape out2d, Shape out, int batch, int m, int n, int k,
      boolean sharesA, boolean sharesB, boolean denseA, Shape expandA, Shape expandB) {

    static Batched of(Shape a, boolean ta, Shape b, boolean tb) {
      if (a.rank() == 0 || b.rank() == 0) {
        throw new IllegalArgumentException(MATMUL + ": " + a + " and " + b + " must have rank 1 "
            + "or more; multiply by a scalar with mul");
      }
      if ((a.rank() == 1 && ta) || (b.rank() == 1 && tb)) {
        throw new IllegalArgumentException(MATMUL + ": " + a + (ta ? "^T" : "") + " and " + b
            + (tb ? "^T" : "") + ": a vector cannot be transposed; reshape it to [1, n] or "
            + "[n, 1]");
      }
      Shape ap = a.rank() == 1 ? Shape.of(1, a.dim(0)) : a;
      Shape bp = b.rank() == 1 ? Shape.of(b.dim(0), 1) : b;
      int ra = ap.rank();
      int rb = bp.rank();
      int m = ta ? ap.dim(ra - 1) : ap.dim(ra - 2);
      int k = ta ? ap.dim(ra - 2) : ap.dim(ra - 1);
      int n = tb ? bp.dim(rb - 2) : bp.dim(rb - 1);
      checkInner(a, ta, k, b, tb, tb ? bp.dim(rb - 1) : bp.dim(rb - 2));
      Shape aLead = Shape.of(Arrays.copyOf(ap.dims(), ra - 2));
      Shape bLead = Shape.of(Arrays.copyOf(bp.dims(), rb - 2));
      Shape lead;
      try {
        lead = Shape.broadcast(aLead, bLead, MATMUL);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(MATMUL + ": " + a + " and " + b + " do not match: "
            + "batch dims " + aLead + " and " + bLead + " do not broadcast", e);
      }
      if (lead.size() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(MATMUL + ": " + a + " and " + b + " make "
            + lead.size() + " products, more than one call takes (" + Integer.MAX_VALUE + ")");
      }
      int batch = (int) lead.size();
      int[] outDims = Arrays.copyOf(lead.dims(), lead.rank() + 2);
      outDims[lead.rank()] = m;
      outDims[lead.rank() + 1] = n;
      Shape out2d = Shape.of(outDims);
      int[] kept = lead.dims();
      if (a.rank() > 1) {
        kept = append(kept, m);
      }
      if (b.rank() > 1) {
        kept = append(kept, n);
      }
      boolean sharesA = aLead.size() == 1;
      boolean sharesB = bLead.size() == 1;
      boolean denseA = aLead.size() == batch;
      return new Batched(ap, bp, out2d, Shape.of(kept), batch, m, n, k, sharesA, sharesB, denseA,
          sharesA || denseA ? null : expanded(lead, ap),
          sharesB || bLead.size() == batch ? null : expanded(lead, bp));
    }

    private static int[] append(int[] dims, int d) {
      int[] out = Arrays.copyOf(dims, dims.length + 1);
      out[dims.length] = d;
      return out;
    }

    /** The batch axes {@code lead} followed by the last two axes of {@code matrix}. */
    private static Shape expanded(Shape lead, Shape matrix) {
      int r = matrix.rank();
      return Shape.of(append(append(lead.dims(), matrix.dim(r - 2)), matrix.dim(r - 1)));
    }
  }
}
