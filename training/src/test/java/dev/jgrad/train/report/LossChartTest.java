package dev.jgrad.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossChartTest {
  @TempDir Path dir;

  /** Loss falls and accuracy rises over 12 epochs; test metrics are missing at epoch 4. */
  private static MetricsHistory history(int epochs) {
    MetricsHistory h = new MetricsHistory();
    for (int e = 1; e <= epochs; e++) {
      double train = 0.05 + 0.6 * Math.exp(-0.35 * e);
      double test = 0.09 + 0.45 * Math.exp(-0.3 * e);
      h.add(new EpochMetrics(e, train, 1 - train / 3, e == 4 ? Double.NaN : test,
          e == 4 ? Double.NaN : 1 - test / 3, 10));
    }
    return h;
  }

  @Test
  void writesAPngWithBothCurvesInBothPanels() throws IOException {
    Path file = dir.resolve("charts/training.png");
    LossChart.write(file, history(12), "MNIST MLP");
    assertTrue(Files.size(file) > 1000);
    BufferedImage png = ImageIO.read(file.toFile());
    assertNotNull(png, "the file decodes as an image");
    assertEquals(LossChart.DEFAULT_WIDTH, png.getWidth());
    assertEquals(LossChart.DEFAULT_HEIGHT, png.getHeight());

    int half = png.getWidth() / 2;
    for (Color color : new Color[] {LossChart.TRAIN_COLOR, LossChart.TEST_COLOR}) {
      Extent loss = extent(png, color, 0, half);
      Extent accuracy = extent(png, color, half, png.getWidth());
      // A legend swatch is 24 px wide; a curve spans most of a 500 px panel.
      assertTrue(loss.width() > 300, "loss curve of " + color + " spans " + loss.width());
      assertTrue(accuracy.width() > 300, "accuracy curve of " + color + " spans "
          + accuracy.width());
      // Falling loss: the left end is drawn higher (smaller y) than the right end.
      assertTrue(loss.yAtLeft < loss.yAtRight, "loss falls: " + loss);
      assertTrue(accuracy.yAtLeft > accuracy.yAtRight, "accuracy rises: " + accuracy);
    }
  }

  /** The training set measured in evaluation mode is a third, green curve in both panels. */
  @Test
  void theTrainingSetInEvaluationModeIsAThirdCurve() {
    MetricsHistory plain = history(12);
    MetricsHistory withEval = new MetricsHistory();
    for (EpochMetrics m : plain.epochs()) {
      withEval.add(new EpochMetrics(m.epoch(), m.trainLoss(), m.trainAccuracy(), m.testLoss(),
          m.testAccuracy(), m.seconds(), Double.NaN, 0.8 * m.trainLoss(),
          1 - 0.8 * m.trainLoss() / 3));
    }
    BufferedImage image = LossChart.render(withEval, "dropout", 1000, 420);
    assertTrue(extent(image, LossChart.TRAIN_EVAL_COLOR, 0, 500).width() > 300);
    assertTrue(extent(image, LossChart.TRAIN_EVAL_COLOR, 500, 1000).width() > 300);
    BufferedImage without = LossChart.render(plain, "dropout", 1000, 420);
    assertEquals(0, extent(without, LossChart.TRAIN_EVAL_COLOR, 0, 1000).width(),
        "no green where it was not measured, not even a legend entry");
  }

  @Test
  void missingSeriesLeavesOnlyTheLegendSwatch() {
    MetricsHistory trainOnly = new MetricsHistory();
    for (int e = 1; e <= 10; e++) {
      trainOnly.add(EpochMetrics.trainOnly(e, 1.0 / e, 0.5 + e / 40.0, 10));
    }
    BufferedImage image = LossChart.render(trainOnly, "train only", 800, 300);
    assertTrue(extent(image, LossChart.TRAIN_COLOR, 0, 400).width() > 200);
    assertTrue(extent(image, LossChart.TEST_COLOR, 0, 400).width() < 30,
        "test colour only in the legend");
  }

  @Test
  void rendersEdgeCasesWithoutFailing() {
    BufferedImage empty = LossChart.render(new MetricsHistory(), "", 600, 300);
    assertEquals(0, extent(empty, LossChart.TRAIN_COLOR, 0, 600).width());

    MetricsHistory one = new MetricsHistory();
    one.add(new EpochMetrics(1, 0.5, 0.8, 0.5, 0.8, 1)); // flat: all values equal
    BufferedImage single = LossChart.render(one, "one epoch", 600, 300);
    assertTrue(extent(single, LossChart.TRAIN_COLOR, 0, 300).width() > 0, "a marker is drawn");

    BufferedImage many = LossChart.render(history(300), "300 epochs", 1200, 400);
    assertTrue(extent(many, LossChart.TEST_COLOR, 0, 600).width() > 400);
    assertThrows(IllegalArgumentException.class, () -> LossChart.render(one, "", 10, 10));
  }

  private static Extent extent(BufferedImage image, Color color, int fromX, int toX) {
    int rgb = color.getRGB() & 0xFFFFFF;
    Extent e = new Extent();
    for (int x = fromX; x < toX; x++) {
      for (int y = 0; y < image.getHeight(); y++) {
        if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
          if (e.minX < 0) {
            e.minX = x;
            e.yAtLeft = y;
          }
          if (x > e.maxX) {
            e.maxX = x;
            e.yAtRight = y;
          }
        }
      }
    }
    return e;
  }

  /** Where pixels of one colour lie: leftmost and rightmost column and a y in each. */
  private static final class Extent {
    int minX = -1;
    int maxX = -1;
    int yAtLeft;
    int yAtRight;

    int width() {
      return minX < 0 ? 0 : maxX - minX + 1;
    }

    @Override
    public String toString() {
      return "x " + minX + ".." + maxX + ", y " + yAtLeft + " -> " + yAtRight;
    }
  }
}
