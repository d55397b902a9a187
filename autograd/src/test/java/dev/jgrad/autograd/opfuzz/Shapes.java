package dev.jgrad.autograd.opfuzz;

import java.util.Random;

/**
 * Random shapes: mostly small with size-1 and odd sizes, sometimes large enough to cross the CPU
 * backend's thresholds (cpu-backend: {@code Elementwise.CHEAP_THRESHOLD} and the reductions'
 * splits at 2^18 elements, {@code Gemm}'s split at 2^24 multiply-adds, {@code DirectGemm}'s
 * sparse kernel from 2^20).
 */
final class Shapes {
  /** Elements from which the CPU backend splits a cheap elementwise op or a reduction. */
  static final int PARALLEL_ELEMENTS = 1 << 18;

  private Shapes() {}

  /** A dimension: 0 now and then, 1 a fifth of the time, else mostly 2..9, sometimes to 40. */
  static int dim(Random r) {
    if (r.nextInt(40) == 0) {
      return 0; // empty tensors
    }
    int p = r.nextInt(10);
    if (p < 2) {
      return 1;
    }
    return p < 8 ? 2 + r.nextInt(8) : 10 + r.nextInt(31);
  }

  /** A shape of rank in {@code [minRank, maxRank]}, shrunk to at most {@code maxSize} elements. */
  static int[] shape(Random r, int minRank, int maxRank, int maxSize) {
    int[] s = new int[minRank + r.nextInt(maxRank - minRank + 1)];
    for (int i = 0; i < s.length; i++) {
      s[i] = dim(r);
    }
    while (Nd.sizeOf(s) > maxSize) {
      int i = r.nextInt(s.length);
      s[i] = Math.max(1, s[i] / 2);
    }
    return s;
  }

  /**
   * A shape of rank {@code rank} (1 to 3) with a little more than {@link #PARALLEL_ELEMENTS}
   * elements and odd sizes, so that parallel chunks end mid-row.
   */
  static int[] big(Random r, int rank) {
    int target = PARALLEL_ELEMENTS + 1 + r.nextInt(20_000);
    return switch (rank) {
      case 1 -> new int[] {target};
      case 2 -> {
        int rows = 200 + 2 * r.nextInt(200) + 1;
        yield new int[] {rows, target / rows + 1};
      }
      default -> {
        int a = 2 + r.nextInt(5);
        int b = 60 + 2 * r.nextInt(60) + 1;
        yield new int[] {a, b, target / (a * b) + 1};
      }
    };
  }

  /**
   * {@code out} with some axes made 1 and some leading axes dropped, so that it broadcasts to
   * {@code out}.
   */
  static int[] broadcastable(Random r, int[] out) {
    int drop = r.nextInt(4) == 0 ? r.nextInt(out.length + 1) : 0;
    int[] s = java.util.Arrays.copyOfRange(out, drop, out.length);
    for (int i = 0; i < s.length; i++) {
      if (r.nextInt(3) == 0) {
        s[i] = 1;
      }
    }
    return s;
  }
}
