package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.MnistFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dataset.randomSplit: each sample in exactly one part, inputs still paired with their targets,
 * the same parts for the same seed, grey levels kept, and sizes that do not fit refused.
 */
class DatasetSplitTest {
  /** n samples whose input row is {i, 2i} and whose target is i, so a row names its sample. */
  private static Dataset numbered(int n) {
    float[] x = new float[2 * n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = 2 * i;
      y[i] = i;
    }
    return Dataset.of(Tensor.of(x, n, 2), Tensor.indices(y));
  }

  /** The sample numbers of a part, in its order, checking each row against its target. */
  private static int[] samples(Dataset part) {
    float[] x = part.inputs().toFloatArray();
    int[] y = part.targets().toIntArray();
    for (int i = 0; i < y.length; i++) {
      assertEquals(y[i], x[2 * i], "row " + i + " lost its target");
      assertEquals(2 * y[i], x[2 * i + 1], "row " + i);
    }
    return y;
  }

  @Test
  void everySampleLandsInExactlyOnePartWithItsTarget() {
    List<Dataset> parts = numbered(50).randomSplit(3, 30, 15, 5);
    assertEquals(3, parts.size());
    assertEquals(List.of(30, 15, 5), parts.stream().map(Dataset::size).toList());
    int[] all = parts.stream().flatMapToInt(p -> Arrays.stream(samples(p))).sorted().toArray();
    int[] want = new int[50];
    Arrays.setAll(want, i -> i);
    assertArrayEquals(want, all);
    assertFalse(Arrays.equals(Arrays.copyOf(want, 30), samples(parts.get(0))), "not shuffled");
  }

  @Test
  void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
    Dataset data = numbered(40);
    int[] a = samples(data.randomSplit(9, 32, 8).get(1));
    assertArrayEquals(a, samples(data.randomSplit(9, 32, 8).get(1)));
    assertFalse(Arrays.equals(a, samples(data.randomSplit(10, 32, 8).get(1))));
  }

  @Test
  void greyLevelsStayBytesAndGatherAsTheOriginalsPixels(@TempDir Path dir) throws IOException {
    int n = 20;
    byte[] grey = new byte[n * 4];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
      for (int k = 0; k < 4; k++) {
        grey[4 * i + k] = (byte) (i * 12 + k); // distinct rows
      }
    }
    IdxTrainFiles.write(dir, grey, labels, 2, 2);
    Dataset data = Dataset.ofImages(MnistFiles.load(dir).train());
    Dataset part = data.randomSplit(1, 15, 5).get(1);
    assertEquals(DType.UINT8, part.inputs().dtype());
    float[] all = data.gather(Tensor.indices(allIndices(n))).inputs().toFloatArray();
    try (Batch b = part.gather(Tensor.indices(allIndices(5)))) {
      assertEquals(DType.FLOAT32, b.inputs().dtype());
      float[] got = b.inputs().toFloatArray();
      int[] y = b.targets().toIntArray();
      for (int i = 0; i < 5; i++) { // the original sample by its pixels: the same label
        int sample = findRow(all, Arrays.copyOfRange(got, 4 * i, 4 * i + 4));
        assertEquals(labels[sample], y[i], "label of row " + i);
      }
    }
  }

  private static int[] allIndices(int n) {
    int[] all = new int[n];
    Arrays.setAll(all, i -> i);
    return all;
  }

  private static int findRow(float[] all, float[] row) {
    for (int s = 0; s < all.length / 4; s++) {
      if (Arrays.equals(Arrays.copyOfRange(all, 4 * s, 4 * s + 4), row)) {
        return s;
      }
    }
    throw new AssertionError("row " + Arrays.toString(row) + " is no sample's pixels");
  }

  @Test
  void sizesThatDoNotFitAreRefusedSayingWhatFits() {
    Dataset data = numbered(10);
    assertEquals("randomSplit sizes [8, 3] add up to 11 but the dataset has 10 samples; pass "
        + "sizes that add up to 10", assertThrows(IllegalArgumentException.class,
            () -> data.randomSplit(1, 8, 3)).getMessage());
    assertEquals("randomSplit sizes [10, 0]: each part needs at least one sample",
        assertThrows(IllegalArgumentException.class, () -> data.randomSplit(1, 10, 0))
            .getMessage());
    assertEquals("randomSplit needs the sizes of the parts, e.g. randomSplit(seed, 8, 2)",
        assertThrows(IllegalArgumentException.class, () -> data.randomSplit(1)).getMessage());
  }

  @Test
  void moreSizesThatDoNotFitAreRefused() {
    Dataset data = numbered(3);
    assertEquals("randomSplit sizes [2147483647, 2147483647, 2] add up to 4294967296 but the "
        + "dataset has 3 samples; pass sizes that add up to 3",
        assertThrows(IllegalArgumentException.class,
            () -> data.randomSplit(1, Integer.MAX_VALUE, Integer.MAX_VALUE, 2)).getMessage());
    assertEquals("randomSplit sizes [4, -1]: each part needs at least one sample",
        assertThrows(IllegalArgumentException.class, () -> data.randomSplit(1, 4, -1))
            .getMessage());
    assertEquals("randomSplit needs the sizes of the parts, e.g. randomSplit(seed, 1)",
        assertThrows(IllegalArgumentException.class, () -> numbered(1).randomSplit(1))
            .getMessage());
    assertEquals("randomSplit needs the sizes of the parts, e.g. randomSplit(seed, 2, 1)",
        assertThrows(IllegalArgumentException.class, () -> data.randomSplit(1)).getMessage());
  }

  @Test
  void thePartsAreCopiesThatChangesToTheOriginalLeaveAlone() {
    Dataset data = numbered(6);
    List<Dataset> parts = data.randomSplit(2, 4, 2);
    int[] before = samples(parts.get(0));
    data.inputs().assign(Tensor.zeros(6, 2));
    assertArrayEquals(before, samples(parts.get(0)), "rows still pair with their targets");
  }

  /** Seed 5's split of 8 samples: a change to the shuffle would change every seeded split. */
  @Test
  void aSeedsSplitStaysTheSameAcrossVersions() {
    List<Dataset> parts = numbered(8).randomSplit(5, 5, 3);
    assertArrayEquals(GOLDEN_FIRST, samples(parts.get(0)));
  }

  private static final int[] GOLDEN_FIRST = {5, 3, 7, 1, 6};
}
