package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.ImageFolder;
import dev.jgrad.io.LabeledImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RandomHorizontalFlip mirrors exactly the images its draws pick (torchvision's
 * {@code rand < p}), every channel alike, and leaves the others as they are; an ImageFolder's
 * RGB images come through a loader mirrored.
 */
class RandomHorizontalFlipTest {
  private static final int ROWS = 3;
  private static final int COLS = 5;

  @TempDir
  Path root;

  /** Sample s of {@code x} ({@code channels} planes a sample), mirrored or not. */
  private static float[] sample(float[] x, int channels, int s, boolean mirror) {
    float[] out = new float[channels * ROWS * COLS];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < ROWS; y++) {
        for (int col = 0; col < COLS; col++) {
          int from = mirror ? COLS - 1 - col : col;
          out[(c * ROWS + y) * COLS + col] = x[((s * channels + c) * ROWS + y) * COLS + from];
        }
      }
    }
    return out;
  }

  private static float[] numbered(int values) {
    float[] x = new float[values];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1 + i;
    }
    return x;
  }

  @Test
  void theImagesDrawnBelowPAreMirroredExactlyAndTheOthersKept() {
    int n = 40;
    int channels = 3;
    float[] x = numbered(n * channels * ROWS * COLS);
    float[] got = new RandomHorizontalFlip(channels, ROWS, COLS, 0.3)
        .apply(Tensor.of(x, n, channels * ROWS * COLS), new SplittableRandom(11)).toFloatArray();
    SplittableRandom draws = new SplittableRandom(11); // one documented draw an image
    int mirrored = 0;
    for (int s = 0; s < n; s++) {
      boolean mirror = draws.nextDouble() < 0.3;
      float[] want = sample(x, channels, s, mirror);
      float[] part = java.util.Arrays.copyOfRange(got, s * want.length, (s + 1) * want.length);
      assertArrayEquals(want, part, "sample " + s + (mirror ? " mirrored" : " kept"));
      mirrored += mirror ? 1 : 0;
    }
    assertTrue(mirrored > 4 && mirrored < 24, mirrored + " of 40 mirrored at p 0.3");
  }

  @Test
  void pOneMirrorsEveryImageAndPZeroIsTheInputsThemselves() {
    float[] x = numbered(2 * ROWS * COLS);
    Tensor in = Tensor.of(x, 2, 1, ROWS, COLS);
    Tensor out = new RandomHorizontalFlip(1, ROWS, COLS, 1).apply(in, new SplittableRandom(3));
    assertArrayEquals(new int[] {2, 1, ROWS, COLS}, out.shape().dims());
    assertArrayEquals(new float[] {
        5, 4, 3, 2, 1, 10, 9, 8, 7, 6, 15, 14, 13, 12, 11,
        20, 19, 18, 17, 16, 25, 24, 23, 22, 21, 30, 29, 28, 27, 26}, out.toFloatArray());
    assertSame(in, new RandomHorizontalFlip(1, ROWS, COLS, 0).apply(in, new SplittableRandom(3)));
  }

  @Test
  void theSameSeedGivesTheSameBitsAndTheDefaultIsAHalf() {
    int n = 200;
    Tensor x = Tensor.of(numbered(n * ROWS * COLS), n, ROWS * COLS);
    RandomHorizontalFlip flip = new RandomHorizontalFlip(1, ROWS, COLS);
    float[] a = flip.apply(x, new SplittableRandom(21)).toFloatArray();
    assertArrayEquals(a, flip.apply(x, new SplittableRandom(21)).toFloatArray());
    SplittableRandom draws = new SplittableRandom(21);
    int mirrored = 0;
    for (int s = 0; s < n; s++) {
      mirrored += draws.nextDouble() < 0.5 ? 1 : 0;
    }
    assertEquals(mirrored, countMirrored(a, n), "p 0.5 mirrors the images its draws pick");
    assertTrue(mirrored > 70 && mirrored < 130, mirrored + " of 200");
    assertEquals("RandomHorizontalFlip(3x5, p 0.5)", flip.toString());
    assertEquals("RandomHorizontalFlip(3x3x5, p 0.25)",
        new RandomHorizontalFlip(3, ROWS, COLS, 0.25).toString());
  }

  /** Images of {@code out} whose first row runs down (numbered images run up unless mirrored). */
  private static int countMirrored(float[] out, int n) {
    int count = 0;
    for (int s = 0; s < n; s++) {
      count += out[s * ROWS * COLS] > out[s * ROWS * COLS + 1] ? 1 : 0;
    }
    return count;
  }

  @Test
  void badProbabilitiesAndSizesAreRefusedInOneLine() {
    assertEquals("RandomHorizontalFlip: a probability of 1.5; give 0 to 1",
        assertThrows(IllegalArgumentException.class,
            () -> new RandomHorizontalFlip(3, ROWS, COLS, 1.5)).getMessage());
    assertEquals("RandomHorizontalFlip: a probability of NaN; give 0 to 1",
        assertThrows(IllegalArgumentException.class,
            () -> new RandomHorizontalFlip(3, ROWS, COLS, Double.NaN)).getMessage());
    assertEquals("RandomHorizontalFlip: images of -1 channels; give 1 (grey levels), 3 (RGB) or "
        + "another positive count", assertThrows(IllegalArgumentException.class,
            () -> new RandomHorizontalFlip(-1, ROWS, COLS)).getMessage());
    assertEquals("RandomHorizontalFlip(3x3x5, p 0.5): inputs FLOAT32[2, 10] do not hold 45 "
        + "values (3x3x5) a sample; give a batch of images of that size",
        assertThrows(IllegalArgumentException.class, () -> new RandomHorizontalFlip(3, ROWS, COLS)
            .apply(Tensor.zeros(2, 10), new SplittableRandom(1))).getMessage());
  }

  @Test
  void anImageFoldersRgbImagesComeThroughALoaderMirrored() throws IOException {
    for (int i = 0; i < 3; i++) {
      BufferedImage image = new BufferedImage(COLS, ROWS, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < ROWS; y++) {
        for (int c = 0; c < COLS; c++) {
          image.setRGB(c, y, (10 * i + 40 * c) << 16 | (200 - 30 * y) << 8 | (5 * c * y + i));
        }
      }
      Files.createDirectories(root.resolve("things"));
      ImageIO.write(image, "png", root.resolve("things/" + i + ".png").toFile());
    }
    LabeledImages images = ImageFolder.load(root).images();
    assertEquals(3, images.channels());
    DataLoader loader = DataLoader.builder(Dataset.ofImages(images)).batchSize(3).shuffle(false)
        .augment(new RandomHorizontalFlip(3, ROWS, COLS, 1)).build();
    try (Batch b = loader.epoch(0).iterator().next()) {
      float[] got = b.inputs().toFloatArray();
      for (int s = 0; s < 3; s++) {
        float[] want = sample(images.images(), 3, s, true);
        assertArrayEquals(want, java.util.Arrays.copyOfRange(got, s * 45, (s + 1) * 45),
            "image " + s);
      }
    }
  }
}
