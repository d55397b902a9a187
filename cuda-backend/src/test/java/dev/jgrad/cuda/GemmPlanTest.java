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
    for (int col = 0; col < nn; col++) {
      for (int row = 0; row < mm; row++) {
        double s = 0;
        for (int l = 0; l < kk; l++) {
          double xv = opX == GemmPlan.OP_N ? x[row + l * ldx] : x[l + row * ldx];
          double yv = opY == GemmPlan.OP_N ? y[l + col * ldy] : y[col + l * ldy];
          s += xv * yv;
        }
        c[row + col * ldc] = s;
      }
    }
  }

  private static void check(boolean transA, boolean transB, int m, int n, int k) {
    Random r = new Random(m * 31 + n * 7 + k);
    double[] a = new double[m * k];
    double[] b = new double[k * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = r.nextGaussian();
    }
    double[] want = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int l = 0; l < k; l++) {
          double av = transA ? a[l * m + i] : a[i * k + l];
          double bv = transB ? b[j * k + l] : b[l * n + j];
          s += av * bv;
        }
        want[i * n + j] = s;
      }
    }
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
