package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;

/**
 * How many of {@code n} samples each part of a split by fractions gets: PyTorch's
 * {@code random_split} rule, each part {@code floor(n * fraction)}, then the samples left over
 * one each to the parts in turn from the first, so the same fractions give the same sizes there
 * and here.
 */
final class SplitSizes {
  private SplitSizes() {}

  /**
   * Checks {@code fractions} (each in [0, 1], adding up to 1 within PyTorch's
   * {@code math.isclose}); {@code call} names the call in errors.
   */
  static void check(String call, double[] fractions) {
    checkNotNull(fractions, "%s: fractions is null", call);
    checkArgument(fractions.length > 0, "%s: pass the parts' fractions, e.g. 0.8, 0.2", call);
    double sum = 0;
    for (int i = 0; i < fractions.length; i++) {
      checkArgument(fractions[i] >= 0 && fractions[i] <= 1, "%s: fraction %s at position %s is "
          + "not between 0 and 1", call, fractions[i], i);
      sum += fractions[i];
    }
    checkArgument(Math.abs(sum - 1) <= 1e-9, "%s: the fractions add up to %s, not 1; pass "
        + "fractions of the whole (e.g. 0.8, 0.2) or the parts' sizes as ints", call, sum);
  }

  /**
   * The parts' sizes for {@code n} samples, the leftover handed out in turn starting at part
   * {@code firstTurn % parts} (0 for PyTorch's rule).
   */
  static int[] of(int n, double[] fractions, long firstTurn) {
    int[] sizes = floors(n, fractions);
    for (long left = leftover(n, sizes), turn = firstTurn; left > 0; left--, turn++) {
      sizes[(int) (turn % sizes.length)]++;
    }
    return sizes;
  }

  /** Each part's {@code floor(n * fraction)}. */
  static int[] floors(int n, double[] fractions) {
    int[] floors = new int[fractions.length];
    for (int i = 0; i < floors.length; i++) {
      floors[i] = (int) Math.floor(n * fractions[i]);
    }
    return floors;
  }

  /** The samples of {@code n} that {@code floors} leave over: fewer than the parts. */
  static long leftover(int n, int[] floors) {
    long assigned = 0;
    for (int f : floors) {
      assigned += f;
    }
    return n - assigned;
  }

  /** Fails unless every part of {@code sizes} holds a sample, naming {@code call}. */
  static void checkNoneEmpty(String call, int n, int[] sizes) {
    for (int size : sizes) {
      checkArgument(size > 0, "%s: %s samples split into parts of %s: each part needs at least "
          + "one sample; give the small parts larger fractions", call, n, Arrays.toString(sizes));
    }
  }
}
