package dev.jgrad.data;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which samples go to which part of a stratified split: each class is split by the fractions on
 * its own ({@link SplitSizes}' rule), so every part keeps the classes' proportions, a rare class
 * included. The turn that hands out a class's leftover samples carries on from the class before
 * (classes in ascending label order), so no part gets every class's extra sample.
 */
final class Stratification {
  private Stratification() {}

  /**
   * The samples of each part, in {@code order} (a shuffle of 0..n-1, which also picks the samples
   * each class gives each part); {@code labels[i]} is sample i's class.
   */
  static int[][] parts(int[] labels, int[] order, double[] fractions) {
    Map<Integer, Integer> counts = new TreeMap<>();
    for (int label : labels) {
      counts.merge(label, 1, Integer::sum);
    }
    // per class, how many of its samples (in order) go to each part
    Map<Integer, int[]> classSizes = new HashMap<>();
    long turn = 0;
    for (Map.Entry<Integer, Integer> c : counts.entrySet()) {
      classSizes.put(c.getKey(), SplitSizes.of(c.getValue(), fractions, turn));
      turn += SplitSizes.leftover(c.getValue(), SplitSizes.floors(c.getValue(), fractions));
    }
    int[] partSizes = new int[fractions.length];
    classSizes.values().forEach(s -> Arrays.setAll(partSizes, p -> partSizes[p] + s[p]));
    int[][] parts = new int[fractions.length][];
    Arrays.setAll(parts, p -> new int[partSizes[p]]);
    int[] filled = new int[fractions.length];
    Map<Integer, int[]> cursor = new HashMap<>(); // per class: {part, samples given to it}
    for (int sample : order) {
      int label = labels[sample];
      int[] sizes = classSizes.get(label);
      int[] at = cursor.computeIfAbsent(label, l -> new int[2]);
      while (at[1] == sizes[at[0]]) { // this part has its share of the class: the next one
        at[0]++;
        at[1] = 0;
      }
      parts[at[0]][filled[at[0]]++] = sample;
      at[1]++;
    }
    return parts;
  }
}
