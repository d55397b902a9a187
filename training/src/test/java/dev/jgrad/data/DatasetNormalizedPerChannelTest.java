package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.ImageFolder;
import dev.jgrad.io.LabeledImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code normalized(means, stds)}: torchvision's {@code Normalize(mean=(...), std=(...))} on
 * images of several channels; each channel's plane holds bit for bit what
 * {@code x.sub(mean[c]).div(std[c])} gives it.
 */
class DatasetNormalizedPerChannelTest {
  private static final double[] MEANS = {0.485, 0.456, 0.406};
  private static final double[] STDS = {0.229, 0.224, 0.225};

  @TempDir
  Path root;

  @Test
  void rgbLevelsStayBytesAndEachPlaneIsNormalisedByItsChannel() throws IOException {
    Random random = new Random(4);
    for (int i = 0; i < 6; i++) {
      BufferedImage image = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
      for (int p = 0; p < 20; p++) {
        image.setRGB(p % 5, p / 5, random.nextInt(1 << 24));
      }
      Path file = root.resolve((i % 2 == 0 ? "a/" : "b/") + i + ".png");
      Files.createDirectories(file.getParent());
      assertTrue(ImageIO.write(image, "png", file.toFile()));
    }
    LabeledImages images = ImageFolder.load(root).images();
    Dataset normalized = Dataset.ofImages(images).normalized(MEANS, STDS);
    assertEquals(DType.UINT8, normalized.inputs().dtype(), "stored as levels still");
    assertTrue(normalized.toString().startsWith(
        "Dataset(6 samples, inputs UINT8[6, 60] (UINT8 pixel levels, UNIT), normalized"),
        normalized.toString()); // not "grey levels": these are colours
    float[] want = perPlane(images.images(), 6, DType.FLOAT32);
    assertSameBits(want, normalized.modelInputs().toFloatArray());
    try (Batch b = normalized.gather(Tensor.indices(new int[] {5, 0}))) {
      float[] got = b.inputs().toFloatArray();
      for (int i = 0; i < 60; i++) {
        assertEquals(Float.floatToRawIntBits(want[5 * 60 + i]), Float.floatToRawIntBits(got[i]));
        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[60 + i]));
      }
    }
    assertNotEquals(Dataset.ofImages(images).normalized(0.45, 0.22).fingerprint(),
        normalized.fingerprint());
  }

  @Test
  void floatAndDoubleInputsOfAnyRankToo() {
    float[] x = new float[2 * 3 * 4];
    for (int i = 0; i < x.length; i++) {
      x[i] = i / 7f - 1;
    }
    Dataset images = Dataset.of(Tensor.of(x, 2, 3, 2, 2), Tensor.indices(new int[] {0, 1}));
    assertSameBits(perPlane(x, 2, DType.FLOAT32),
        images.normalized(MEANS, STDS).modelInputs().toFloatArray());
    assertSameBits(x, images.inputs().toFloatArray()); // the stored inputs as they were
    double[] d = new double[x.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = x[i];
    }
    Dataset doubles = Dataset.of(Tensor.of(d, DType.FLOAT64, 2, 12),
        Tensor.indices(new int[] {0, 1})).normalized(MEANS, STDS);
    try (Batch b = doubles.gather(Tensor.indices(new int[] {1}))) {
      double[] got = b.inputs().toDoubleArray();
      for (int i = 0; i < 12; i++) {
        int c = i / 4;
        assertEquals((d[12 + i] + -MEANS[c]) * (1 / STDS[c]), got[i], 0, "value " + i);
      }
    }
  }

  @Test
  void meansThatDoNotFitTheSamplesAreOneLineErrors() {
    Dataset flat = Dataset.of(Tensor.zeros(2, 784), Tensor.indices(new int[] {0, 1}));
    IllegalArgumentException misfit = assertThrows(IllegalArgumentException.class,
        () -> flat.normalized(MEANS, STDS));
    assertEquals("normalized([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]): inputs FLOAT32[2, "
        + "784]: samples of 784 values do not split into 3 equal channels; pass one mean and "
        + "deviation per channel of the inputs", misfit.getMessage());
    IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
        () -> flat.normalized(MEANS, new double[] {0.2, 0.2}));
    assertTrue(lengths.getMessage().startsWith("normalized([0.485, 0.456, 0.406], [0.2, 0.2]): "
        + "pass a mean and a standard deviation for each channel"), lengths.getMessage());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> flat.normalized(new double[] {0, 0}, new double[] {1, 0}));
    assertEquals("normalized([0.0, 0.0], [1.0, 0.0]): channel 1 (feature 1 of a table's rows) "
        + "has standard deviation 0.0; a constant feature: drop that column, or pass std 1 for it"
        + " (it is then only centred)", zero.getMessage());
    IllegalArgumentException tiny = assertThrows(IllegalArgumentException.class,
        () -> Normalization.of(new double[] {0, 0}, new double[] {-1, 1}));
    assertEquals("Normalization.of([0.0, 0.0], [-1.0, 1.0]): channel 0 (feature 0 of a table's "
        + "rows) has standard deviation -1.0; each must be a positive finite number (not too "
        + "close to 0 to divide by)", tiny.getMessage());
    assertEquals(flat.normalized(0.5, 0.25).fingerprint(),
        flat.normalized(new double[] {0.5}, new double[] {0.25}).fingerprint(), "one channel");
  }

  /** {@code x}'s samples, each 3 planes, plane c as {@code Tensor.sub(mean).div(std)} gives it. */
  private static float[] perPlane(float[] x, int samples, DType dtype) {
    int plane = x.length / samples / 3;
    float[] out = new float[x.length];
    for (int s = 0; s < samples; s++) {
      for (int c = 0; c < 3; c++) {
        int from = (s * 3 + c) * plane;
        float[] part = java.util.Arrays.copyOfRange(x, from, from + plane);
        float[] done = Tensor.of(part, plane).to(dtype).sub(MEANS[c]).div(STDS[c])
            .toFloatArray();
        System.arraycopy(done, 0, out, from, plane);
      }
    }
    return out;
  }

  private static void assertSameBits(float[] want, float[] got) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
          "value " + i + ": " + want[i] + " vs " + got[i]);
    }
  }
}
