package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.Tensor;
import java.util.SplittableRandom;

/**
 * Moves each image of a batch by its own random whole-pixel offset, up to {@code maxShift} in each
 * direction, filling the pixels moved in with 0 (the background of MNIST's digits): the simplest of
 * the book's augmentations (8.1.2), the same offsets as torchvision's {@code RandomCrop(size,
 * padding=maxShift)} (fill 0) draws. Inputs are {@code [batch, channels * rows * cols]} or any
 * shape of that many values a sample, channels first (as {@link Dataset#ofImages} holds an {@code
 * ImageFolder}'s RGB images); every channel of an image moves by the same offset.
 *
 * <pre>{@code
 * DataLoader train = DataLoader.builder(trainSet).augment(new RandomShift(28, 28, 2)).build();
 * DataLoader rgb = DataLoader.builder(pets).augment(new RandomShift(3, 32, 32, 4)).build();
 * }</pre>
 *
 * <p>How: the host draws the offsets (two draws an image, whatever its channels, so one channel
 * and many see the same offsets from the same seed) and lists, for every output value, the input
 * value it comes from (or a 0 appended to each sample); one gather on the backend then moves every
 * image at once ({@link PixelGather}), so it runs on any backend. The list is uploaded for each
 * batch, which on a GPU makes the step wait for the work queued before it.
 */
public final class RandomShift implements Augmentation {
  private final int channels;
  private final int rows;
  private final int cols;
  private final int maxShift;

  /** One-channel images of {@code rows x cols}, moved by up to {@code maxShift} pixels each way. */
  public RandomShift(int rows, int cols, int maxShift) {
    this(1, rows, cols, maxShift);
  }

  /**
   * Images of {@code channels} planes of {@code rows x cols} (channels first: 3 for RGB), moved by
   * up to {@code maxShift} pixels each way, every channel of an image alike.
   */
  public RandomShift(int channels, int rows, int cols, int maxShift) {
    PixelGather.checkImageSize(channels, rows, cols, "RandomShift");
    checkArgument(maxShift >= 0 && maxShift < Math.min(rows, cols), "RandomShift: a shift of up "
        + "to %s pixels would move a %sx%s image out of itself; give 0 to %s", maxShift, rows,
        cols, Math.min(rows, cols) - 1);
    this.channels = channels;
    this.rows = rows;
    this.cols = cols;
    this.maxShift = maxShift;
  }

  @Override
  public Tensor apply(Tensor inputs, SplittableRandom random) {
    checkNotNull(inputs, "inputs is null");
    int batch = PixelGather.batchOf(inputs, channels, rows, cols, this);
    if (maxShift == 0) {
      return inputs;
    }
    return PixelGather.move(inputs, batch, channels, rows * cols, plane -> fill(plane, random));
  }

  /**
   * Draws one image's offset (dy, then dx) and fills {@code plane}: output pixel {@code (y, x)}
   * shows input pixel {@code (y - dy, x - dx)}, or the 0 (-1) where that is outside the image.
   */
  private void fill(int[] plane, SplittableRandom random) {
    int dy = random.nextInt(2 * maxShift + 1) - maxShift;
    int dx = random.nextInt(2 * maxShift + 1) - maxShift;
    for (int y = 0; y < rows; y++) {
      int sy = y - dy;
      for (int x = 0; x < cols; x++) {
        int sx = x - dx;
        boolean inside = sy >= 0 && sy < rows && sx >= 0 && sx < cols;
        plane[y * cols + x] = inside ? sy * cols + sx : -1;
      }
    }
  }

  @Override
  public String toString() {
    return "RandomShift(" + PixelGather.size(channels, rows, cols) + ", up to " + maxShift
        + " pixels)";
  }
}
