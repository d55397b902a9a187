package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * randomSplit by fractions (PyTorch's random_split(ds, [0.8, 0.2])) and stratifiedSplit (each
 * class split by the fractions, a tabular user's 2% class kept at 2% in every part).
 */
class DatasetFractionSplitTest {
  /** n samples, sample i's input i and its label labels[i] (WeightedRandomSamplerTest too). */
  static Dataset labelled(int[] labels) {
    float[] x = new float[labels.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    return Dataset.of(Tensor.of(x, labels.length, 1), Tensor.indices(labels));
  }

  private static Dataset numbered(int n) {
    return labelled(IntStream.range(0, n).map(i -> 0).toArray());
  }

  /** The sample numbers of a part: its inputs. */
  private static int[] samples(Dataset part) {
    float[] x = part.inputs().toFloatArray();
    return IntStream.range(0, x.length).map(i -> (int) x[i]).toArray();
  }

  private static List<Integer> sizes(List<Dataset> parts) {
    return parts.stream().map(Dataset::size).toList();
  }

  @Test
  void fractionsGivePyTorchsSizesFloorsThenTheLeftoverInTurn() {
    // torch.utils.data.random_split(range(n), fractions) gives these lengths
    assertEquals(List.of(801, 200), sizes(numbered(1001).randomSplit(7, 0.8, 0.2)));
    assertEquals(List.of(4, 3, 3), sizes(numbered(10).randomSplit(7, 0.33, 0.33, 0.34)));
    assertEquals(List.of(3, 2), sizes(numbered(5).randomSplit(7, 0.5, 0.5)));
    assertEquals(List.of(3, 3, 1), sizes(numbered(7).randomSplit(7, 0.4, 0.4, 0.2)));
  }

  @Test
  void aFractionSplitIsTheSizeSplitOfThoseSizes() {
    Dataset data = numbered(50);
    List<Dataset> byFraction = data.randomSplit(3, 0.7, 0.3);
    List<Dataset> bySize = data.randomSplit(3, 35, 15);
    for (int p = 0; p < 2; p++) {
      assertArrayEquals(samples(bySize.get(p)), samples(byFraction.get(p)), "part " + p);
    }
  }

  @Test
  void badFractionsAreOneLineErrors() {
    Dataset data = numbered(10);
    assertEquals("randomSplit(1, [0.5, 0.25]): the fractions add up to 0.75, not 1; pass "
        + "fractions of the whole (e.g. 0.8, 0.2) or the parts' sizes as ints", assertThrows(
            IllegalArgumentException.class, () -> data.randomSplit(1, 0.5, 0.25)).getMessage());
    assertEquals("randomSplit(1, [1.5, -0.5]): fraction 1.5 at position 0 is not between 0 and 1",
        assertThrows(IllegalArgumentException.class, () -> data.randomSplit(1, 1.5, -0.5))
            .getMessage());
    assertEquals("randomSplit(1, [0.99, 0.01]): 10 samples split into parts of [10, 0]: each "
        + "part needs at least one sample; give the small parts larger fractions", assertThrows(
            IllegalArgumentException.class, () -> data.randomSplit(1, 0.99, 0.01)).getMessage());
  }

  /** 1000 rows, 2% of them class 1: the trial's imbalanced table. */
  private static int[] twoPercent() {
    return IntStream.range(0, 1000).map(i -> i % 50 == 7 ? 1 : 0).toArray();
  }

  private static long count(Dataset part, int label) {
    return Arrays.stream(part.targets().toIntArray()).filter(l -> l == label).count();
  }

  @Test
  void aStratifiedSplitKeepsARareClassesShareInEveryPart() {
    Dataset data = labelled(twoPercent());
    for (long seed = 0; seed < 20; seed++) {
      List<Dataset> parts = data.stratifiedSplit(seed, 0.8, 0.2);
      assertEquals(List.of(800, 200), sizes(parts));
      assertEquals(16, count(parts.get(0), 1), "seed " + seed);
      assertEquals(4, count(parts.get(1), 1), "seed " + seed);
    }
    // a plain random split is off for some seed: the reason for stratifying
    assertTrue(IntStream.range(0, 20).anyMatch(seed ->
        count(data.randomSplit(seed, 0.8, 0.2).get(1), 1) != 4));
  }

  @Test
  void everySampleLandsInOnePartAndTheSameSeedGivesTheSameParts() {
    int[] labels = IntStream.range(0, 103).map(i -> i % 3 == 0 ? 2 : i % 7).toArray();
    Dataset data = labelled(labels);
    List<Dataset> parts = data.stratifiedSplit(5, 0.6, 0.25, 0.15);
    int[] all = parts.stream().flatMapToInt(p -> Arrays.stream(samples(p))).sorted().toArray();
    assertArrayEquals(IntStream.range(0, 103).toArray(), all);
    for (Dataset part : parts) { // inputs still paired with their labels
      int[] s = samples(part);
      int[] y = part.targets().toIntArray();
      IntStream.range(0, s.length).forEach(i -> assertEquals(labels[s[i]], y[i]));
    }
    // each class's counts per part are PyTorch's sizes for the class within one sample
    for (int c = 0; c < 7; c++) {
      int label = c;
      long n = Arrays.stream(labels).filter(l -> l == label).count();
      double[] f = {0.6, 0.25, 0.15};
      for (int p = 0; p < 3; p++) {
        long got = count(parts.get(p), c);
        assertTrue(Math.abs(got - n * f[p]) < 1 + 1e-9, "class " + c + " part " + p + ": " + got);
      }
    }
    List<Dataset> again = data.stratifiedSplit(5, 0.6, 0.25, 0.15);
    List<Dataset> other = data.stratifiedSplit(6, 0.6, 0.25, 0.15);
    assertArrayEquals(samples(parts.get(1)), samples(again.get(1)));
    assertFalse(Arrays.equals(samples(parts.get(1)), samples(other.get(1))));
  }

  @Test
  void stratifyingTargetsThatAreNotLabelsIsRefused() {
    Dataset regression = Dataset.of(Tensor.zeros(4, 2), Tensor.zeros(4, 1));
    assertEquals("stratifiedSplit(1, [0.5, 0.5]): the targets FLOAT32[4, 1] are not class "
        + "labels, INT32 [n]; stratify a classification data set (Tensor.indices(labels), "
        + "CsvTable.labels(column)), or use randomSplit", assertThrows(
            IllegalArgumentException.class, () -> regression.stratifiedSplit(1, 0.5, 0.5))
            .getMessage());
  }
}
