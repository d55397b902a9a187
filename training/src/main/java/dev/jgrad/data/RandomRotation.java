package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.Tensor;
import java.util.SplittableRandom;

/**
 * Turns each image of a batch about its centre by its own random angle, drawn uniformly from {@code
 * -maxDegrees} to {@code maxDegrees}, each output pixel taking the nearest input pixel and 0 where
 * that falls outside the image: the book's other example of augmentation (8.1.2) beside {@link
 * RandomShift}, as torchvision's {@code RandomRotation(maxDegrees)} (nearest, fill 0) does, though
 * not its pixels bit for bit. Inputs are {@code [batch, channels * rows * cols]} or any shape of
 * that many values a sample, channels first; every channel of an image turns by the same angle.
 *
 * <pre>{@code
 * DataLoader.builder(trainSet)
 *     .augment(new RandomShift(28, 28, 1).andThen(new RandomRotation(28, 28, 10))).build();
 * DataLoader.builder(pets).augment(new RandomRotation(3, 32, 32, 15)).build();   // RGB
 * }</pre>
 *
 * <p>Nearest neighbour rather than bilinear: one gather from a list the host makes
 * ({@link PixelGather}), so it runs on any backend, and every output pixel is an input value.
 * One draw an image, whatever its channels. The angles use {@link StrictMath}, whose sine and
 * cosine are the same on every machine, so the same seed gives the same images everywhere.
 */
public final class RandomRotation implements Augmentation {
  private final int channels;
  private final int rows;
  private final int cols;
  private final double maxDegrees;

  /** One-channel images of {@code rows x cols}, turned by up to {@code maxDegrees} (0 to 180). */
  public RandomRotation(int rows, int cols, double maxDegrees) {
    this(1, rows, cols, maxDegrees);
  }

  /**
   * Images of {@code channels} planes of {@code rows x cols} (channels first: 3 for RGB), turned
   * by up to {@code maxDegrees} (0 to 180) either way, every channel of an image alike.
   */
  public RandomRotation(int channels, int rows, int cols, double maxDegrees) {
    PixelGather.checkImageSize(channels, rows, cols, "RandomRotation");
    checkArgument(maxDegrees >= 0 && maxDegrees <= 180, "RandomRotation: an angle of up to %s "
        + "degrees; give 0 to 180", maxDegrees);
    this.channels = channels;
    this.rows = rows;
    this.cols = cols;
    this.maxDegrees = maxDegrees;
  }

  @Override
  public Tensor apply(Tensor inputs, SplittableRandom random) {
    checkNotNull(inputs, "inputs is null");
    int batch = PixelGather.batchOf(inputs, channels, rows, cols, this);
    if (maxDegrees == 0) {
      return inputs;
    }
    return PixelGather.move(inputs, batch, channels, rows * cols, plane -> {
      double degrees = (2 * random.nextDouble() - 1) * maxDegrees;
      fill(plane, StrictMath.toRadians(degrees));
    });
  }

  /**
   * Fills one image's plane: output pixel (y, x) shows the input pixel nearest to (y, x) turned
   * back by {@code angle} about the centre, or the 0 (-1) outside the image. Image rows run down,
   * so a positive angle turns the picture clockwise on screen.
   */
  private void fill(int[] plane, double angle) {
    double cos = StrictMath.cos(angle);
    double sin = StrictMath.sin(angle);
    double cy = (rows - 1) / 2.0;
    double cx = (cols - 1) / 2.0;
    for (int y = 0; y < rows; y++) {
      double dy = y - cy;
      for (int x = 0; x < cols; x++) {
        double dx = x - cx;
        // the inverse rotation of the output pixel's offset from the centre
        long sy = Math.round(cy + cos * dy - sin * dx);
        long sx = Math.round(cx + sin * dy + cos * dx);
        boolean inside = sy >= 0 && sy < rows && sx >= 0 && sx < cols;
        plane[y * cols + x] = inside ? (int) sy * cols + (int) sx : -1;
      }
    }
  }

  @Override
  public String toString() {
    return "RandomRotation(" + PixelGather.size(channels, rows, cols) + ", up to " + maxDegrees
        + " degrees)";
  }
}
