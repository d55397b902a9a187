package dev.jgrad.data;

import java.util.SplittableRandom;

/** Seeded permutations of sample indices: the same seed, the same order, on every machine. */
public final class Permutations {
  private Permutations() {}

  /** 0..n-1 in the order a Fisher-Yates shuffle seeded with {@code seed} leaves them. */
  public static int[] shuffled(int n, long seed) {
    int[] order = inOrder(n);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** 0..n-1. */
  public static int[] inOrder(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }
}
