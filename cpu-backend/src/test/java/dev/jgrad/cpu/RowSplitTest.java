package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One-row products split by columns ({@link RowSplit}) give exactly the bits of the unsplit
 * product, the tiles' first row (as {@link OwnSgemmTest} checks the one-row path): in every part
 * count the row allows, on the caller alone and shared with the workers, in each build of the
 * kernel; the parts start at whole column blocks and cover the row; a row cut anywhere (a column
 * moved into a masked tail, or into the tiles) still gives the same bits; through the backend in
 * child JVMs of 1 and 2 threads, workers asleep or awake; nothing split where OpenBLAS multiplies.
 */
@ExtendWith(NativeKernelVariants.class)
class RowSplitTest {
  private static final float SENTINEL = 12345f;

  @AfterEach
  void backToTheDefault() {
    NativeCpu.useOwnSgemm(true);
  }

  @Test
  void partsStartAtWholeBlocksCoverTheRowAndHoldABlockEach() {
    for (int columns : new int[] {64, 128}) {
      for (int n = 1; n <= 3000; n++) {
        for (int parts = 1; parts <= Math.max(1, Math.min(4, n / columns)); parts++) {
          String what = n + " columns in " + parts + " parts of " + columns;
          assertEquals(0, RowSplit.start(n, columns, parts, 0), what);
          assertEquals(n, RowSplit.start(n, columns, parts, parts), what + ": the row's end");
          int blocks = (n + columns - 1) / columns;
          for (int part = 0; part < parts; part++) {
            int from = RowSplit.start(n, columns, parts, part);
            int to = RowSplit.start(n, columns, parts, part + 1);
            assertEquals(0, from % columns, what + ": part " + part + " starts at " + from);
            // a whole block at least: wider than a vector, so the kernel's one-row path takes it
            assertTrue(to - from >= Math.min(n, columns), what + ": part " + part + " is "
                + from + ".." + to);
            assertTrue(to - from <= (blocks + parts - 1) / parts * columns,
                what + ": part " + part + " is " + from + ".." + to + ", more than its share");
          }
        }
      }
    }
  }

  /** This module's tests split one-row products from 4096 multiply-adds (the pom). */
  @Test
  void aWideRowIsSplitOnePartPerThread() {
    assertEquals(Math.min(Parallel.threads(), 7), RowSplit.parts(1000, 1000, 128));
    assertEquals(Math.min(Parallel.threads(), 2), RowSplit.parts(300, 784, 128));
    assertEquals(1, RowSplit.parts(100, 784, 128), "less than a block");
    assertEquals(1, RowSplit.parts(1000, 4, 128), "4000 multiply-adds");
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2"})
  void splitRowsGiveTheTilesBits(String variant) {
    NativeKernelVariants.use(variant);
    int columns = NativeCpu.rowProductColumns();
    assertTrue(columns > 0, variant + " has the one-row path");
    int kBlock = NativeCpu.sgemmSgdMaxK();
    int[] ns = {1, 7, 8, 9, 15, 16, 17, 24, 31, 33, 47, 48, 49, columns - 1, columns,
        columns + 1, 2 * columns - 1, 2 * columns, 2 * columns + 1, 2 * columns + 9,
        3 * columns + 5, 4 * columns + 17, 1000, 1001, 1023, 1024, 4097};
    int[] ks = {1, 2, kBlock - 1, kBlock, kBlock + 1, 2 * kBlock + 3, 784, 1000};
    Random r = new Random(13);
    int trial = 0;
    for (int n : ns) {
      for (int k : ks) {
        if ((long) n * k > 1_200_000) { // 4097 columns: a few k, to keep the test short
          continue;
        }
        boolean transA = trial % 2 == 1;
        float[] a = OwnSgemmTest.values(r, 2 * k, trial); // [2, k], or a^T stored [k, 2]
        float[] b = OwnSgemmTest.values(r, k * n, trial);
        float[] tiles = new float[2 * n];
        NativeCpu.check(NativeCpu.sgemm(transA, false, 2, n, k, a, 0, transA ? 2 : k, b, 0, n,
            tiles, 0, n), "sgemm");
        float[] row = new float[k]; // op(a)'s first row, stored [1, k] or [k, 1]
        for (int p = 0; p < k; p++) {
          row[p] = transA ? a[2 * p] : a[p];
        }
        for (int parts = 1; parts <= Math.max(1, Math.min(4, n / columns)); parts++) {
          for (boolean helped : new boolean[] {false, true}) {
            float[] c = new float[n + 3];
            Arrays.fill(c, SENTINEL);
            RowSplit.inParts(row, transA, b, c, n, k, columns, parts, helped);
            String what = variant + " trial " + trial + ": n " + n + ", k " + k + ", transA "
                + transA + ", " + parts + " parts" + (helped ? " shared" : " on the caller");
            assertSameBits(tiles, 0, c, 0, n, what);
          }
        }
        trial++;
      }
    }
  }

  /**
   * The row in two calls cut at every column (offsets, leading dimensions past n): a column in a
   * masked tail, a full vector, another block or the tiles (a part one vector wide or less)
   * gives the same bits, so no part boundary can change a result.
   */
  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2"})
  void aRowCutAnywhereGivesTheSameBits(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(17);
    int[][] sizes = {{150, 300}, {300, 257}, {1001, 784}};
    for (int s = 0; s < sizes.length; s++) {
      int n = sizes[s][0];
      int k = sizes[s][1];
      int ldb = n + 3;
      float[] a = OwnSgemmTest.values(r, 2 + k, s == 2 ? 4 : s); // an infinity and a NaN last
      float[] b = OwnSgemmTest.values(r, 1 + k * ldb, 0);
      float[] whole = new float[2 + n];
      NativeCpu.check(NativeCpu.sgemm(false, false, 1, n, k, a, 2, k, b, 1, ldb, whole, 2, n),
          "sgemm");
      for (int cut = 1; cut < n; cut += s == 2 ? 7 : 1) {
        float[] c = new float[2 + n];
        Arrays.fill(c, SENTINEL);
        for (int[] part : new int[][] {{0, cut}, {cut, n}}) {
          NativeCpu.check(NativeCpu.sgemm(false, false, 1, part[1] - part[0], k, a, 2, k, b,
              1 + part[0], ldb, c, 2 + part[0], n), "sgemm");
        }
        assertSameBits(whole, 2, c, 2, n, variant + " " + n + "x" + k + " cut at " + cut);
      }
    }
  }

  @Test
  void moreFullPartsThanBlocksIsRefused() {
    float[] row = new float[4];
    float[] b = new float[4 * 200];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RowSplit.inParts(row, false, b, new float[200], 200, 4, 128, 2, true));
    assertEquals("a one-row product of 200 columns cannot be split in 2 parts of at least 128 "
        + "columns", e.getMessage());
  }

