package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The DataLoader's WeightedRandomSampler (PyTorch's, with replacement): draws by weight, as many
 * as asked, the same for the same seed and epoch, and wrong use refused in one line.
 */
class WeightedRandomSamplerTest {
  private static Dataset labelled(int[] labels) {
    return DatasetFractionSplitTest.labelled(labels);
  }

  @Test
  void drawsEachSampleInProportionToItsWeightNeverAWeightOfZero() {
    Dataset data = labelled(new int[4]);
    DataLoader loader = DataLoader.builder(data).batchSize(100)
        .sampler(WeightedRandomSampler.of(new double[] {0, 1, 0, 3}, 40_000)).build();
    int[] order = loader.order(0);
    assertEquals(40_000, order.length);
    int[] counts = new int[4];
    Arrays.stream(order).forEach(i -> counts[i]++);
    assertEquals(0, counts[0]);
    assertEquals(0, counts[2]);
    assertEquals(3.0, (double) counts[3] / counts[1], 0.1, Arrays.toString(counts));
    assertEquals(400, loader.batchCount());
    assertEquals(40_000, loader.samplesPerEpoch());
  }

  @Test
  void theBatchesHoldTheDrawnSamplesAsManyAsAsked() {
    Dataset data = labelled(new int[10]);
    DataLoader loader = DataLoader.builder(data).batchSize(8).seed(3)
        .sampler(WeightedRandomSampler.of(new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 5}, 25))
        .build();
    List<Integer> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (Batch b : loader.epoch(2)) {
      try (b) {
        sizes.add(b.size());
        for (float v : b.inputs().toFloatArray()) {
          seen.add((int) v);
        }
      }
    }
    assertEquals(List.of(8, 8, 8, 1), sizes);
    assertEquals(Arrays.stream(loader.order(2)).boxed().toList(), seen);
  }

  @Test
  void theSameSeedAndEpochDrawTheSameAnotherEpochOrSeedOther() {
    Dataset data = labelled(new int[50]);
    DataLoader a = DataLoader.builder(data).seed(1).sampler(
        WeightedRandomSampler.of(IntStream.range(0, 50).mapToDouble(i -> 1 + i).toArray(), 60))
        .build();
    DataLoader b = DataLoader.builder(data).seed(1).sampler(
        WeightedRandomSampler.of(IntStream.range(0, 50).mapToDouble(i -> 1 + i).toArray(), 60))
        .build();
    DataLoader c = DataLoader.builder(data).seed(2).sampler(
        WeightedRandomSampler.of(IntStream.range(0, 50).mapToDouble(i -> 1 + i).toArray(), 60))
        .build();
    assertArrayEquals(a.order(4), b.order(4));
    assertFalse(Arrays.equals(a.order(4), a.order(5)));
    assertFalse(Arrays.equals(a.order(4), c.order(4)));
  }

  @Test
  void balancingClassesDrawsARareClassAsOftenAsACommonOne() {
    int[] labels = IntStream.range(0, 1000).map(i -> i % 50 == 7 ? 1 : 0).toArray();
    DataLoader loader = DataLoader.builder(labelled(labels)).sampler(
        WeightedRandomSampler.balancingClasses(Tensor.indices(labels))).build();
    int[] order = loader.order(0);
    assertEquals(1000, order.length);
    long rare = Arrays.stream(order).filter(i -> labels[i] == 1).count();
    assertEquals(500, rare, 60, "the 2% class drawn about half the time");
  }

  @Test
  void wrongUseIsRefusedInOneLine() {
    Dataset data = labelled(new int[3]);
    assertEquals("sampler WeightedRandomSampler(2 weights, 2 draws an epoch, with replacement) "
        + "has weights for 2 samples but the dataset has 3; pass one weight per sample",
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(data)
            .sampler(WeightedRandomSampler.of(new double[] {1, 1}, 2)).build()).getMessage());
    assertEquals("a sampler draws its own order; leave shuffle(...) out when giving "
        + "sampler(...), as PyTorch refuses shuffle with a sampler", assertThrows(
            IllegalArgumentException.class, () -> DataLoader.builder(data).shuffle(false)
                .sampler(WeightedRandomSampler.of(new double[] {1, 1, 1}, 3)).build()).getMessage());
    assertEquals("WeightedRandomSampler: weight -1.0 of sample 1 must be a finite number >= 0",
        assertThrows(IllegalArgumentException.class,
            () -> WeightedRandomSampler.of(new double[] {1, -1}, 2)).getMessage());
    assertEquals("WeightedRandomSampler: the weights add up to 0.0; give some sample a positive "
        + "weight (and keep their sum finite)", assertThrows(IllegalArgumentException.class,
            () -> WeightedRandomSampler.of(new double[2], 2)).getMessage());
    assertEquals("WeightedRandomSampler: numSamples 0 must be positive, e.g. 2 (the data set's "
        + "size)", assertThrows(IllegalArgumentException.class,
            () -> WeightedRandomSampler.of(new double[] {1, 1}, 0)).getMessage());
  }
}
