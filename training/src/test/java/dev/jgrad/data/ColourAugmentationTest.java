package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.LabeledImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The geometric augmentations move every channel of a colour image (channels first) by the same
 * draw: channel c of the colour result is exactly the one-channel augmentation, from the same
 * seed, of the inputs' channel c. Through a loader, the same seed gives the same bits.
 */
class ColourAugmentationTest {
  private static final int CHANNELS = 3;
  private static final int ROWS = 7;
  private static final int COLS = 6;
  private static final int PIXELS = ROWS * COLS;

  /** n colour images of distinct nonzero values, channels first. */
  private static float[] images(int n) {
    float[] x = new float[n * CHANNELS * PIXELS];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1 + i;
    }
    return x;
  }

  /** Channel c of each of the n images of {@code x}: n one-channel images. */
  private static float[] channel(float[] x, int n, int c) {
    float[] plane = new float[n * PIXELS];
    for (int s = 0; s < n; s++) {
      System.arraycopy(x, (s * CHANNELS + c) * PIXELS, plane, s * PIXELS, PIXELS);
    }
    return plane;
  }

  /**
   * Checks that {@code colour} moves each channel as {@code grey} moves it alone, from the same
   * seed, and that it moved something.
   */
  private static void eachChannelAsAlone(Augmentation colour, Augmentation grey, long seed) {
    int n = 12;
    float[] x = images(n);
    float[] got = colour.apply(Tensor.of(x, n, CHANNELS * PIXELS), new SplittableRandom(seed))
        .toFloatArray();
    assertFalse(Arrays.equals(x, got), colour + " moved the images");
    for (int c = 0; c < CHANNELS; c++) {
      float[] alone = grey.apply(Tensor.of(channel(x, n, c), n, PIXELS),
          new SplittableRandom(seed)).toFloatArray();
      assertArrayEquals(alone, channel(got, n, c), colour + ", channel " + c);
    }
  }

  @Test
  void aShiftMovesEveryChannelByTheImagesOffset() {
    eachChannelAsAlone(new RandomShift(CHANNELS, ROWS, COLS, 2), new RandomShift(ROWS, COLS, 2),
        4);
  }

  @Test
  void aRotationTurnsEveryChannelByTheImagesAngle() {
    eachChannelAsAlone(new RandomRotation(CHANNELS, ROWS, COLS, 30),
        new RandomRotation(ROWS, COLS, 30), 4);
  }

  @Test
  void aFlipMirrorsEveryChannelOfTheImagesItDraws() {
    eachChannelAsAlone(new RandomHorizontalFlip(CHANNELS, ROWS, COLS),
        new RandomHorizontalFlip(1, ROWS, COLS), 4);
  }

  @Test
  void aChainOfAllThreeMovesEveryChannelAlike() {
    eachChannelAsAlone(new RandomHorizontalFlip(CHANNELS, ROWS, COLS)
            .andThen(new RandomShift(CHANNELS, ROWS, COLS, 1))
            .andThen(new RandomRotation(CHANNELS, ROWS, COLS, 20)),
        new RandomHorizontalFlip(1, ROWS, COLS).andThen(new RandomShift(ROWS, COLS, 1))
            .andThen(new RandomRotation(ROWS, COLS, 20)), 9);
  }

  @Test
  void theInputsShapeIsKept() {
    Tensor x = Tensor.of(images(2), 2, CHANNELS, ROWS, COLS);
    Tensor out = new RandomShift(CHANNELS, ROWS, COLS, 1).apply(x, new SplittableRandom(1));
    assertArrayEquals(new int[] {2, CHANNELS, ROWS, COLS}, out.shape().dims());
  }

  /** The batches of two epochs of an RGB data set, shuffled and augmented from seed 5. */
  private static List<float[]> batches(boolean prefetch, Augmentation augmentation) {
    int n = 20;
    float[] x = images(n);
    for (int i = 0; i < x.length; i++) {
      x[i] = (x[i] % 256) / 255f;
    }
    Dataset data = Dataset.ofImages(new LabeledImages(x, new int[n], CHANNELS, ROWS, COLS, 1));
    DataLoader loader = DataLoader.builder(data).batchSize(8).seed(5).prefetch(prefetch)
        .augment(augmentation).build();
    List<float[]> all = new ArrayList<>();
    for (int e = 0; e < 2; e++) {
      for (Batch b : loader.epoch(e)) {
        try (b) {
          all.add(b.inputs().toFloatArray());
        }
      }
    }
    return all;
  }

  @Test
  void aLoaderAugmentsColourBatchesTheSameFromTheSameSeed() {
    IntFunction<Augmentation> chain = max -> new RandomHorizontalFlip(CHANNELS, ROWS, COLS)
        .andThen(new RandomShift(CHANNELS, ROWS, COLS, max))
        .andThen(new RandomRotation(CHANNELS, ROWS, COLS, 15));
    List<float[]> inline = batches(false, chain.apply(2));
    List<float[]> again = batches(false, chain.apply(2));
    List<float[]> prefetched = batches(true, chain.apply(2));
    assertEquals(6, inline.size());
    for (int i = 0; i < inline.size(); i++) {
      assertArrayEquals(inline.get(i), again.get(i), "batch " + i + ", a second loader");
      assertArrayEquals(inline.get(i), prefetched.get(i), "batch " + i + ", prefetched");
    }
  }

  @Test
  void badChannelsAreRefusedInOneLineSayingWhatFits() {
    assertEquals("RandomShift: images of 0 channels; give 1 (grey levels), 3 (RGB) or another "
        + "positive count", assertThrows(IllegalArgumentException.class,
            () -> new RandomShift(0, ROWS, COLS, 1)).getMessage());
    assertEquals("RandomRotation: images of 0x6; give positive rows and columns",
        assertThrows(IllegalArgumentException.class,
            () -> new RandomRotation(3, 0, COLS, 1)).getMessage());
    assertEquals("RandomShift: images of 3x46341x46341 have more pixels than an index reaches "
        + "(2147483647); give smaller images", assertThrows(IllegalArgumentException.class,
            () -> new RandomShift(3, 46341, 46341, 1)).getMessage());
    // RGB batches given to a one-channel augmentation: the count it should have been made with
    assertEquals("RandomShift(7x6, up to 1 pixels): inputs FLOAT32[2, 126] do not hold 42 values "
        + "(7x6) a sample; give a batch of images of that size, or make the augmentation for "
        + "3 channels (it takes 1)", assertThrows(IllegalArgumentException.class,
            () -> new RandomShift(ROWS, COLS, 1).apply(Tensor.zeros(2, 126),
                new SplittableRandom(1))).getMessage());
    assertEquals("RandomRotation(3x7x6, up to 10.0 degrees): inputs FLOAT32[2, 42] do not hold "
        + "126 values (3x7x6) a sample; give a batch of images of that size, or make the "
        + "augmentation for 1 channels (it takes 3)", assertThrows(
            IllegalArgumentException.class, () -> new RandomRotation(CHANNELS, ROWS, COLS, 10)
                .apply(Tensor.zeros(2, 42), new SplittableRandom(1))).getMessage());
  }
}