  /** Where OpenBLAS multiplies dense floats, nothing is split here: its sums may follow n. */
  @Test
  void openBlasRowsAreLeftToTheUsualPath() {
    NativeCpu.useOwnSgemm(false);
    assertEquals(0, NativeCpu.rowProductColumns());
    float[] c = new float[1000];
    Arrays.fill(c, SENTINEL);
    assertFalse(RowSplit.multiply(new float[1000], false, new float[1000 * 1000], c, 1000, 1000));
    assertEquals(SENTINEL, c[0]);
    NativeCpu.useOwnSgemm(true);
    assertEquals(8 * ("avx512".equals(NativeCpu.kernelVariant()) ? 16 : 8),
        NativeCpu.rowProductColumns(), NativeCpu.kernelVariant());
  }

  /**
   * Through {@link Gemm#multiply} at the default thresholds, in a child JVM of 1 or 2 threads:
   * rounds with the workers asleep (a one-row product runs whole) and awake (it is split, as
   * {@link RowSplit#partsNow} says in at least one awake round of each size) give the tiles'
   * bits.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void throughTheBackendWithWorkersAsleepOrAwake(int threads) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-Djgrad.cpu.threads=" + threads, "-cp", System.getProperty("java.class.path"),
        Child.class.getName()));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.waitFor(), output);
  }

  /**
   * Exits 1, saying which, if a round differs from the tiles' first row, or if no awake round
   * of a size would split it in one part per thread.
   */
  static final class Child {
    public static void main(String[] args) throws InterruptedException {
      if (!NativeCpu.available() || NativeCpu.rowProductColumns() == 0) {
        return; // no own kernel here: nothing to split (the parent's other tests say skipped)
      }
      int[][] sizes = {{784, 1000}, {1000, 1000}, {1000, 1001}, {300, 4097}};
      Random r = new Random(19);
      for (int[] size : sizes) {
        int k = size[0];
        int n = size[1];
        float[] a = OwnSgemmTest.values(r, 2 * k, 0);
        float[] b = OwnSgemmTest.values(r, k * n, 0);
        float[] tiles = new float[2 * n];
        NativeCpu.check(NativeCpu.sgemm(false, false, 2, n, k, a, 0, k, b, 0, n, tiles, 0, n),
            "sgemm");
        int split = 0;
        for (int round = 0; round < 6; round++) {
          if (round % 2 == 0) {
            Thread.sleep(60); // the workers park, and the wasted-wake back-off runs out
          } else {
            // they spin a while after it, unless one finished its last chunk long before the
            // caller did: again then, so that the product finds one awake
            for (int tries = 0; tries < (Parallel.threads() > 1 ? 50 : 1)
                && (tries == 0 || !Parallel.workerAwake()); tries++) {
              GemmDeterminismTest.keepWorkersBusy();
            }
            // only looks while a worker is awake (asleep, it would wake one)
            if (RowSplit.partsNow(n, k, NativeCpu.rowProductColumns()) == Parallel.threads()) {
              split++;
            }
          }
          float[] out = new float[n];
          Gemm.multiply(CpuBuffer.wrap(Arrays.copyOf(a, k)), false, CpuBuffer.wrap(b), false,
              CpuBuffer.wrap(out), 1, n, k);
          for (int j = 0; j < n; j++) {
            if (Float.floatToIntBits(out[j]) != Float.floatToIntBits(tiles[j])) {
              System.out.println("1x" + k + "x" + n + " round " + round + ": column " + j
                  + " is " + out[j] + ", the tiles give " + tiles[j]);
              System.exit(1);
            }
          }
        }
        if (Parallel.threads() > 1 && split == 0) {
          System.out.println("1x" + k + "x" + n + ": not split in any awake round");
          System.exit(1);
        }
      }
    }
  }

  /** {@code expected}'s n values bit for bit (NaN as NaN) from actualOff, sentinels elsewhere. */
  private static void assertSameBits(float[] expected, int expectedOff, float[] actual,
      int actualOff, int n, String what) {
    for (int i = 0; i < actual.length; i++) {
      int j = i - actualOff;
      float want = j >= 0 && j < n ? expected[expectedOff + j] : SENTINEL;
      assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(actual[i]), what + ": "
          + (j >= 0 && j < n ? "column " + j : "outside the row at " + i) + " is " + actual[i]
          + ", expected " + want);
    }
  }
}
