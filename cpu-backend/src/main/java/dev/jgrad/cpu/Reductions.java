package dev.jgrad.cpu;

import dev.jgrad.api.ReduceOp;

/**
 * Runs {@code reduce} on the dtype's loops, split over the cores when there is enough work: over
 * the outer index when there are enough of them, else over the output columns of each outer
 * index (a sum over the batch axis of {@code [batch, features]} has one outer index and many
 * columns). Arguments are already checked. Float sums add in double and round once, along rows
 * and down columns alike. Float sums down the rows (a dense layer's bias gradient) and along them
 * (a convolution's: the planes) run in the native helper where it is loaded, adding in the same
 * order, so with the same bits.
 */
final class Reductions {
  private Reductions() {}

  static void reduce(ReduceOp op, CpuBuffer x, int outer, int axis, int inner, CpuBuffer out) {
    DTypeKernels k = x.kernels();
    Object xs = k.array(x);
    Object os = out.array(); // int[] for ARGMAX
    boolean floatSum = op == ReduceOp.SUM && NativeCpu.available() && xs instanceof float[]
        && os instanceof float[];
    if (floatSum && inner == 1) {
      Parallel.forRange(outer, itemsWorthSplitting(axis), (from, to) -> NativeCpu.check(
          NativeCpu.rowSums(to - from, axis, (float[]) xs, from * axis, (float[]) os, from),
          "row sums"));
    } else if (outer >= Parallel.threads() || inner == 1) {
      Parallel.forRange(outer, itemsWorthSplitting((long) axis * inner), (from, to) -> {
        for (int o = from; o < to; o++) {
          k.reduce(op, xs, o, axis, inner, 0, inner, os);
        }
      });
    } else {
      boolean nativeSum = floatSum && axis > 0;
      for (int o = 0; o < outer; o++) {
        int oo = o;
        Parallel.forRange(inner, itemsWorthSplitting(axis), nativeSum
            ? (from, to) -> NativeCpu.check(NativeCpu.columnSums(axis, inner, (float[]) xs,
                oo * axis * inner, from, to, (float[]) os, oo * inner), "column sums")
            : (from, to) -> k.reduce(op, xs, oo, axis, inner, from, to, os));
      }
    }
  }

  /** How many items of {@code workPerItem} elements each make a loop worth splitting. */
  private static int itemsWorthSplitting(long workPerItem) {
    return (int) Math.max(1, Elementwise.CHEAP_THRESHOLD / Math.max(1, workPerItem));
  }
}
