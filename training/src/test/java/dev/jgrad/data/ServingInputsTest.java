package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.ImageFolder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service predicting one new image for a model trained on an image folder: it reads the image
 * without the folder ({@code ImageFolder.Loader.readImage}) and normalises it with the training
 * set's {@link Dataset#normalizeInputs}, or without the data set with {@link Normalization#of},
 * and gets the values a training batch holds, bit for bit.
 */
class ServingInputsTest {
  private static final double[] MEANS = {0.4914, 0.4822, 0.4465};
  private static final double[] STDS = {0.2470, 0.2435, 0.2616};

  @TempDir
  Path root;
  private ImageFolder folder;

  @BeforeEach
  void writeFolder() throws IOException {
    Random random = new Random(5);
    for (int i = 0; i < 4; i++) {
      image(root.resolve("a/" + i + ".png"), random);
      image(root.resolve("b/" + i + ".png"), random);
    }
    folder = ImageFolder.load(root);
  }

  @Test
  void oneImageReadWithoutItsFolderHasTheFoldersValues() throws IOException {
    ImageFolder grey = ImageFolder.loader().channels(1).load(root);
    List<Path> files = folder.files();
    for (int i = 0; i < files.size(); i++) {
      assertArrayEquals(folder.images().image(i),
          ImageFolder.loader().size(6, 5).readImage(files.get(i)), "RGB " + files.get(i));
      assertArrayEquals(grey.images().image(i),
          ImageFolder.loader().channels(1).size(6, 5).readImage(files.get(i)),
          "grey " + files.get(i));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ImageFolder.loader().readImage(files.get(0)));
    assertEquals("readImage(" + files.get(0) + "): no size; give the size the model was trained "
        + "on first, e.g. ImageFolder.loader().size(32, 32).readImage(file)", e.getMessage());
    Exception other = assertThrows(Exception.class,
        () -> ImageFolder.loader().size(5, 6).readImage(files.get(0)));
    assertTrue(other.getMessage().contains("5x6 (width x height) where the images asked for with"
        + " size(5, 6) are 6x5"), other.getMessage());
  }

  /**
   * Per channel (colour) and with one mean (grey): the training batch's values, bit for bit, for
   * one image and for several at once. Normalising by hand, {@code (float) ((x - m) / s)}, misses
   * many values by an ulp, which is why the data set's own normalisation is offered.
   */
  @Test
  void normalizedInputsAreTheTrainingBatchesBitForBit() throws IOException {
    Dataset colour = Dataset.ofImages(folder.images()).normalized(MEANS, STDS);
    int offByHand = checkAgainstBatches(colour, ImageFolder.loader().size(6, 5), 90, MEANS, STDS);
    assertTrue(offByHand > 0, "the data should tell the two ways apart");

    Dataset grey = Dataset.ofImages(ImageFolder.loader().channels(1).load(root).images())
        .normalized(0.1307, 0.3081);
    checkAgainstBatches(grey, ImageFolder.loader().channels(1).size(6, 5), 30,
        new double[] {0.1307}, new double[] {0.3081});
  }

  /** The values by hand that differ from the batches' (for the message above). */
  private int checkAgainstBatches(Dataset train, ImageFolder.Loader reader, int values,
      double[] means, double[] stds) throws IOException {
    List<Path> files = folder.files();
    float[] all = new float[files.size() * values];
    int offByHand = 0;
    for (int i = 0; i < files.size(); i++) {
      float[] px = reader.readImage(files.get(i));
      System.arraycopy(px, 0, all, i * values, values);
      float[] served = train.normalizeInputs(Tensor.of(px, 1, values)).toFloatArray();
      // a service without the data set: the same means and deviations
      float[] alone = Normalization.of(means, stds).apply(Tensor.of(px, 1, values))
          .toFloatArray();
      try (Batch batch = train.gather(Tensor.indices(new int[] {i}))) {
        float[] trained = batch.inputs().toFloatArray();
        assertArrayEquals(trained, served, "image " + i);
        assertArrayEquals(trained, alone, "image " + i + ", Normalization.of");
        for (int k = 0; k < values; k++) {
          int c = k / (values / means.length);
          offByHand += (float) ((px[k] - means[c]) / stds[c]) != trained[k] ? 1 : 0;
        }
      }
    }
    int[] order = {3, 0, 7, 5};
    float[] several = new float[order.length * values];
    for (int j = 0; j < order.length; j++) {
      System.arraycopy(all, order[j] * values, several, j * values, values);
    }
    try (Batch batch = train.gather(Tensor.indices(order))) {
      assertArrayEquals(batch.inputs().toFloatArray(),
          train.normalizeInputs(Tensor.of(several, order.length, values)).toFloatArray(),
          "a batch of four");
    }
    return offByHand;
  }

  @Test
  void inputsOfAnotherShapeOrDtypeAreRefusedAndUnnormalizedSetsLeaveThemAlone() {
    Dataset train = Dataset.ofImages(folder.images()).normalized(MEANS, STDS);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train.normalizeInputs(Tensor.zeros(DType.FLOAT32, 90)));
    assertEquals("normalizeInputs: inputs FLOAT32[90] are not [n, ...] of this data set's samples"
        + " [90]; e.g. one image: Tensor.of(pixels, 1, pixels.length)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> train.normalizeInputs(Tensor.zeros(DType.FLOAT64, 1, 90)));
    assertEquals("normalizeInputs: inputs FLOAT64[1, 90] are not FLOAT32 as this data set's "
        + "batches are; convert them with to(DType.FLOAT32)", e.getMessage());
    Tensor x = Tensor.zeros(DType.FLOAT32, 2, 90);
    assertSame(x, Dataset.ofImages(folder.images()).normalizeInputs(x));
    assertTrue(Dataset.ofImages(folder.images()).normalization().isEmpty());
    assertEquals(train.normalization().orElseThrow().toString(),
        Normalization.of(MEANS, STDS).toString());
    e = assertThrows(IllegalArgumentException.class,
        () -> Normalization.of(MEANS, STDS).apply(Tensor.zeros(DType.FLOAT32, 1, 91)));
    assertEquals("normalized per channel (x - [0.4914, 0.4822, 0.4465]) / [0.247, 0.2435, 0.2616]"
        + ": inputs FLOAT32[1, 91]: samples of 91 values do not split into 3 equal channels; pass "
        + "one mean and deviation per channel of the inputs", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Normalization.of(0.5, 0.25).apply(Tensor.indices(new int[] {1})));
    assertEquals("normalized (x - 0.5) / 0.25: inputs INT32[1] are not [n, ...] floating point;"
        + " e.g. one image: Tensor.of(pixels, 1, pixels.length)", e.getMessage());
  }

  /** A 5 wide, 6 high RGB image of random levels. */
  private static void image(Path file, Random random) throws IOException {
    BufferedImage image = new BufferedImage(5, 6, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 5; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    Files.createDirectories(file.getParent());
    assertTrue(ImageIO.write(image, "png", file.toFile()));
  }
}
