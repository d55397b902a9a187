package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.autograd.ops.MatmulOps;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * matmul with batch axes and vectors (NumPy's semantics) against a reference loop that indexes
 * every operand through its own broadcast, and its errors.
 */
class BatchedMatmulTest {
  /** a's shape, b's shape, transA, transB (0 or 1), and the expected output shape. */
  private static final int[][][] CASES = {
      {{8, 3, 4}, {4, 5}, {0, 0}, {8, 3, 5}}, // b shared by every product
      {{3, 4}, {2, 3, 4, 5}, {0, 0}, {2, 3, 3, 5}}, // a shared
      {{2, 1, 3, 4}, {5, 4, 6}, {0, 0}, {2, 5, 3, 6}}, // a broadcast along one batch axis
      {{2, 1, 3, 4}, {1, 3, 4, 2}, {0, 0}, {2, 3, 3, 2}}, // both broadcast, neither shared
      {{3, 2, 4}, {3, 4, 5}, {0, 0}, {3, 2, 5}}, // one product per batch entry
      {{1, 3, 4}, {1, 4, 2}, {0, 0}, {1, 3, 2}}, // a batch of one
      {{2, 4, 3}, {4, 5}, {1, 0}, {2, 3, 5}},
      {{2, 3, 4}, {2, 5, 4}, {0, 1}, {2, 3, 5}},
      {{2, 4, 3}, {5, 4}, {1, 1}, {2, 3, 5}},
      {{3, 4}, {2, 5, 4}, {0, 1}, {2, 3, 5}},
      {{4}, {2, 4, 3}, {0, 0}, {2, 3}}, // a vector is a row, its axis dropped
      {{2, 3, 4}, {4}, {0, 0}, {2, 3}}, // ... and a column on the right
      {{4}, {4, 3}, {0, 0}, {3}},
      {{3, 4}, {4}, {0, 0}, {3}},
      {{4}, {4}, {0, 0}, {}},
      {{0, 3, 4}, {4, 5}, {0, 0}, {0, 3, 5}}, // an empty batch
  };

  private static double[] random(Random r, int[] dims) {
    double[] x = new double[(int) Shape.of(dims).size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextDouble() * 2 - 1;
    }
    return x;
  }

  /** Row-major strides of {@code dims}, 0 along axes of size 1 (they broadcast). */
  private static long[] broadcastStrides(int[] dims, int rank) {
    long[] strides = new long[rank];
    long s = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      strides[rank - dims.length + i] = dims[i] == 1 ? 0 : s;
      s *= dims[i];
    }
    return strides;
  }

  /** op(a) op(b) by the definition, every index of every operand worked out on its own. */
  private static double[] reference(double[] a, int[] aDims, boolean ta, double[] b, int[] bDims,
      boolean tb, int[] outDims) {
    int[] ap = aDims.length == 1 ? new int[] {1, aDims[0]} : aDims;
    int[] bp = bDims.length == 1 ? new int[] {bDims[0], 1} : bDims;
    int m = ta ? ap[ap.length - 1] : ap[ap.length - 2];
    int k = ta ? ap[ap.length - 2] : ap[ap.length - 1];
    int n = tb ? bp[bp.length - 2] : bp[bp.length - 1];
    int[] lead = Shape.broadcast(Shape.of(Arrays.copyOf(ap, ap.length - 2)),
        Shape.of(Arrays.copyOf(bp, bp.length - 2)), "test").dims();
    long[] sa = broadcastStrides(Arrays.copyOf(ap, ap.length - 2), lead.length);
    long[] sb = broadcastStrides(Arrays.copyOf(bp, bp.length - 2), lead.length);
    int batch = (int) Shape.of(lead).size();
    double[] out = new double[batch * m * n];
    assertEquals(out.length, Shape.of(outDims).size());
    for (int i = 0; i < batch; i++) {
      long aOff = 0;
      long bOff = 0;
      int rest = i;
      for (int d = lead.length - 1; d >= 0; d--) {
        int idx = rest % lead[d];
        rest /= lead[d];
        aOff += idx * sa[d];
        bOff += idx * sb[d];
      }
      aOff *= (long) m * k;
      bOff *= (long) k * n;
      for (int r = 0; r < m; r++) {
        for (int c = 0; c < n; c++) {
          double sum = 0;
          for (int p = 0; p < k; p++) {
            sum += a[(int) (aOff + (ta ? p * m + r : r * k + p))]
                * b[(int) (bOff + (tb ? c * k + p : p * n + c))];
          }
          out[i * m * n + r * n + c] = sum;
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void forwardMatchesTheReferenceLoop(DType dtype) {
    Random r = new Random(17);
    for (int[][] c : CASES) {
      boolean ta = c[2][0] == 1;
      boolean tb = c[2][1] == 1;
      double[] x = random(r, c[0]);
      double[] y = random(r, c[1]);
      Tensor out = MatmulOps.matmul(Tensor.of(x, dtype, c[0]), ta, Tensor.of(y, dtype, c[1]), tb);
      String what = Arrays.toString(c[0]) + (ta ? "^T" : "") + " x " + Arrays.toString(c[1])
          + (tb ? "^T" : "") + " " + dtype;
      assertEquals(Shape.of(c[3]), out.shape(), what);
      assertEquals(dtype, out.dtype(), what);
      assertArrayEquals(reference(x, c[0], ta, y, c[1], tb, c[3]), out.toDoubleArray(),
          dtype == DType.FLOAT32 ? 1e-5 : 1e-12, what);
    }
  }

  @Test
  void aSharedWeightGetsTheSumOfEveryProductsGradient() {
    // [2, 3, 4] x [4, 5]: dW = sum over the batch of x_i^T g_i, the fold into one product
    Random r = new Random(3);
    double[] xs = random(r, new int[] {2, 3, 4});
    Tensor x = Tensor.of(xs, DType.FLOAT64, 2, 3, 4).requiresGrad(true);
    Tensor w = Tensor.of(random(r, new int[] {4, 5}), DType.FLOAT64, 4, 5).requiresGrad(true);
    x.matmul(w).sum().backward();
    Tensor x0 = Tensor.of(Arrays.copyOfRange(xs, 0, 12), DType.FLOAT64, 3, 4);
    Tensor x1 = Tensor.of(Arrays.copyOfRange(xs, 12, 24), DType.FLOAT64, 3, 4);
    Tensor ones = Tensor.of(new double[15], DType.FLOAT64, 3, 5).add(1);
    double[] want = MatmulOps.matmul(x0, true, ones, false)
        .add(MatmulOps.matmul(x1, true, ones, false)).toDoubleArray();
    assertArrayEquals(want, w.grad().toDoubleArray(), 1e-12);
    assertEquals(Shape.of(2, 3, 4), x.grad().shape());
  }

  private static void assertMessage(Runnable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }
  }

  @Test
  void badShapesNameTheOpBothShapesAndWhatDiffers() {
    assertMessage(() -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(5, 6)),
        "jgrad::matmul: [2, 3, 4] and [5, 6] do not match: inner dims 4 and 5");
    assertMessage(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)),
        "jgrad::matmul: [2, 3] and [4, 5] do not match: inner dims 3 and 4; the first's columns"
            + " must equal the second's rows (transpose() one?)");
    assertMessage(() -> MatmulOps.matmul(Tensor.zeros(2, 3, 4), true, Tensor.zeros(4, 5), false),
        "[2, 3, 4]^T and [4, 5]", "inner dims 3 and 4");
    assertMessage(() -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)),
        "jgrad::matmul", "[2, 3, 4] and [3, 4, 5]", "batch dims [2] and [3] do not broadcast");
    assertMessage(() -> Tensor.zeros(3).matmul(Tensor.zeros(4)),
        "jgrad::matmul: [3] and [4] do not match: inner dims 3 and 4");
    assertMessage(() -> Tensor.scalar(2, DType.FLOAT32).matmul(Tensor.zeros(2, 2)),
        "jgrad::matmul", "[] and [2, 2]", "rank 1 or more", "mul");
    assertMessage(() -> MatmulOps.matmul(Tensor.zeros(3), true, Tensor.zeros(3, 2), false),
        "jgrad::matmul", "[3]^T", "vector cannot be transposed");
  }
}
