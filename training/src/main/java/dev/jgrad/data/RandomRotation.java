package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.Tensor;
import java.util.SplittableRandom;

/**
 * Turns each image of a batch about its centre by its own random angle, drawn uniformly from
 * {@code -maxDegrees} to {@code maxDegrees}, each output pixel taking the nearest input pixel and
 * 0 where that falls outside the image: the book's other example of augmentation (8.1.2) beside
 * {@link RandomShift}. Inputs are {@code [batch, rows * cols]} or any shape of {@code rows * cols}
 * values a sample, one channel.
 *
 * <pre>{@code
 * DataLoader.builder(trainSet)
 *     .augment(new RandomShift(28, 28, 1).andThen(new RandomRotation(28, 28, 10))).build();
 * }</pre>
 *
 * <p>Nearest neighbour rather than bilinear: one gather from a list the host makes
 * ({@link PixelGather}), so it runs on any backend, and every output pixel is an input value.
 * The angles use {@link StrictMath}, whose sine and cosine are the same on every machine, so the
 * same seed gives the same images everywhere.
 */
public final class RandomRotation implements Augmentation {
  private final int rows;
  private final int cols;
  private final double maxDegrees;

  /** Images of {@code rows x cols}, turned by up to {@code maxDegrees} (0 to 180) either way. */
  public RandomRotation(int rows, int cols, double maxDegrees) {
    checkArgument(rows > 0 && cols > 0, "RandomRotation: images of %sx%s; give positive rows and "
        + "columns", rows, cols);
    PixelGather.checkImageSize(rows, cols, "RandomRotation");
    checkArgument(maxDegrees >= 0 && maxDegrees <= 180, "RandomRotation: an angle of up to %s "
        + "degrees; give 0 to 180", maxDegrees);
    this.rows = rows;
    this.cols = cols;
    this.maxDegrees = maxDegrees;
  }

  @Override
  public Tensor apply(Tensor inputs, SplittableRandom random) {
    checkNotNull(inputs, "inputs is null");
    int batch = PixelGather.batchOf(inputs, rows, cols, this);
    if (maxDegrees == 0) {
      return inputs;
    }
    int[] from = new int[batch * rows * cols];
    for (int b = 0; b < batch; b++) {
      double degrees = (2 * random.nextDouble() - 1) * maxDegrees;
      sources(from, b, StrictMath.toRadians(degrees));
    }
    return PixelGather.apply(inputs, batch, rows * cols, from);
  }

  /**
   * Fills sample b's part of {@code from}: output pixel (y, x) shows the input pixel nearest to
   * (y, x) turned back by {@code angle} about the centre, or the sample's 0 outside the image.
   * Image rows run down, so a positive angle turns the picture clockwise on screen.
   */
  private void sources(int[] from, int b, double angle) {
    int pixels = rows * cols;
    double cos = StrictMath.cos(angle);
    double sin = StrictMath.sin(angle);
    double cy = (rows - 1) / 2.0;
    double cx = (cols - 1) / 2.0;
    int base = b * (pixels + 1);
    for (int y = 0; y < rows; y++) {
      double dy = y - cy;
      for (int x = 0; x < cols; x++) {
        double dx = x - cx;
        // the inverse rotation of the output pixel's offset from the centre
        long sy = Math.round(cy + cos * dy - sin * dx);
        long sx = Math.round(cx + sin * dy + cos * dx);
        boolean inside = sy >= 0 && sy < rows && sx >= 0 && sx < cols;
        from[b * pixels + y * cols + x] = base + (inside ? (int) sy * cols + (int) sx : pixels);
      }
    }
  }

  @Override
  public String toString() {
    return "RandomRotation(" + rows + "x" + cols + ", up to " + maxDegrees + " degrees)";
  }
}
