package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The own kernel's one-row products (gemm_kernels.c's row_product: a single sample's layer, b
 * read in place) give the bits of its tiles, in each build with the kernel: a row's outputs
 * depend on k alone, so the first row of a two-row product (tiles) is the reference. k within,
 * at and past the k block's edges, widths across the vectors and the 8-vector column tiles,
 * offsets, leading dimensions, a transposed, zeros of both signs, infinities and NaNs; the
 * entries around the row's outputs untouched; and through {@link DirectGemm#multiply}, split
 * over threads or not.
 */
@ExtendWith(NativeKernelVariants.class)
class RowProductTest {
  private static final float SENTINEL = 12345f;

  @AfterEach
  void backToTheDefault() {
    NativeCpu.useOwnSgemm(true);
  }

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

  /** Gaussians, a third zeros of either sign; every fifth trial an infinity and a NaN too. */
  private static float[] values(Random r, int length, int trial) {
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
}
