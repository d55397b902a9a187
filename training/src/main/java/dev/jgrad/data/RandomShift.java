package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.Tensor;
import java.util.SplittableRandom;

/**
 * Moves each image of a batch by its own random whole-pixel offset, up to {@code maxShift} in
 * each direction, filling the pixels moved in with 0 (the background of MNIST's digits): the
 * simplest of the book's augmentations (8.1.2). Inputs are {@code [batch, rows * cols]} or any
 * shape of {@code rows * cols} values a sample, one channel.
 *
 * <pre>{@code
 * DataLoader train = DataLoader.builder(trainSet).augment(new RandomShift(28, 28, 2)).build();
 * }</pre>
 *
 * <p>How: the host draws the offsets and lists, for every output pixel, the input pixel it comes
 * from (or a 0 appended to each sample); one gather on the backend then moves every image at
 * once ({@link PixelGather}), so it runs on any backend. The list is uploaded for each batch,
 * which on a GPU makes the step wait for the work queued before it.
 */
public final class RandomShift implements Augmentation {
  private final int rows;
  private final int cols;
  private final int maxShift;

  /** Images of {@code rows x cols}, moved by up to {@code maxShift} pixels each way. */
  public RandomShift(int rows, int cols, int maxShift) {
    checkArgument(rows > 0 && cols > 0, "RandomShift: images of %sx%s; give positive rows and "
        + "columns", rows, cols);
    PixelGather.checkImageSize(rows, cols, "RandomShift");
    checkArgument(maxShift >= 0 && maxShift < Math.min(rows, cols), "RandomShift: a shift of up "
        + "to %s pixels would move a %sx%s image out of itself; give 0 to %s", maxShift, rows,
        cols, Math.min(rows, cols) - 1);
    this.rows = rows;
    this.cols = cols;
    this.maxShift = maxShift;
  }

  @Override
  public Tensor apply(Tensor inputs, SplittableRandom random) {
    checkNotNull(inputs, "inputs is null");
    int batch = PixelGather.batchOf(inputs, rows, cols, this);
    if (maxShift == 0) {
      return inputs;
    }
    return PixelGather.apply(inputs, batch, rows * cols, sources(batch, random));
  }

  /**
   * For output pixel {@code (b, y, x)}, the index in the padded batch ({@code pixels + 1} values
   * a sample, the last 0) of the pixel it shows: {@code (y - dy, x - dx)} of sample b, or the 0
   * where that is outside the image.
   */
  private int[] sources(int batch, SplittableRandom random) {
    int pixels = rows * cols;
    int[] from = new int[batch * pixels];
    for (int b = 0; b < batch; b++) {
      int dy = random.nextInt(2 * maxShift + 1) - maxShift;
      int dx = random.nextInt(2 * maxShift + 1) - maxShift;
      int base = b * (pixels + 1);
      for (int y = 0; y < rows; y++) {
        int sy = y - dy;
        for (int x = 0; x < cols; x++) {
          int sx = x - dx;
          boolean inside = sy >= 0 && sy < rows && sx >= 0 && sx < cols;
          from[b * pixels + y * cols + x] = base + (inside ? sy * cols + sx : pixels);
        }
      }
    }
    return from;
  }

  @Override
  public String toString() {
    return "RandomShift(" + rows + "x" + cols + ", up to " + maxShift + " pixels)";
  }
}
