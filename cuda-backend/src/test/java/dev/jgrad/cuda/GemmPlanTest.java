package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import jcuda.jcublas.cublasOperation;
import org.junit.jupiter.api.Test;

/**
 * The row-major-by-operand-order trick, checked without a GPU: a column-major GEMM written to the
 * BLAS definition, called with the plan's arguments on the row-major arrays, must produce the
 * row-major product.
 */
class GemmPlanTest {
  /** BLAS gemm, column-major: C(M x N) = op(X)(M x K) op(Y)(K x N), alpha 1, beta 0. */
  static void columnMajorGemm(int opX, int opY, int mm, int nn, int kk, double[] x,
      int ldx, double[] y, int ldy, double[] c, int ldc) {
    columnMajorGemm(opX, opY, mm, nn, kk, x, 0, ldx, y, 0, ldy, c, 0, ldc);
  }

  /** The same at element offsets into each array, as one product of a strided batch. */
  private static void columnMajorGemm(int opX, int opY, int mm, int nn, int kk, double[] x,
      int xOff, int ldx, double[] y, int yOff, int ldy, double[] c, int cOff, int ldc) {
    for (int col = 0; col < nn; col++) {
      for (int row = 0; row < mm; row++) {
        double s = 0;
        for (int l = 0; l < kk; l++) {
          double xv = opX == GemmPlan.OP_N ? x[xOff + row + l * ldx] : x[xOff + l + row * ldx];
          double yv = opY == GemmPlan.OP_N ? y[yOff + l + col * ldy] : y[yOff + col + l * ldy];
          s += xv * yv;
        }
        c[cOff + row + col * ldc] = s;
      }
    }
  }

  /** cublasGemmStridedBatched, by its definition: one gemm per product at its strides. */
  private static void stridedBatchedGemm(GemmPlan.Strided s, double[] first, double[] second,
      double[] c) {
    GemmPlan p = s.each();
    for (int i = 0; i < s.batch(); i++) {
      columnMajorGemm(p.opFirst(), p.opSecond(), p.m(), p.n(), p.k(), first,
          (int) (i * s.strideFirst()), p.ldFirst(), second, (int) (i * s.strideSecond()),
          p.ldSecond(), c, (int) (i * s.strideC()), p.ldc());
    }
  }

