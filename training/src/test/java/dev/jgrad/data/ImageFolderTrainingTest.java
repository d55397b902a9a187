package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.ImageFolder;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Unflatten;
import dev.jgrad.optim.Sgd;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.report.MetricsHistory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image folder's RGB images become a data set of one byte a value that a convolutional net
 * trains on: dark and bright images, two classes, the loss goes down and the net tells a new
 * image's class by name.
 */
class ImageFolderTrainingTest {
  @TempDir
  Path root;

  @Test
  void aFolderOfDarkAndBrightImagesTrainsAndPredictsByName() throws IOException {
    Random random = new Random(11);
    for (int i = 0; i < 20; i++) {
      image(root.resolve("bright/" + i + ".png"), random, 150, 255);
      image(root.resolve("dark/" + i + ".png"), random, 0, 105);
    }
    ImageFolder folder = ImageFolder.load(root);
    LabeledImages images = folder.images();
    Dataset train = Dataset.ofImages(images);
    assertEquals(DType.UINT8, train.inputs().dtype(), "one byte a value on the CPU");
    assertArrayEquals(new int[] {40, 3 * 6 * 5}, train.inputs().shape().dims());
    try (Batch all = train.gather(Tensor.indices(new int[] {0, 39}))) {
      float[] x = all.inputs().toFloatArray();
      float[] want = new float[2 * 90];
      images.copyImages(0, 1, want, 0);
      images.copyImages(39, 40, want, 90);
      assertArrayEquals(want, x);
    }

    Random init = new Random(3);
    Sequential net = new Sequential(new Unflatten(3, 6, 5), new Conv2d(3, 4, 3, 1, 1, init),
        new ReLU(), new Flatten(), new Linear(4 * 6 * 5, 2, init));
    MetricsHistory history = Trainer.builder()
        .model(net)
        .loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Sgd(net.namedParameters(), 0.1))
        .train(DataLoader.builder(train).batchSize(8).seed(5).build())
        .epochs(5)
        .build()
        .fit();
    double first = history.epochs().get(0).trainLoss();
    double last = history.epochs().get(history.size() - 1).trainLoss();
    assertTrue(last < first / 2, "loss " + first + " -> " + last);

    Path brandNew = root.resolve("new.png");
    image(brandNew, random, 200, 255);
    net.eval();
    try (NoGrad ignored = NoGrad.scope()) {
      int label = net.forward(Tensor.of(folder.readImage(brandNew), 1, 90)).argmax(1)
          .toIntArray()[0];
      assertEquals("bright", folder.className(label));
    }
  }

  /** A 5 wide, 6 high RGB image of random levels in [lo, hi]. */
  private static void image(Path file, Random random, int lo, int hi) throws IOException {
    BufferedImage image = new BufferedImage(5, 6, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 5; x++) {
        int r = lo + random.nextInt(hi - lo + 1);
        int g = lo + random.nextInt(hi - lo + 1);
        int b = lo + random.nextInt(hi - lo + 1);
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    Files.createDirectories(file.getParent());
    assertTrue(ImageIO.write(image, "png", file.toFile()));
  }
}
