package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ops.MatmulOps;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Matrix products: 2-D, vectors, batched with broadcast batch axes, transposed operands (by flag
 * and by view), and the CPU backend's fast paths: mostly-zero left operands (the sparse kernel,
 * and its nonzeros listed ahead by {@code prepareOperand} as the data loader does), products
 * large enough to be split over the threads, a weight shared by a batch.
 */
final class MatmulCases {
  private MatmulCases() {}

  /** The operands' stored shapes and how the product is asked for. */
  private record Draw(int[] a, int[] b, boolean ta, boolean tb, boolean flags, Dist da,
      Dist db, boolean prepare, String kind) {}

  private static Draw draw(Random r, DType dtype) {
    int kind = r.nextInt(20);
    Dist dense = Dist.any(r, Dist.NORMAL, Dist.SMALL_INT, Dist.RELU, Dist.SPECIAL);
    Dist right = Dist.any(r, Dist.NORMAL, Dist.WIDE, Dist.SPECIAL);
    switch (kind) {
      case 0, 1, 2, 3, 4: { // small 2-D, transposed by flags or by views
        return matrices(r, Shapes.dim(r), Shapes.dim(r), Shapes.dim(r), new int[0], new int[0],
            dense, right, false, "2-D");
      }
      case 5, 6: { // a vector on either side, or both
        int k = Shapes.dim(r);
        int n = Shapes.dim(r);
        int[] lead = r.nextBoolean() ? new int[0] : new int[] {1 + r.nextInt(3)};
        int side = r.nextInt(3);
        int[] a = side == 1 ? withLead(lead, n, k) : new int[] {k};
        int[] b = side == 0 ? withLead(lead, k, n) : new int[] {k};
        return new Draw(a, b, false, false, false, dense, Dist.NORMAL, false, "vector");
      }
      case 7, 8, 9: { // batched, batch axes broadcast (one side may have none)
        int[] lead = Shapes.shape(r, 1, 2, 12);
        int[] la = Shapes.broadcastable(r, lead);
        int[] lb = Shapes.broadcastable(r, lead);
        return matrices(r, Shapes.dim(r), Shapes.dim(r), Shapes.dim(r), la, lb, dense, right,
            false, "batched");
      }
      case 10, 11: { // a mostly-zero left operand: the sparse kernel (listed ahead or sampled)
        int m = 64 + r.nextInt(150);
        int k = 300 + r.nextInt(500);
        int n = Math.max((1 << 20) / (m * k) + 1, r.nextInt(4) == 0 ? 200 + r.nextInt(120)
            : 16 + r.nextInt(80)); // at least 2^20 multiply-adds; wide ones take several passes
        boolean prepare = dtype == DType.FLOAT32 && r.nextBoolean();
        return matrices(r, m, k, n, new int[0], new int[0], Dist.any(r, Dist.SPARSE,
            Dist.PIXELS), Dist.any(r, Dist.NORMAL, Dist.SPECIAL), prepare, "sparse");
      }
      case 12, 13: { // sparse and past the split into parts (2^24 multiply-adds)
        int m = 512 + r.nextInt(64);
        int n = 42 + r.nextInt(16);
        boolean prepare = dtype == DType.FLOAT32 && r.nextBoolean();
        return matrices(r, m, 784, n, new int[0], new int[0], Dist.PIXELS, Dist.NORMAL, prepare,
            "sparse split");
      }
      case 14: { // dense and past the split (2^24 multiply-adds)
        return matrices(r, 256 + r.nextInt(24), 256 + r.nextInt(24), 260 + r.nextInt(24),
            new int[0], new int[0], Dist.NORMAL, Dist.NORMAL, false, "split");
      }
      case 15, 16: { // past the own kernel's blocks of k (256) and rows of op(a) (240)
        return matrices(r, 100 + r.nextInt(200), 257 + r.nextInt(450), 1 + r.nextInt(60),
            new int[0], new int[0], Dist.NORMAL, Dist.NORMAL, false, "blocked");
      }
      default: { // a batch against one shared matrix, either side
        int[] lead = {2 + r.nextInt(5)};
        boolean sharedB = r.nextBoolean();
        return matrices(r, 4 + r.nextInt(40), 4 + r.nextInt(40), 4 + r.nextInt(40),
            sharedB ? lead : new int[0], sharedB ? new int[0] : lead, dense, right, false,
            "shared");
      }
    }
  }

  private static int[] withLead(int[] lead, int rows, int cols) {
    int[] s = Arrays.copyOf(lead, lead.length + 2);
    s[lead.length] = rows;
    s[lead.length + 1] = cols;
    return s;
  }

  /** {@code [la.., m, k] x [lb.., k, n]}, stored transposed where the flags say. */
  private static Draw matrices(Random r, int m, int k, int n, int[] la, int[] lb, Dist da,
      Dist db, boolean prepare, String kind) {
    boolean flags = r.nextBoolean();
    boolean ta = flags && r.nextBoolean();
    boolean tb = flags && r.nextBoolean();
    return new Draw(ta ? withLead(la, k, m) : withLead(la, m, k),
        tb ? withLead(lb, n, k) : withLead(lb, k, n), ta, tb, flags, da, db, prepare, kind);
  }

