package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * RandomShift moves each image by its own offset within the range, zeros coming in, every pixel
 * inside kept; a DataLoader applies it the same way whichever thread gathers, per epoch and batch.
 */
class RandomShiftTest {
  private static final int ROWS = 3;
  private static final int COLS = 4;

  /** n images of distinct nonzero pixels: sample s, pixel p holds 1 + s * 100 + p. */
  private static float[] images(int n) {
    float[] x = new float[n * ROWS * COLS];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1 + (i / (ROWS * COLS)) * 100 + i % (ROWS * COLS);
    }
    return x;
  }

  /** Sample s of {@code x} moved by (dy, dx), zeros filled in. */
  private static float[] shifted(float[] x, int s, int dy, int dx) {
    float[] out = new float[ROWS * COLS];
    for (int y = 0; y < ROWS; y++) {
      for (int c = 0; c < COLS; c++) {
        int sy = y - dy;
        int sx = c - dx;
        out[y * COLS + c] = sy >= 0 && sy < ROWS && sx >= 0 && sx < COLS
            ? x[s * ROWS * COLS + sy * COLS + sx] : 0;
      }
    }
    return out;
  }

  /** The offset that moved sample s of {@code in} to {@code out}, or null when none did. */
  private static int[] offset(float[] in, float[] out, int s, int max) {
    float[] got = java.util.Arrays.copyOfRange(out, s * ROWS * COLS, (s + 1) * ROWS * COLS);
    for (int dy = -max; dy <= max; dy++) {
      for (int dx = -max; dx <= max; dx++) {
        if (java.util.Arrays.equals(shifted(in, s, dy, dx), got)) {
          return new int[] {dy, dx};
        }
      }
    }
    return null;
  }

  @Test
  void eachImageMovesByAnOffsetInRangeWithZerosComingIn() {
    int n = 60;
    float[] x = images(n);
    Tensor out = new RandomShift(ROWS, COLS, 1).apply(Tensor.of(x, n, ROWS * COLS),
        new SplittableRandom(7));
    assertArrayEquals(new int[] {n, ROWS * COLS}, out.shape().dims());
    float[] got = out.toFloatArray();
    Set<String> seen = new HashSet<>();
    for (int s = 0; s < n; s++) {
      int[] d = offset(x, got, s, 1);
      assertNotNull(d, "sample " + s + " is its image moved by at most 1 pixel");
      seen.add(d[0] + "," + d[1]);
    }
    assertEquals(9, seen.size(), "60 draws of 9 offsets meet every one: " + seen);
  }

  @Test
  void theShapeIsKeptAndNoShiftIsTheInputsThemselves() {
    float[] images = images(8);
    Tensor x = Tensor.of(images, 8, 1, ROWS, COLS);
    Tensor out = new RandomShift(ROWS, COLS, 2).apply(x, new SplittableRandom(1));
    assertArrayEquals(new int[] {8, 1, ROWS, COLS}, out.shape().dims());
    float[] got = out.toFloatArray();
    for (int s = 0; s < 8; s++) {
      assertNotNull(offset(images, got, s, 2), "sample " + s);
    }
    assertSame(x, new RandomShift(ROWS, COLS, 0).apply(x, new SplittableRandom(1)));
  }

  @Test
  void badImagesAndShiftsAreRefusedSayingWhatFits() {
    assertEquals("RandomShift: a shift of up to 3 pixels would move a 3x4 image out of itself; "
        + "give 0 to 2", assertThrows(IllegalArgumentException.class,
            () -> new RandomShift(ROWS, COLS, 3)).getMessage());
    assertEquals("RandomShift(3x4, up to 1 pixels): inputs FLOAT32[2, 10] do not hold 12 values "
        + "(3x4) a sample; give a batch of images of that size",
        assertThrows(IllegalArgumentException.class, () -> new RandomShift(ROWS, COLS, 1)
            .apply(Tensor.zeros(2, 10), new SplittableRandom(1))).getMessage());
    // 65536 x 65536 wraps an int to 0 pixels: refused, not an empty image
    assertEquals("RandomShift: images of 65536x65536 have more pixels than an index reaches "
        + "(2147483647); give smaller images", assertThrows(IllegalArgumentException.class,
            () -> new RandomShift(65536, 65536, 1)).getMessage());
    assertEquals("RandomRotation: images of 46341x46341 have more pixels than an index reaches "
        + "(2147483647); give smaller images", assertThrows(IllegalArgumentException.class,
            () -> new RandomRotation(46341, 46341, 1)).getMessage());
    assertEquals("RandomShift(3x4, up to 1 pixels): inputs FLOAT32[0, 12] do not hold 12 values "
        + "(3x4) a sample; give a batch of images of that size",
        assertThrows(IllegalArgumentException.class, () -> new RandomShift(ROWS, COLS, 1)
            .apply(Tensor.zeros(0, 12), new SplittableRandom(1))).getMessage());
  }

  /** The batches of epochs 0 and 1, inputs flattened, from a fresh loader. */
  private static List<float[]> batches(boolean prefetch, Augmentation augmentation) {
    int n = 50;
    Dataset data = Dataset.of(Tensor.of(images(n), n, ROWS * COLS), Tensor.indices(new int[n]));
    DataLoader.Builder b = DataLoader.builder(data).batchSize(16).seed(9).prefetch(prefetch);
    if (augmentation != null) {
      b.augment(augmentation);
    }
    DataLoader loader = b.build();
    assertEquals(augmentation != null, loader.augments());
    List<float[]> all = new ArrayList<>();
    for (int e = 0; e < 2; e++) {
      for (Batch batch : loader.epoch(e)) {
        try (batch) {
          all.add(batch.inputs().toFloatArray());
        }
      }
    }
    return all;
  }

  @Test
  void aLoadersAugmentedBatchesAreTheSameWhoeverGathersThem() {
    List<float[]> inline = batches(false, new RandomShift(ROWS, COLS, 1));
    List<float[]> prefetched = batches(true, new RandomShift(ROWS, COLS, 1));
    List<float[]> plain = batches(false, null);
    assertEquals(8, inline.size());
    int moved = 0;
    for (int i = 0; i < inline.size(); i++) {
      assertArrayEquals(inline.get(i), prefetched.get(i), "batch " + i);
      moved += java.util.Arrays.equals(inline.get(i), plain.get(i)) ? 0 : 1;
    }
    assertEquals(8, moved, "every batch augmented");
  }

  /** An augmentation that returns a view of its inputs: the loader leaves their memory open. */
  @Test
  void aViewOfTheInputsIsKeptOpen() {
    List<float[]> viewed = batches(true, (x, random) -> x.reshape(x.shape().dims()));
    List<float[]> plain = batches(false, null);
    for (int i = 0; i < plain.size(); i++) {
      assertArrayEquals(plain.get(i), viewed.get(i), "batch " + i);
    }
  }

  @Test
  void anAugmentationThatChangesTheShapeIsRefusedNamingIt() {
    Augmentation flatten = new Augmentation() {
      @Override
      public Tensor apply(Tensor inputs, SplittableRandom random) {
        return inputs.reshape((int) inputs.size());
      }

      @Override
      public String toString() {
        return "flatten";
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> batches(false, flatten));
    assertEquals("augmentation flatten turned inputs FLOAT32[16, 12] on cpu into FLOAT32[192] on "
        + "cpu; an augmentation keeps the shape, dtype and backend", e.getMessage());
  }

  /** In order: the same samples each epoch, moved anew, each by an offset in range. */
  @Test
  void eachEpochMovesTheSameSamplesAnew() {
    int n = 16;
    float[] x = images(n);
    Dataset data = Dataset.of(Tensor.of(x, n, ROWS * COLS), Tensor.indices(new int[n]));
    DataLoader loader = DataLoader.builder(data).batchSize(n).shuffle(false)
        .augment(new RandomShift(ROWS, COLS, 1)).build();
    List<float[]> epochs = new ArrayList<>();
    for (int e = 0; e < 2; e++) {
      try (Batch b = loader.epoch(e).iterator().next()) {
        float[] got = b.inputs().toFloatArray();
        for (int s = 0; s < n; s++) {
          assertNotNull(offset(x, got, s, 1), "epoch " + e + ", sample " + s);
        }
        epochs.add(got);
      }
    }
    assertFalse(java.util.Arrays.equals(epochs.get(0), epochs.get(1)), "new offsets each epoch");
  }
}
