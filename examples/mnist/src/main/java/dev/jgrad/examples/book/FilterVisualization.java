package dev.jgrad.examples.book;

import dev.jgrad.data.Dataset;
import dev.jgrad.examples.mnist.SimpleConvNet;
import dev.jgrad.io.AtomicFiles;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Adam;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The book's filter pictures (7.6.1, {@code visualize_filter.py}): the 30 5x5 filters of
 * SimpleConvNet's convolution before and after training, each drawn as the book draws it
 * (matplotlib's {@code gray_r}, scaled to the filter's own range: its largest weight black, its
 * smallest white). Random at the start, after training they show blobs and edges: neighbouring
 * weights alike. {@link #neighbourCorrelation} puts a number on that, from about 0 for the random
 * filters to clearly positive for the trained ones. Measured figures: docs/book.md.
 *
 * <pre>{@code
 * java -cp examples/mnist/target/jgrad-mnist.jar dev.jgrad.examples.book.FilterVisualization
 * java -cp ... dev.jgrad.examples.book.FilterVisualization 1000 out/filters 7
 * # iterations (2000), folder (out/filters), seed (42)
 * }</pre>
 */
public final class FilterVisualization {
  static final int ITERATIONS = 2000;
  /** Pixels a weight takes on each side, and between filters. */
  private static final int SCALE = 8;
  private static final int GAP = 4;
  private static final int COLUMNS = 6;

  private FilterVisualization() {}

  /** The convolution's weights, {@code [filters, 1, k, k]} flattened. */
  static float[] filters(Sequential net) {
    return net.namedParameters().get("conv.weight").toFloatArray();
  }

  /** Trains {@code net} by Adam (0.001, the book's) for {@code iterations} batches of 100. */
  static void train(Sequential net, Dataset data, int iterations, long seed) {
    net.train();
    MiniBatchRun.losses(net, new Adam(net.namedParameters(), 0.001), data, iterations, 100, seed);
  }

  /**
   * The mean, over the filters, of the correlation between each weight and its right and lower
   * neighbours: near 0 for independent random weights, positive for smooth blobs and edges.
   */
  static double neighbourCorrelation(float[] weights, int k) {
    int perFilter = k * k;
    int filters = weights.length / perFilter;
    double sum = 0;
    for (int f = 0; f < filters; f++) {
      int base = f * perFilter;
      int pairs = 2 * k * (k - 1);
      double[] a = new double[pairs];
      double[] b = new double[pairs];
      int n = 0;
      for (int r = 0; r < k; r++) {
        for (int c = 0; c < k; c++) {
          if (c + 1 < k) {
            a[n] = weights[base + r * k + c];
            b[n++] = weights[base + r * k + c + 1];
          }
          if (r + 1 < k) {
            a[n] = weights[base + r * k + c];
            b[n++] = weights[base + (r + 1) * k + c];
          }
        }
      }
      sum += pearson(a, b);
    }
    return sum / filters;
  }

  private static double pearson(double[] a, double[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += (a[i] - ma) * (b[i] - mb);
      aa += (a[i] - ma) * (a[i] - ma);
      bb += (b[i] - mb) * (b[i] - mb);
    }
    return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
  }

  /**
   * The filters in rows of {@value #COLUMNS} on white, each {@code k x k} weight a
   * {@value #SCALE}-pixel square of grey: the filter's largest weight black, its smallest white.
   */
  static BufferedImage picture(float[] weights, int k) {
    int filters = weights.length / (k * k);
    int rows = (filters + COLUMNS - 1) / COLUMNS;
    int side = k * SCALE;
    BufferedImage image = new BufferedImage(COLUMNS * (side + GAP) + GAP,
        rows * (side + GAP) + GAP, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, Color.WHITE.getRGB());
      }
    }
    for (int f = 0; f < filters; f++) {
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < k * k; i++) {
        min = Math.min(min, weights[f * k * k + i]);
        max = Math.max(max, weights[f * k * k + i]);
      }
      int left = GAP + (f % COLUMNS) * (side + GAP);
      int top = GAP + (f / COLUMNS) * (side + GAP);
      for (int i = 0; i < k * k; i++) {
        double t = max > min ? (weights[f * k * k + i] - min) / (max - min) : 0;
        int grey = (int) Math.round(255 * (1 - t)); // gray_r: the largest weight black
        int rgb = new Color(grey, grey, grey).getRGB();
        for (int dy = 0; dy < SCALE; dy++) {
          for (int dx = 0; dx < SCALE; dx++) {
            image.setRGB(left + (i % k) * SCALE + dx, top + (i / k) * SCALE + dy, rgb);
          }
        }
      }
    }
    return image;
  }

  /** Writes {@link #picture} of {@code weights} to {@code file} as a PNG, atomically. */
  static void write(float[] weights, int k, Path file) throws IOException {
    BufferedImage image = picture(weights, k);
    AtomicFiles.write(file, out -> {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer in this Java runtime; cannot write " + file);
      }
    });
  }

  public static void main(String[] args) {
    BookArgs.main(FilterVisualization.class, args, a -> run(a.positiveInt(0, ITERATIONS),
        a.path(1, "out/filters"), a.seed(2, 42)), "iterations", "folder", "seed");
  }

  private static void run(int iterations, Path dir, long seed) throws IOException {
    Files.createDirectories(dir); // a folder that cannot be made fails now, not after training
    Dataset data = MiniBatchRun.mnist(8000);
    Sequential net = SimpleConvNet.create(28, 28, 100, 10, seed);
    int k = 5;
    float[] before = filters(net);
    train(net, data, iterations, seed);
    float[] after = filters(net);
    write(before, k, dir.resolve("filters-before.png"));
    write(after, k, dir.resolve("filters-after.png"));
    System.out.printf(Locale.ROOT, "neighbouring weights' correlation: %.3f before training, "
        + "%.3f after %d iterations%nfilters-before.png and filters-after.png in %s%n",
        neighbourCorrelation(before, k), neighbourCorrelation(after, k), iterations, dir);
  }
}