  static FuzzCase matmul(Random r, DType dtype) {
    Draw d = draw(r, dtype);
    InputSpec left = InputSpec.data("a", d.da(), d.a());
    List<InputSpec> specs = List.of(d.prepare() ? left.dense() : left,
        InputSpec.data("b", d.db(), d.b()));
    String describe = (d.flags() ? "MatmulOps.matmul(a, " + d.ta() + ", b, " + d.tb() + ")"
        : "a.matmul(b)") + " [" + d.kind() + (d.prepare() ? ", a prepared" : "") + "]";
    return new FuzzCase(describe, specs, in -> {
      Tensor a = in.get(0);
      Tensor b = in.get(1);
      if (d.prepare()) {
        // what DataLoader's prefetch does for a batch: list the nonzeros ahead of the products
        a.backend().prepareOperand(a.buffer(), a.shape().dim(0), a.shape().dim(1));
      }
      return d.flags() ? MatmulOps.matmul(a, d.ta(), b, d.tb()) : a.matmul(b);
    }, in -> reference(in.get(0), d.ta(), in.get(1), d.tb()));
  }

  /**
   * A product of a tensor with itself: {@code a a^T}, {@code a^T a} (by flags) or {@code a a}
   * (square, batched or not): one buffer read as both operands.
   */
  static FuzzCase self(Random r, DType dtype) {
    int kind = r.nextInt(3);
    int m = Shapes.dim(r);
    int k = kind == 2 ? m : Shapes.dim(r);
    int[] lead = r.nextBoolean() ? new int[0] : new int[] {1 + r.nextInt(4)};
    boolean ta = kind == 1;
    boolean tb = kind == 0;
    InputSpec a = InputSpec.data("a", Dist.any(r, Dist.NORMAL, Dist.RELU), withLead(lead, m, k));
    String describe = kind == 2 ? "a.matmul(a)" : "MatmulOps.matmul(a, " + ta + ", a, " + tb
        + ")";
    return new FuzzCase(describe, List.of(a), in -> kind == 2 ? in.get(0).matmul(in.get(0))
        : MatmulOps.matmul(in.get(0), ta, in.get(0), tb), in -> {
          Expect e = reference(in.get(0), ta, in.get(0), tb);
          return e.withBackward(w -> { // the gradients through both operands add up
            List<Expect.Grad> g = e.backward().apply(w);
            Nd v = RefMath.zip(g.get(0).value(), g.get(1).value(), Double::sum);
            Nd mag = RefMath.zip(g.get(0).mag(), g.get(1).mag(), Double::sum);
            return List.of(new Expect.Grad(v, mag));
          });
        });
  }

  /** NumPy's matmul of op(a) and op(b), and its gradients. */
  static Expect reference(Nd a, boolean ta, Nd b, boolean tb) {
    Nd ap = a.rank() == 1 ? a.reshape(1, a.shape[0]) : a;
    Nd bp = b.rank() == 1 ? b.reshape(b.shape[0], 1) : b;
    Nd opA = ta ? RefMath.transposeLast(ap) : ap;
    Nd opB = tb ? RefMath.transposeLast(bp) : bp;
    Nd[] product = RefMath.batchedProduct(opA, opB);
    Nd out2d = product[0];
    Nd mag2d = product[1];
    int[] out = outShape(a, b, out2d.shape);
    int m = opA.shape[opA.rank() - 2];
    int k = opA.shape[opA.rank() - 1];
    int n = opB.shape[opB.rank() - 1];
    int batch = Nd.sizeOf(java.util.Arrays.copyOf(out2d.shape, out2d.rank() - 2));
    int fewest = Math.min(Nd.sizeOf(java.util.Arrays.copyOf(opA.shape, opA.rank() - 2)),
        Nd.sizeOf(java.util.Arrays.copyOf(opB.shape, opB.rank() - 2)));
    double length = Math.max(k, (double) Math.max(m, n) * batch / Math.max(1, fewest));
    return new Expect(out2d.reshape(out), mag2d.reshape(out), length, null, null)
        .withBackward(w -> {
          Nd g = w.reshape(out2d.shape);
          Nd[] dOpA = RefMath.batchedProduct(g, RefMath.transposeLast(opB));
          Nd[] dOpB = RefMath.batchedProduct(RefMath.transposeLast(opA), g);
          return List.of(
              new Expect.Grad(back(dOpA[0], opA, ta, a), back(dOpA[1], opA, ta, a)),
              new Expect.Grad(back(dOpB[0], opB, tb, b), back(dOpB[1], opB, tb, b)));
        });
  }

  /** A gradient of op(x) summed over the batch axes x was broadcast along, stored as x is. */
  private static Nd back(Nd d, Nd opX, boolean trans, Nd x) {
    Nd summed = RefViews.sumTo(d, opX.shape);
    return (trans ? RefMath.transposeLast(summed) : summed).reshape(x.shape);
  }

  /** NumPy's result shape: the batch axes, then m and n unless an operand was a vector. */
  private static int[] outShape(Nd a, Nd b, int[] out2d) {
    int r = out2d.length;
    int[] lead = Arrays.copyOf(out2d, r - 2);
    int[] s = lead;
    if (a.rank() > 1) {
      s = Arrays.copyOf(s, s.length + 1);
      s[s.length - 1] = out2d[r - 2];
    }
    if (b.rank() > 1) {
      s = Arrays.copyOf(s, s.length + 1);
      s[s.length - 1] = out2d[r - 1];
    }
    return s;
  }
}
