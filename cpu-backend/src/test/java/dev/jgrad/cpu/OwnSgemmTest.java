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
 * as in any dense product; one-row products (read in place) with the tiles' bits; OpenBLAS when
 * asked.
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
  /**
   * One-row products (row_product: a single sample's layer, b read in place) give the bits of
   * the tiles: a row's outputs depend on k alone, so the first row of a two-row product is the
   * reference. k within, at and past the k block's edges, widths across the vectors and the
   * 8-vector column tiles, offsets, leading dimensions, a transposed, zeros of both signs,
   * infinities and NaNs; the entries around the row's outputs untouched.
   */
  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2"})
  void oneRowGivesTheTilesBits(String variant) {
    NativeKernelVariants.use(variant);
    assertTrue(NativeCpu.ownSgemm(), variant + " has the kernel");
    int kBlock = NativeCpu.sgemmSgdMaxK();
    Random r = new Random(7);
    int[] ks = {1, 2, 17, kBlock - 1, kBlock, kBlock + 1, 2 * kBlock, 2 * kBlock + 3, 784, 1000};
    for (int trial = 0; trial < 150; trial++) {
      int n = 1 + r.nextInt(trial % 4 == 0 ? 1100 : 140);
      int k = trial < ks.length ? ks[trial] : 1 + r.nextInt(900);
      boolean transA = trial % 3 == 1;
      int lda = (transA ? 2 : k) + r.nextInt(3); // a [2, k], or a^T [k, 2]
      int ldb = n + r.nextInt(3);
      int aOff = r.nextInt(4);
      int bOff = r.nextInt(4);
      int cOff = r.nextInt(4);
      float[] a = values(r, aOff + lda * (transA ? k : 2), trial);
      float[] b = values(r, bOff + k * ldb, trial);
      float[] tiles = new float[cOff + 2 * n];
      NativeCpu.check(NativeCpu.sgemm(transA, false, 2, n, k, a, aOff, lda, b, bOff, ldb, tiles,
          cOff, n), "sgemm");
      float[] row = new float[cOff + n + 3];
      Arrays.fill(row, SENTINEL);
      NativeCpu.check(NativeCpu.sgemm(transA, false, 1, n, k, a, aOff, lda, b, bOff, ldb, row,
          cOff, n), "sgemm");
      String what = variant + " trial " + trial + ": n " + n + ", k " + k + ", transA " + transA;
      for (int i = 0; i < row.length; i++) {
        float expected = i >= cOff && i < cOff + n ? tiles[i] : SENTINEL;
        // NaN as NaN (its payload is the hardware's either way); every other value bit for bit
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(row[i]),
            what + ": entry " + i + " is " + row[i] + ", expected " + expected);
      }
    }
  }

  /** The same through {@link DirectGemm#multiply}, split over threads or not. */
  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2"})
  void oneRowThroughDirectGemmSplitOrNot(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(11);
    for (int trial = 0; trial < 20; trial++) {
      int n = 2 + r.nextInt(700);
      int k = 1 + r.nextInt(900);
      float[] a = values(r, 2 * k, trial);
      float[] b = values(r, k * n, trial);
      float[] tiles = new float[2 * n];
      NativeCpu.check(NativeCpu.sgemm(false, false, 2, n, k, a, 0, k, b, 0, n, tiles, 0, n),
          "sgemm");
      for (int parts : new int[] {1, 2, 3}) {
        float[] row = new float[n];
        DirectGemm.multiply(a, null, false, b, false, row, 1, n, k, parts, true);
        for (int j = 0; j < n; j++) {
          assertEquals(Float.floatToIntBits(tiles[j]), Float.floatToIntBits(row[j]),
              variant + " trial " + trial + " in " + parts + " parts: entry " + j);
        }
      }
    }
  }

  /**
   * Gaussians, a third zeros of either sign; every fifth trial an infinity and a NaN too (the
   * one-row tests).
   */
  static float[] values(Random r, int length, int trial) {
    float[] v = new float[length];
    for (int i = 0; i < length; i++) {
      int kind = r.nextInt(6);
      v[i] = kind == 0 ? 0f : kind == 1 ? -0f : (float) r.nextGaussian();
    }
    if (trial % 5 == 4 && length > 2) {
      v[r.nextInt(length)] = Float.POSITIVE_INFINITY;
      v[r.nextInt(length)] = Float.NaN;
    }
    return v;
  }

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
