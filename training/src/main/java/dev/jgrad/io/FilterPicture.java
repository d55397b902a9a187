package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A convolution's filters as a picture, as the book draws them (Deep Learning from Scratch 7.6.1,
 * {@code visualize_filter.py}): each filter's first input channel in rows of six on white, each
 * weight an 8-pixel square of grey scaled to the filter's own range (matplotlib's {@code gray_r}:
 * its largest weight black, its smallest white).
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(1, 30, 5, 1, 0, Init.normal(0.01), new Random(42));
 * FilterPicture.write(conv.weight(), Path.of("filters-before.png"));
 * }</pre>
 */
public final class FilterPicture {
  /** Pixels a weight takes on each side, and between filters. */
  private static final int SCALE = 8;
  private static final int GAP = 4;
  private static final int COLUMNS = 6;
  private static final int WHITE = 0xFFFFFF;

  private FilterPicture() {}

  /** The picture of {@code weight}, {@code [filters, channels, height, width]}. */
  public static BufferedImage of(Tensor weight) {
    checkNotNull(weight, "weight is null; pass a convolution's weight, e.g. conv.weight()");
    checkArgument(weight.rank() == 4, "FilterPicture needs a convolution's weight [filters, "
        + "channels, height, width], got %s; pass conv.weight()", weight.shape());
    int filters = weight.shape().dim(0);
    int channels = weight.shape().dim(1);
    int kh = weight.shape().dim(2);
    int kw = weight.shape().dim(3);
    checkArgument(filters > 0, "FilterPicture got a weight of no filters, %s", weight.shape());
    double[] w = weight.toDoubleArray();
    int rows = (filters + COLUMNS - 1) / COLUMNS;
    BufferedImage image = new BufferedImage(COLUMNS * (kw * SCALE + GAP) + GAP,
        rows * (kh * SCALE + GAP) + GAP, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, WHITE);
      }
    }
    for (int f = 0; f < filters; f++) {
      int base = f * channels * kh * kw; // channel 0 of filter f, as the book shows it
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < kh * kw; i++) {
        min = Math.min(min, w[base + i]);
        max = Math.max(max, w[base + i]);
      }
      int left = GAP + (f % COLUMNS) * (kw * SCALE + GAP);
      int top = GAP + (f / COLUMNS) * (kh * SCALE + GAP);
      for (int i = 0; i < kh * kw; i++) {
        double t = max > min ? (w[base + i] - min) / (max - min) : 0;
        int grey = (int) Math.round(255 * (1 - t)); // gray_r: the largest weight black
        int rgb = grey << 16 | grey << 8 | grey;
        for (int dy = 0; dy < SCALE; dy++) {
          for (int dx = 0; dx < SCALE; dx++) {
            image.setRGB(left + (i % kw) * SCALE + dx, top + (i / kw) * SCALE + dy, rgb);
          }
        }
      }
    }
    return image;
  }

  /** Writes {@link #of} {@code weight} to {@code file} as a PNG, atomically. */
  public static void write(Tensor weight, Path file) throws IOException {
    checkNotNull(file, "file is null; pass the PNG's path");
    BufferedImage image = of(weight);
    AtomicFiles.writePng(file, image);
  }
}
