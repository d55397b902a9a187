package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native helper's own dense float product (gemm_kernels.c, {@link NativeCpu#sgemm} with
 * {@link NativeCpu#ownSgemm}), in each build with the kernel (a build this CPU lacks is reported
 * skipped): against a double-precision sum for every transposition, sizes across its tile and
 * block edges, offsets and leading dimensions larger than the matrix (entries outside it are
 * neither read into the result nor written); the same bits however the product is split in rows
 * or columns (the CPU backend splits products over threads); NaN where a zero meets an infinity,
 * as in any dense product; OpenBLAS when asked.
 */
@ExtendWith(NativeKernelVariants.class)
class OwnSgemmTest {
  private static final float SENTINEL = 12345f;

  @AfterEach
  void backToTheDefault() {
    NativeCpu.useOwnSgemm(true);
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2"})
  void productsMatchADoubleSumEverywhereInsideAndNothingOutside(String variant) {
    NativeKernelVariants.use(variant);
    assertTrue(NativeCpu.ownSgemm(), variant + " has the kernel");
    Random r = new Random(41);
    for (int trial = 0; trial < 400; trial++) {
      boolean big = trial % 10 == 0; // past a k block (256) and a row block (240)
      int m = 1 + r.nextInt(big ? 300 : 40);
      int n = 1 + r.nextInt(big ? 200 : 90);
      int k = 1 + r.nextInt(big ? 600 : 70);
      boolean transA = r.nextBoolean();
      boolean transB = r.nextBoolean();
      Case c = new Case(r, m, n, k, transA, transB);
      c.run();
      c.checkAgainstDoubleSum(variant + " trial " + trial);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2"})
  void splittingRowsOrColumnsChangesNoBit(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(43);
    for (int trial = 0; trial < 60; trial++) {
      int m = 2 + r.nextInt(120);
      int n = 2 + r.nextInt(180);
      int k = 1 + r.nextInt(trial % 3 == 0 ? 700 : 100);
      boolean transA = r.nextBoolean();
      boolean transB = r.nextBoolean();
      Case whole = new Case(r, m, n, k, transA, transB);
      whole.run();
      int rowCut = 1 + r.nextInt(m - 1);
      int colCut = 1 + r.nextInt(n - 1);
      String what = variant + " " + m + "x" + n + "x" + k + " " + transA + "/" + transB;
      assertArrayEquals(Fixture.bits(whole.c), Fixture.bits(whole.inRows(rowCut)),
          "rows split, " + what);
      assertArrayEquals(Fixture.bits(whole.c), Fixture.bits(whole.inColumns(colCut)),
          "columns split, " + what);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2"})
  void aZeroMeetingAnInfinityGivesNaNAsInAnyDenseProduct(String variant) {
    NativeKernelVariants.use(variant);
    int m = 7;
    int n = 40;
    int k = 300; // the infinity in the second k block
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    Arrays.fill(a, 1f);
    Arrays.fill(b, 1f);
    a[3 * k + 280] = 0f; // row 3 meets b's infinity with a zero
    b[280 * n + 5] = Float.POSITIVE_INFINITY;
    b[10 * n + 6] = Float.NaN;
    float[] c = new float[m * n];
    NativeCpu.check(NativeCpu.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n), variant);
    for (int i = 0; i < m; i++) {
      assertEquals(i == 3 ? Float.NaN : Float.POSITIVE_INFINITY, c[i * n + 5], "row " + i);
      assertTrue(Float.isNaN(c[i * n + 6]), "NaN in b, row " + i);
      assertEquals(i == 3 ? k - 1 : k, c[i * n + 7], "row " + i);
    }
  }

  @Test
  void openBlasWhenAskedAndTheTwoAgree() {
    Random r = new Random(47);
    Case c = new Case(r, 50, 70, 300, false, true);
    c.run();
    NativeCpu.useOwnSgemm(false);
    assertFalse(NativeCpu.ownSgemm());
    float[] own = c.c.clone();
    c.run();
    c.checkAgainstDoubleSum("openblas");
    for (int i = 0; i < own.length; i++) { // not the same bits: rounded in another order
      assertEquals(c.c[i], own[i], 1e-4f * (1 + Math.abs(own[i])), "entry " + i);
    }
  }

  @Test
  void anUnknownChoiceNamesTheOptionAndTheValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SgemmChoice.parse("mkl"));
    assertEquals("-Djgrad.cpu.sgemm=mkl is not a float matrix-product kernel; use jgrad (the "
        + "default) or openblas", e.getMessage());
    assertEquals(SgemmChoice.OPENBLAS, SgemmChoice.parse(" OpenBLAS "));
  }

  /** One product at random offsets into padded arrays, with leading dimensions past the sizes. */
  private static final class Case {
    final int m;
    final int n;
    final int k;
    final boolean transA;
    final boolean transB;
    final int lda;
    final int ldb;
    final int ldc;
    final int aOff;
    final int bOff;
    final int cOff;
    final float[] a;
    final float[] b;
    final float[] c;

    Case(Random r, int m, int n, int k, boolean transA, boolean transB) {
      this.m = m;
      this.n = n;
      this.k = k;
      this.transA = transA;
      this.transB = transB;
      lda = (transA ? m : k) + r.nextInt(3);
      ldb = (transB ? k : n) + r.nextInt(3);
      ldc = n + r.nextInt(3);
      aOff = r.nextInt(5);
      bOff = r.nextInt(5);
      cOff = r.nextInt(5);
      a = Fixture.gaussian(r, aOff + lda * (transA ? k : m));
      b = Fixture.gaussian(r, bOff + ldb * (transB ? n : k));
      c = new float[cOff + ldc * m + 3];
      Arrays.fill(c, SENTINEL);
    }

    void run() {
      NativeCpu.check(NativeCpu.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c,
          cOff, ldc), "sgemm");
    }

    float opA(int i, int p) {
      return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    float opB(int p, int j) {
      return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    void checkAgainstDoubleSum(String what) {
      for (int idx = 0; idx < c.length; idx++) {
        int rel = idx - cOff;
        int i = rel / ldc;
        int j = rel % ldc;
        if (rel < 0 || i >= m || j >= n) {
          assertEquals(SENTINEL, c[idx], what + ": wrote outside the result at " + idx);
          continue;
        }
        double sum = 0;
        double size = 0;
        for (int p = 0; p < k; p++) {
          double term = (double) opA(i, p) * opB(p, j);
          sum += term;
          size += Math.abs(term);
        }
        assertEquals(sum, c[idx], 1e-5 * size + 1e-6, what + " at (" + i + ", " + j + ")");
      }
    }

    /** The product again as rows 0..cut and cut..m, each one call. */
    float[] inRows(int cut) {
      float[] out = c.clone();
      for (int[] part : new int[][] {{0, cut}, {cut, m}}) {
        int rows = part[1] - part[0];
        int aStart = aOff + (transA ? part[0] : part[0] * lda);
        NativeCpu.check(NativeCpu.sgemm(transA, transB, rows, n, k, a, aStart, lda, b, bOff,
            ldb, out, cOff + part[0] * ldc, ldc), "sgemm rows");
      }
      return out;
    }

    /** The product again as columns 0..cut and cut..n, each one call. */
    float[] inColumns(int cut) {
      float[] out = c.clone();
      for (int[] part : new int[][] {{0, cut}, {cut, n}}) {
        int cols = part[1] - part[0];
        int bStart = bOff + (transB ? part[0] * ldb : part[0]);
        NativeCpu.check(NativeCpu.sgemm(transA, transB, m, cols, k, a, aOff, lda, b, bStart,
            ldb, out, cOff + part[0], ldc), "sgemm columns");
      }
      return out;
    }
  }
}