  /** Row-major reference for one product of a batch, at offsets. */
  private static void rowMajorProduct(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, double[] b, int bOff, double[] out, int outOff) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int l = 0; l < k; l++) {
          double av = transA ? a[aOff + l * m + i] : a[aOff + i * k + l];
          double bv = transB ? b[bOff + j * k + l] : b[bOff + l * n + j];
          s += av * bv;
        }
        out[outOff + i * n + j] = s;
      }
    }
  }

  private static double[] gaussian(Random r, int length) {
    double[] x = new double[length];
    for (int i = 0; i < length; i++) {
      x[i] = r.nextGaussian();
    }
    return x;
  }

  private static void checkBatched(boolean transA, boolean transB, int batch, int m, int n, int k,
      boolean shareA, boolean shareB) {
    Random r = new Random(batch * 131 + m * 31 + n * 7 + k);
    long strideA = shareA ? 0 : (long) m * k;
    long strideB = shareB ? 0 : (long) k * n;
    double[] a = gaussian(r, (shareA ? 1 : batch) * m * k);
    double[] b = gaussian(r, (shareB ? 1 : batch) * k * n);
    double[] want = new double[batch * m * n];
    for (int i = 0; i < batch; i++) {
      rowMajorProduct(transA, transB, m, n, k, a, (int) (i * strideA), b, (int) (i * strideB),
          want, i * m * n);
    }
    double[] got = new double[want.length];
    stridedBatchedGemm(GemmPlan.rowMajorBatched(transA, transB, batch, m, n, k, strideA, strideB),
        b, a, got);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-12, "transA=" + transA + " transB=" + transB + " batch="
          + batch + " m=" + m + " n=" + n + " k=" + k + " shareA=" + shareA + " shareB=" + shareB
          + " element " + i);
    }
  }

  private static void check(boolean transA, boolean transB, int m, int n, int k) {
    Random r = new Random(m * 31 + n * 7 + k);
    double[] a = gaussian(r, m * k);
    double[] b = gaussian(r, k * n);
    double[] want = new double[m * n];
    rowMajorProduct(transA, transB, m, n, k, a, 0, b, 0, want, 0);
    GemmPlan p = GemmPlan.rowMajor(transA, transB, m, n, k);
    double[] got = new double[m * n];
    columnMajorGemm(p.opFirst(), p.opSecond(), p.m(), p.n(), p.k(), b, p.ldFirst(), a,
        p.ldSecond(), got, p.ldc());
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-12, "transA=" + transA + " transB=" + transB + " m=" + m
          + " n=" + n + " k=" + k + " element " + i);
    }
  }

  @Test
  void everyTransposeCombinationGivesTheRowMajorProduct() {
    int[][] sizes = {{1, 1, 1}, {2, 3, 4}, {5, 1, 3}, {1, 7, 2}, {4, 4, 1}, {7, 5, 9}};
    for (int[] s : sizes) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          check(ta, tb, s[0], s[1], s[2]);
        }
      }
    }
  }

  @Test
  void stridedBatchesGiveEveryRowMajorProductWithSharedOperands() {
    int[][] sizes = {{1, 1, 1, 1}, {3, 2, 3, 4}, {4, 5, 1, 3}, {2, 7, 5, 9}};
    for (int[] s : sizes) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          for (boolean shareA : new boolean[] {false, true}) {
            for (boolean shareB : new boolean[] {false, true}) {
              checkBatched(ta, tb, s[0], s[1], s[2], s[3], shareA, shareB);
            }
          }
        }
      }
    }
  }

  @Test
  void stridesFollowTheirOperands() {
    // cuBLAS's first operand is b: it must step by b's stride, the second (a) by a's
    GemmPlan.Strided p = GemmPlan.rowMajorBatched(false, false, 4, 2, 3, 5, 10, 0);
    assertEquals(0, p.strideFirst());
    assertEquals(10, p.strideSecond());
    assertEquals(6, p.strideC());
    assertEquals(4, p.batch());
    assertEquals(GemmPlan.rowMajor(false, false, 2, 3, 5), p.each());
    assertThrows(IllegalArgumentException.class,
        () -> GemmPlan.rowMajorBatched(false, false, -1, 1, 1, 1, 0, 0));
  }

  @Test
  void convolutionsThreeProductsGiveTheRowMajorProducts() {
    // stride 2, padding 1, a 3x2 kernel, C = 3, N = 3: CKK = 18, S*P = 3 * 4 * 7
    dev.jgrad.api.op.Conv2dGeometry g =
        new dev.jgrad.api.op.Conv2dGeometry(3, 3, 7, 6, 4, 3, 2, 2, 1, 1, 1, 4, 7);
    for (int samples : new int[] {1, 3}) {
      for (ConvGemm.Product p : new ConvGemm.Product[] {ConvGemm.forwardProduct(g, samples),
          ConvGemm.weightGradProduct(g, samples), ConvGemm.inputGradProduct(g, samples)}) {
        check(p.transA(), p.transB(), p.m(), p.n(), p.k());
        assertEquals(GemmPlan.rowMajor(p.transA(), p.transB(), p.m(), p.n(), p.k()), p.plan());
      }
    }
    // the weight gradient's cols^T: cols stored [CKK, S*P] is read transposed, ld = S*P
    GemmPlan dw = ConvGemm.weightGradProduct(g, 3).plan();
    assertEquals(GemmPlan.OP_T, dw.opFirst());
    assertEquals(3 * 28, dw.ldFirst());
    // the input gradient's W^T: W stored [F, CKK] is read transposed, ld = CKK
    GemmPlan dx = ConvGemm.inputGradProduct(g, 3).plan();
    assertEquals(GemmPlan.OP_T, dx.opSecond());
    assertEquals(18, dx.ldSecond());
  }

  @Test
  void leadingDimensionsAreValidForCublas() {
    // cuBLAS rejects ld < max(1, rows of the stored column-major operand)
    GemmPlan p = GemmPlan.rowMajor(true, true, 3, 5, 7);
    assertEquals(7, p.ldFirst()); // B stored [n, k]: column-major k x n
    assertEquals(3, p.ldSecond()); // A stored [k, m]: column-major m x k
    assertEquals(5, p.ldc());
    GemmPlan empty = GemmPlan.rowMajor(false, false, 0, 0, 0);
    assertEquals(1, empty.ldFirst());
    assertEquals(1, empty.ldSecond());
    assertEquals(1, empty.ldc());
    assertThrows(IllegalArgumentException.class, () -> GemmPlan.rowMajor(false, false, -1, 1, 1));
  }

  @Test
  void operationConstantsAreCublas() {
    assertEquals(cublasOperation.CUBLAS_OP_N, GemmPlan.OP_N);
    assertEquals(cublasOperation.CUBLAS_OP_T, GemmPlan.OP_T);
  }
}
