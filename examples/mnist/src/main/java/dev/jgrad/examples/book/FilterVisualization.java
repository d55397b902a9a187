package dev.jgrad.examples.book;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.Dataset;
import dev.jgrad.examples.mnist.SimpleConvNet;
import dev.jgrad.io.FilterPicture;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Adam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

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

  /** Writes {@code weights}' picture ({@link FilterPicture}) to {@code file}, atomically. */
  static void write(float[] weights, int k, Path file) throws IOException {
    FilterPicture.write(Tensor.of(weights, weights.length / (k * k), 1, k, k), file);
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
