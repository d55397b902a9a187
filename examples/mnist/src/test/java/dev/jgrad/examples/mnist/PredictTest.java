package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Unflatten;
import dev.jgrad.train.Checkpoint;
import dev.jgrad.train.HistoryMetadata;
import dev.jgrad.train.Model;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jgrad-mnist predict} on PNGs written here from the embedded MNIST test images. */
class PredictTest {
  @TempDir
  static Path dir;

  private static Path model;
  private static LabeledImages test;

  @BeforeAll
  static void trainATinyModel() throws IOException {
    Path out = dir.resolve("out");
    MnistMainTest.Run run = MnistMainTest.run("--epochs", "1", "--limit", "2000", "--out",
        out.toString());
    assertEquals(0, run.status(), run.err());
    model = out.resolve(MnistTraining.CHECKPOINT_FILE);
    test = MnistFiles.loadResources(MnistTraining.EMBEDDED).test();
  }

  /** Test image {@code i} as 0..255 grey levels. */
  private static int[] grey(int i) {
    float[] pixels = test.image(i);
    int[] grey = new int[pixels.length];
    for (int p = 0; p < pixels.length; p++) {
      grey[p] = Math.round(pixels[p] * 255);
    }
    return grey;
  }

  /** A TYPE_BYTE_GRAY PNG of test image {@code i}, each pixel repeated {@code zoom}^2 times. */
  private static Path png(int i, int zoom, boolean invert, String name) throws IOException {
    int[] grey = grey(i);
    int side = 28 * zoom;
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int g = grey[(y / zoom) * 28 + x / zoom];
        image.getRaster().setSample(x, y, 0, invert ? 255 - g : g);
      }
    }
    Path file = dir.resolve(name);
    assertTrue(ImageIO.write(image, "png", file.toFile()));
    return file;
  }

  /** The class Model.load's network gives test image {@code i}. */
  private static int argmax(Module net, int i) {
    double[] scores = net.forward(Tensor.of(test.image(i), 1, 784)).toDoubleArray();
    int best = 0;
    for (int c = 1; c < scores.length; c++) {
      best = scores[c] > scores[best] ? c : best;
    }
    return best;
  }

  private static String[] args(Path... images) {
    List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString()));
    Arrays.stream(images).forEach(p -> args.add(p.toString()));
    return args.toArray(String[]::new);
  }

  @Test
  void realDigitsAsPngsClassifyAsTheModelDoesAndMostlyAsTheirLabels() throws IOException {
    Module net = Model.load(model);
    Path[] files = new Path[10];
    for (int i = 0; i < files.length; i++) {
      files[i] = png(i, 1, false, "digit" + i + ".png");
    }
    MnistMainTest.Run run = MnistMainTest.run(args(files));
    assertEquals(0, run.status(), run.err());
    String[] lines = run.out().strip().split("\n");
    assertEquals(files.length, lines.length, run.out());
    int correct = 0;
    for (int i = 0; i < files.length; i++) {
      int predicted = argmax(net, i);
      assertTrue(lines[i].startsWith(files[i] + ": " + predicted + " (probability 0."),
          lines[i]);
      assertTrue(lines[i].endsWith(")"), "a 28x28 grey digit needs no notes: " + lines[i]);
      correct += predicted == test.label(i) ? 1 : 0;
    }
    assertTrue(correct >= 8, correct + " of 10 right: " + run.out());
  }

  @Test
  void aLargerDarkOnLightImageIsResizedAndInvertedToTheSamePixels() throws IOException {
    Path big = png(3, 2, true, "big-inverted.png");
    DigitImage digit = DigitImage.read(big);
    assertArrayEquals(test.image(3), digit.pixels());
    assertEquals(List.of("resized from 56x56 to 28x28", "inverted (a dark digit on a light"
        + " background; MNIST's are light on dark)"), digit.notes());
    MnistMainTest.Run run = MnistMainTest.run(args(big));
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().startsWith(big + ": " + argmax(Model.load(model), 3) + " (probability"),
        run.out());
    assertTrue(run.out().contains("; resized from 56x56 to 28x28; inverted"), run.out());
  }

  /** The tiny model saved again, marked as trained on {@code trainedOn}'s test set. */
  private static Path modelTrainedOn(TrainedOn trainedOn, String name) throws IOException {
    Path file = dir.resolve(name);
    Checkpoint.save(file, Model.load(model), null, 1,
        Map.of(HistoryMetadata.HELD_OUT_KEY, trainedOn.testFingerprints().get(0)));
    return file;
  }

  @Test
  void autoNeverInvertsForAFashionMnistModelAndNamesItsClasses() throws IOException {
    Path fashion = modelTrainedOn(TrainedOn.FASHION_MNIST, "fashion.safetensors");
    Path light = png(3, 1, true, "light.png"); // mean grey level above 127.5
    MnistMainTest.Run auto = MnistMainTest.run("predict", "--model", fashion.toString(),
        light.toString());
    assertEquals(0, auto.status(), auto.err());
    assertTrue(auto.out().endsWith(")\n") || auto.out().endsWith(")\r\n"),
        "not inverted, no notes: " + auto.out());
    assertTrue(auto.out().matches("(?s).*: \\d (T-shirt/top|Trouser|Pullover|Dress|Coat|Sandal"
        + "|Shirt|Sneaker|Bag|Ankle boot) \\(probability.*"), auto.out());
    MnistMainTest.Run always = MnistMainTest.run("predict", "--invert", "always", "--model",
        fashion.toString(), light.toString());
    assertTrue(always.out().contains("; inverted (--invert always)"), always.out());
    // the same model saved by an MNIST run still inverts a dark digit on paper
    Path digits = modelTrainedOn(TrainedOn.MNIST, "digits.safetensors");
    MnistMainTest.Run mnist = MnistMainTest.run("predict", "--model", digits.toString(),
        light.toString());
    assertTrue(mnist.out().contains("; inverted (a dark digit"), mnist.out());
    assertTrue(mnist.out().startsWith(light + ": " + argmax(Model.load(model), 3)
        + " (probability"), mnist.out());
    MnistMainTest.Run never = MnistMainTest.run("predict", "--invert", "never", "--model",
        digits.toString(), light.toString());
    assertFalse(never.out().contains("inverted"), never.out());
    MnistMainTest.Run bad = MnistMainTest.run("predict", "--invert", "sometimes", "--model",
        digits.toString(), light.toString());
    assertEquals(2, bad.status());
    assertTrue(bad.err().contains("'sometimes' is not auto, always or never"), bad.err());
  }

  @Test
  void aMisspeltOptionAndTrainingOptionsBeforePredictAreNamed() throws IOException {
    Path png = png(0, 1, false, "typo.png");
    MnistMainTest.Run typo = MnistMainTest.run("predict", "--modle", model.toString(),
        png.toString());
    assertEquals(2, typo.status());
    assertTrue(typo.err().startsWith("error: unknown option: '--modle'; did you mean --model?"),
        typo.err());
    MnistMainTest.Run before = MnistMainTest.run("--epochs", "1", "--dataset", "mnist-embedded",
        "predict", "--model", model.toString(), png.toString());
    assertEquals(2, before.status());
    assertEquals("error: --epochs, --dataset before 'predict' are training options; give predict"
        + " only its own options, after 'predict' (predict --help lists them)",
        before.err().strip());
    assertEquals("", before.out());
  }

  @Test
  void aColourImageIsTurnedGrey() throws IOException {
    BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
    image.setRGB(5, 5, 0xFF0000); // pure red: luminance 0.299 * 255
    DigitImage digit = DigitImage.of(image);
    assertEquals(List.of("colour converted to grey"), digit.notes());
    assertEquals(Math.round(0.299 * 255) / 255f, digit.pixels()[5 * 28 + 5]);
    assertEquals(0f, digit.pixels()[0]);
  }

  @Test
  void badImagesFailOneLineEachAndTheOthersAreStillClassified() throws IOException {
    Path good = png(0, 1, false, "good.png");
    Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
    byte[] pngBytes = Files.readAllBytes(good);
    Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(pngBytes, 40));
    Path missing = dir.resolve("missing.png");
    MnistMainTest.Run run = MnistMainTest.run(args(text, truncated, missing, good));
    assertEquals(1, run.status());
    assertEquals(1, run.out().strip().split("\n").length, run.out());
    assertTrue(run.out().startsWith(good + ": "), run.out());
    String[] errors = run.err().strip().split("\n");
    assertEquals(3, errors.length, run.err());
    assertTrue(errors[0].startsWith("error: " + text + ": not a PNG at byte 0: it starts with"
        + " 6e 6f 74"), errors[0]);
    assertTrue(errors[1].startsWith("error: " + truncated + ": corrupt PNG"), errors[1]);
    assertEquals("error: no such file: " + missing, errors[2]);
  }

  @Test
  void aModelWithoutDescriptionSaysWhatToDo() throws IOException {
    Module custom = new Sequential(Mlp.builder().input(784).output(10).build(), new Module() {
      @Override
      public Tensor forward(Tensor x) { // a custom layer: no registered type describes it
        return x.neg();
      }
    });
    Path file = dir.resolve("custom.safetensors");
    Checkpoint.save(file, custom, null, 0, Map.of());
    MnistMainTest.Run run = MnistMainTest.run("predict", "--model", file.toString(),
        png(0, 1, false, "d.png").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("error: --model: " + file + ": no model description: it was"
        + " saved without one (a custom Module?)"), run.err());
    assertEquals("", run.out());
  }

  /**
   * A model trained on other images (a colour CNN's 3x32x32): one line that says what predict
   * reads and what the model takes, once for all the images, not a layer's shape error each.
   */
  @Test
  void aModelTakingOtherImagesSaysWhatPredictReadsAndWhatItTakes() throws IOException {
    Path colour = dir.resolve("colour.safetensors");
    Model.save(colour, new Sequential(new Unflatten(3, 32, 32), new Flatten(),
        new Linear(3072, 10, new Random(0))));
    Path digit = png(0, 1, false, "c.png");
    MnistMainTest.Run run = MnistMainTest.run("predict", "--model", colour.toString(),
        digit.toString(), digit.toString());
    assertEquals(1, run.status());
    assertEquals("error: --model " + colour + ": predict reads 28x28 grey images, for models that"
        + " take 784 values a row, but this model takes 3x32x32 images (3072 values a row); load"
        + " it with Model.load and classify its images in your own code\n", run.err());
    assertEquals("", run.out());
    Path wide = dir.resolve("wide.safetensors");
    Model.save(wide, Mlp.builder().input(100).output(10).build());
    MnistMainTest.Run rows = MnistMainTest.run("predict", "--model", wide.toString(),
        digit.toString());
    assertEquals(1, rows.status());
    assertTrue(rows.err().contains(", but this model takes rows of 100 values; "), rows.err());
  }

  @Test
  void aBadCommandLineIsAUsageError() {
    MnistMainTest.Run noModel = MnistMainTest.run("predict", "x.png");
    assertEquals(2, noModel.status());
    assertTrue(noModel.err().startsWith("error: missing required option: '--model=FILE'"),
        noModel.err());
    assertTrue(noModel.err().contains("predict --model FILE IMAGE.png..."), noModel.err());
    MnistMainTest.Run noImage = MnistMainTest.run("predict", "--model", model.toString());
    assertEquals(2, noImage.status());
    assertTrue(noImage.err().contains("IMAGE.png"), noImage.err());
    MnistMainTest.Run help = MnistMainTest.run("predict", "--help");
    assertEquals(0, help.status());
    assertTrue(help.out().contains("resized to 28x28"), help.out());
    assertFalse(MnistMainTest.run("--help").out().isEmpty());
  }

  @Test
  void aTextFileNamedAsTheModelIsAFailureNotAStackTrace() throws IOException {
    Path notModel = Files.write(dir.resolve("model.txt"), "hello".getBytes(StandardCharsets.UTF_8));
    MnistMainTest.Run run = MnistMainTest.run("predict", "--model", notModel.toString(),
        png(0, 1, false, "e.png").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("error: --model: " + notModel + ": "), run.err());
    assertEquals(1, run.err().strip().split("\n").length, run.err());
  }
}
