package dev.jgrad.autograd.opfuzz;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Reference arithmetic in double with naive loops: elementwise maps, NumPy-broadcast binary ops,
 * reductions over axes and the matrix product with batch broadcasting.
 */
final class RefMath {
  private RefMath() {}

  static Nd map(Nd x, DoubleUnaryOperator f) {
    double[] r = new double[x.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = f.applyAsDouble(x.v[i]);
    }
    return new Nd(x.shape, r);
  }

  /** {@code f(a, b)} broadcast (NumPy rules); the shapes must broadcast. */
  static Nd zip(Nd a, Nd b, DoubleBinaryOperator f) {
    int[] out = RefViews.broadcastShape(a.shape, b.shape);
    int[] ao = RefViews.broadcastOffsets(a.shape, out);
    int[] bo = RefViews.broadcastOffsets(b.shape, out);
    double[] r = new double[ao.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = f.applyAsDouble(a.v[ao[i]], b.v[bo[i]]);
    }
    return new Nd(out, r);
  }

  /** Sorted distinct axes in {@code [0, rank)} from axes that may count from the end. */
  static int[] normalize(int[] axes, int rank) {
    return Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().distinct().toArray();
  }

  /** The shape after reducing {@code axes} (normalized), with them kept as 1 or dropped. */
  static int[] reducedShape(int[] shape, int[] axes, boolean keep) {
    int[] out = new int[keep ? shape.length : shape.length - axes.length];
    for (int i = 0, j = 0; i < shape.length; i++) {
      boolean reduced = Arrays.binarySearch(axes, i) >= 0;
      if (!reduced) {
        out[j++] = shape[i];
      } else if (keep) {
        out[j++] = 1;
      }
    }
    return out;
  }

  /** For each element of {@code shape}, the flat index of its slot after reducing {@code axes}. */
  static int[] reduceMap(int[] shape, int[] axes) {
    return RefViews.broadcastOffsets(reducedShape(shape, axes, true), shape);
  }

  /** Sum over {@code axes} (normalized). */
  static Nd sum(Nd x, int[] axes, boolean keep) {
    int[] map = reduceMap(x.shape, axes);
    double[] r = new double[Nd.sizeOf(reducedShape(x.shape, axes, true))];
    for (int f = 0; f < map.length; f++) {
      r[map[f]] += x.v[f];
    }
    return new Nd(reducedShape(x.shape, axes, keep), r);
  }

  /** Maximum over {@code axes} (normalized). */
  static Nd max(Nd x, int[] axes, boolean keep) {
    int[] map = reduceMap(x.shape, axes);
    double[] r = new double[Nd.sizeOf(reducedShape(x.shape, axes, true))];
    Arrays.fill(r, Double.NEGATIVE_INFINITY);
    for (int f = 0; f < map.length; f++) {
      r[map[f]] = Math.max(r[map[f]], x.v[f]);
    }
    return new Nd(reducedShape(x.shape, axes, keep), r);
  }

  /** Each element's reduced value ({@code r} of the reduced shape) spread back over {@code x}. */
  static Nd spread(Nd r, int[] shape, int[] axes) {
    int[] map = reduceMap(shape, axes);
    double[] out = new double[map.length];
    for (int f = 0; f < map.length; f++) {
      out[f] = r.v[map[f]];
    }
    return new Nd(shape, out);
  }

  /** How many elements one reduced slot of {@code axes} covers. */
  static int count(int[] shape, int[] axes) {
    int n = 1;
    for (int a : axes) {
      n *= shape[a];
    }
    return n;
  }

  /** The last two axes swapped (rank >= 2). */
  static Nd transposeLast(Nd x) {
    int r = x.rank();
    int[] p = new int[r];
    for (int i = 0; i < r; i++) {
      p[i] = i;
    }
    p[r - 2] = r - 1;
    p[r - 1] = r - 2;
    return RefViews.permute(x, p);
  }

  /**
   * {@code [..., m, k] x [..., k, n]}, the batch axes broadcast, and the same product of the
   * absolute values (the magnitude of each sum's terms): row by row, each output summed over k
   * in index order. Both operands have rank >= 2.
   */
  static Nd[] batchedProduct(Nd a, Nd b) {
    int ra = a.rank();
    int rb = b.rank();
    int m = a.shape[ra - 2];
    int k = a.shape[ra - 1];
    int n = b.shape[rb - 1];
    int[] aLead = Arrays.copyOf(a.shape, ra - 2);
    int[] bLead = Arrays.copyOf(b.shape, rb - 2);
    int[] lead = RefViews.broadcastShape(aLead, bLead);
    int[] ao = RefViews.broadcastOffsets(aLead, lead);
    int[] bo = RefViews.broadcastOffsets(bLead, lead);
    int[] outShape = Arrays.copyOf(lead, lead.length + 2);
    outShape[lead.length] = m;
    outShape[lead.length + 1] = n;
    double[] out = new double[Nd.sizeOf(outShape)];
    double[] mag = new double[out.length];
    for (int p = 0; p < ao.length; p++) {
      int aBase = ao[p] * m * k;
      int bBase = bo[p] * k * n;
      int oBase = p * m * n;
      for (int i = 0; i < m; i++) {
        int row = oBase + i * n;
        for (int q = 0; q < k; q++) { // adds a[i, q] b[q, :] to row i: each sum in order of q
          double x = a.v[aBase + i * k + q];
          double ax = Math.abs(x);
          int bRow = bBase + q * n;
          for (int j = 0; j < n; j++) {
            double y = b.v[bRow + j];
            out[row + j] += x * y;
            mag[row + j] += ax * Math.abs(y);
          }
        }
      }
    }
    return new Nd[] {new Nd(outShape, out), new Nd(outShape, mag)};
  }
}
