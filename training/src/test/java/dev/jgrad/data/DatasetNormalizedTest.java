package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.MnistFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dataset.normalized, PyTorch's transforms.Normalize on each gathered batch: the values of the
 * documented workaround (the whole set normalised with sub and div) bit for bit, the stored grey
 * levels left as they are, through loaders with prefetching and augmentation (augmented first).
 */
class DatasetNormalizedTest {
  private static final double MEAN = 0.1307;
  private static final double STD = 0.3081;

  @TempDir Path dir;

  /** n random 28x28 MNIST-like images read back from IDX files: UINT8 grey levels on the CPU. */
  private Dataset images(int n) throws IOException {
    byte[] grey = new byte[n * 784];
    new Random(3).nextBytes(grey);
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
    }
    IdxTrainFiles.write(dir, grey, labels, 28, 28);
    return Dataset.ofImages(MnistFiles.load(dir).train());
  }

  /** The workaround docs/pytorch.md used to give: the whole set normalised and stored. */
  private static Dataset workaround(Dataset d) {
    return Dataset.of(d.modelInputs().sub(MEAN).div(STD), d.targets());
  }

  private static void assertSameBits(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
        assertEquals(want[i], got[i], what + ", value " + i + " (bits differ)");
      }
    }
  }

  /** The inputs of each batch of the epoch, one array a batch. */
  private static List<float[]> inputsOfEpoch(DataLoader loader, int epoch) {
    List<float[]> all = new ArrayList<>();
    for (Batch b : loader.epoch(epoch)) {
      try (b) {
        all.add(b.inputs().toFloatArray());
      }
    }
    return all;
  }

  @Test
  void greyLevelsStayBytesAndEachBatchHoldsTheWorkaroundsValues() throws IOException {
    Dataset raw = images(300);
    Dataset normalized = raw.normalized(MEAN, STD);
    assertEquals(DType.UINT8, normalized.inputs().dtype(), "stored as grey levels still");
    assertSame(raw.inputs(), normalized.inputs(), "nothing copied");
    Dataset stored = workaround(raw);
    assertEquals(DType.FLOAT32, stored.inputs().dtype());
    assertSameBits(stored.inputs().toFloatArray(), normalized.modelInputs().toFloatArray(),
        "modelInputs");
    int[] some = {299, 0, 17, 17, 150};
    try (Batch want = stored.gather(Tensor.indices(some));
        Batch got = normalized.gather(Tensor.indices(some))) {
      assertSameBits(want.inputs().toFloatArray(), got.inputs().toFloatArray(), "gather");
      assertArrayEquals(want.targets().toIntArray(), got.targets().toIntArray());
    }
    // the stored grey levels were not changed in place by any of that
    try (Batch again = raw.gather(Tensor.indices(new int[] {0}))) {
      assertSameBits(MnistFiles.load(dir).train().subset(0, 1).images(),
          again.inputs().toFloatArray(), "raw sample 0");
    }
  }

  @Test
  void floatInputsToo() {
    float[] x = {0f, 1f, 0.5f, -3f, 1e-3f, 255f};
    Dataset raw = Dataset.of(Tensor.of(x, 3, 2), Tensor.indices(new int[] {0, 1, 2}));
    Dataset normalized = raw.normalized(MEAN, STD);
    assertSameBits(workaround(raw).inputs().toFloatArray(),
        normalized.modelInputs().toFloatArray(), "modelInputs");
    assertArrayEquals(x, raw.inputs().toFloatArray(), "stored inputs unchanged");
    Dataset doubles = Dataset.of(Tensor.of(new double[] {0, 1, 2, 3}, DType.FLOAT64, 4),
        Tensor.indices(new int[] {0, 1, 2, 3})).normalized(MEAN, STD);
    try (Batch b = doubles.gather(Tensor.indices(new int[] {3, 1}))) {
      assertArrayEquals(new double[] {(3 - MEAN) * (1 / STD), (1 - MEAN) * (1 / STD)},
          b.inputs().toDoubleArray(), 0);
    }
  }

  @Test
  void aLoaderWithPrefetchingGivesTheWorkaroundsBatches() throws IOException {
    Dataset raw = images(250);
    DataLoader want = DataLoader.builder(workaround(raw)).batchSize(32).seed(5).build();
    DataLoader got = DataLoader.builder(raw.normalized(MEAN, STD)).batchSize(32).seed(5)
        .prefetch(true).build();
    for (int epoch = 0; epoch < 2; epoch++) {
      List<float[]> w = inputsOfEpoch(want, epoch);
      List<float[]> g = inputsOfEpoch(got, epoch);
      assertEquals(w.size(), g.size());
      for (int i = 0; i < w.size(); i++) {
        assertSameBits(w.get(i), g.get(i), "epoch " + epoch + " batch " + i);
      }
    }
  }

  /**
   * An augmentation sees the batch before it is normalised, as PyTorch's transforms before
   * Normalize: a shift fills in black (0 before, -mean/std after), not the mean grey.
   */
  @Test
  void anAugmentedBatchIsAugmentedThenNormalised() throws IOException {
    Dataset raw = images(100);
    Augmentation shift = new RandomShift(28, 28, 3);
    DataLoader plain = DataLoader.builder(raw).batchSize(16).seed(9).augment(shift).build();
    DataLoader normalized = DataLoader.builder(raw.normalized(MEAN, STD)).batchSize(16).seed(9)
        .augment(shift).prefetch(true).build();
    Iterator<Batch> p = plain.epoch(1).iterator();
    Iterator<Batch> n = normalized.epoch(1).iterator();
    float black = (float) ((0 - MEAN) * (1 / STD));
    boolean sawBlack = false;
    while (p.hasNext()) {
      try (Batch a = p.next(); Batch b = n.next()) {
        float[] want = a.inputs().sub(MEAN).div(STD).toFloatArray();
        float[] got = b.inputs().toFloatArray();
        assertSameBits(want, got, "batch");
        for (float v : got) {
          sawBlack |= v == black;
        }
      }
    }
    assertTrue(!n.hasNext() && sawBlack, "the shifted-in pixels are black, normalised");
  }

  @Test
  void headSplitsAndEvaluationKeepTheNormalisation() throws IOException {
    Dataset normalized = images(50).normalized(MEAN, STD);
    Dataset stored = workaround(images(50));
    assertSameBits(stored.head(7).inputs().toFloatArray(),
        normalized.head(7).modelInputs().toFloatArray(), "head");
    List<Dataset> a = normalized.randomSplit(4, 40, 10);
    List<Dataset> b = stored.randomSplit(4, 40, 10);
    assertSameBits(b.get(1).inputs().toFloatArray(), a.get(1).modelInputs().toFloatArray(),
        "split");
    assertTrue(normalized.toString().contains("normalized (x - 0.1307) / 0.3081"),
        normalized.toString());
  }

  /**
   * A checkpoint keeps its held-out set's fingerprint, so a resumed run measured on differently
   * normalised data is refused; a data set without a normalisation keeps the fingerprint it had.
   */
  @Test
  void theFingerprintTellsTheNormalisationApart() {
    Dataset raw = Dataset.of(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2),
        Tensor.indices(new int[] {0, 1}));
    assertEquals("f4af53981d6e95c064089f2662bb5dc1", raw.fingerprint(), "as before normalized");
    assertNotEquals(raw.fingerprint(), raw.normalized(MEAN, STD).fingerprint());
    assertNotEquals(raw.normalized(MEAN, STD).fingerprint(),
        raw.normalized(MEAN, 0.5).fingerprint());
    assertEquals(raw.normalized(MEAN, STD).fingerprint(),
        raw.normalized(MEAN, STD).fingerprint());
  }

  @Test
  void badArgumentsAreOneLineNamingThem() {
    Dataset raw = Dataset.of(Tensor.of(new float[] {1, 2}, 2, 1),
        Tensor.indices(new int[] {0, 1}));
    for (double std : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, 1e-320}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> raw.normalized(0, std));
      assertTrue(e.getMessage().contains("standard deviation must be a positive finite number"),
          e.getMessage());
    }
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> raw.normalized(Double.NaN, 1)).getMessage().contains("mean must be a finite"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> raw.normalized(0, 1).normalized(0, 1)).getMessage().contains("already"));
    Dataset labels = Dataset.of(Tensor.indices(new int[] {1, 2}),
        Tensor.indices(new int[] {0, 1}));
    String m = assertThrows(IllegalArgumentException.class, () -> labels.normalized(0, 1))
        .getMessage();
    assertTrue(m.contains("INT32") && m.contains("not floating point"), m);
  }
}
