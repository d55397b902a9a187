package dev.jgrad.cpu;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * One-row float products ({@code [1, k] x [k, n]}: a single sample through a layer, as a service
 * predicting one image at a time runs them) split over the cores by columns, in the own kernel's
 * one-row path (gemm_kernels.c's {@code row_product}). Such a product reads the whole weight once
 * and does little else, so one core's memory bandwidth bounds it: two cores read the weight's two
 * halves at once.
 *
 * <p>A column split changes no bit: each output is the same chain of multiply-adds over k whoever
 * computes it, and the parts start at multiples of the kernel's column blocks
 * ({@link NativeCpu#rowProductColumns}), each part at least one whole block (so wider than a
 * vector: the one-row path, not the tiles, takes every part), so each column is computed by the
 * same block, vector and lane as in the whole product, the masked tail included. So, unlike
 * {@link Gemm}'s other splits, whether a product is split may depend on timing: below
 * {@code jgrad.cpu.gemmAlwaysSplitMacs}, with no worker awake it runs whole on the caller and a
 * worker is woken for the products after it ({@link Gemm#helped}), which find it spinning when
 * they follow back to back (the next layer, the next request of a busy service).
 *
 * <p>Where dense float products run OpenBLAS (the own kernel asked off, or a CPU without AVX2)
 * nothing is split here: OpenBLAS's one-row sums may depend on the columns it is given.
 */
final class RowSplit {
  /**
   * Multiply-adds (the weight's entries) from which a one-row product is split. Back to back on
   * the 2-core AMD EPYC (AVX-512 build, worker spinning), whole against in halves: 256 x 256
   * (64K) 3.0 against 3.1 us, 512 x 256 (128K) 5.8 against 4.6, 512 x 512 (256K) 12.9 against
   * 7.5, 784 x 1000 53 against 26, 1000 x 1000 67 against 33. From 256K the halves save 5 us or
   * more, enough margin for a worker slowed by other work on a shared machine; below it the gain
   * is a microsecond at best (784-100-10's 78K products stay whole).
   * {@code -Djgrad.cpu.gemmRowSplitMacs} overrides.
   */
  private static final long SPLIT_MACS = CpuProperties.gemmRowSplitMacs();

  private RowSplit() {}

  /**
   * {@code c[1, n] = op(a)[1, k] b[k, n]} ({@code op(a)}: {@code a}, or {@code a} stored
   * {@code [k, 1]} when {@code transA}), arguments checked, split by columns where it pays; false,
   * having done nothing, where the own kernel does not take dense float products.
   */
  static boolean multiply(float[] a, boolean transA, float[] b, float[] c, int n, int k) {
    int columns = NativeCpu.rowProductColumns();
    if (columns == 0) {
      return false;
    }
    int parts = partsNow(n, k, columns);
    inParts(a, transA, b, c, n, k, columns, parts, parts > 1);
    return true;
  }

  /**
   * The parts a {@code 1 x k x n} product is split in now: {@link #parts} where the workers help
   * ({@link Gemm#helped}: one is awake, or the product is big enough to wake one), else 1, a
   * worker woken for the products after it.
   */
  static int partsNow(int n, int k, int columns) {
    int parts = parts(n, k, columns);
    return parts > 1 && Gemm.helped((long) n * k) ? parts : 1;
  }

  /**
   * How many parts a {@code 1 x k x n} product is split in when a worker is awake: one per
   * thread from {@link #SPLIT_MACS}, at most one per whole block of {@code columns}.
   */
  static int parts(int n, int k, int columns) {
    return Math.max(1, Math.min(Gemm.parts((long) n * k, SPLIT_MACS), n / columns));
  }

  /**
   * The product in {@code parts} column ranges ({@link #start}), each one native call, shared
   * with the workers if {@code helped} ({@link Parallel#forParts}); without workers the caller
   * runs them one after the other.
   */
  static void inParts(float[] a, boolean transA, float[] b, float[] c, int n, int k, int columns,
      int parts, boolean helped) {
    checkArgument(parts == 1 || (parts > 1 && parts <= n / columns),
        "a one-row product of %s columns cannot be split in %s parts of at least %s columns",
        n, parts, columns);
    Parallel.forParts(parts, parts, helped, (lo, hi) -> {
      for (int part = lo; part < hi; part++) {
        int from = start(n, columns, parts, part);
        int to = start(n, columns, parts, part + 1);
        DirectGemm.dense(transA, false, 1, to - from, k, a, 0, transA ? 1 : k, b, from, n, c,
            from, n);
      }
    });
  }

  /**
   * The first column of part {@code part} of {@code parts} ({@code n} for {@code part == parts}):
   * the {@code ceil(n / columns)} blocks of {@code columns} shared out evenly. With
   * {@code parts <= n / columns} every part holds at least one whole block, the last one the
   * partial block too.
   */
  static int start(int n, int columns, int parts, int part) {
    long blocks = ((long) n + columns - 1) / columns;
    return (int) Math.min(n, columns * (blocks * part / parts));
  }
}
