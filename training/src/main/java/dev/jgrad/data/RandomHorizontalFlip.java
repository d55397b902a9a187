package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.Tensor;
import java.util.SplittableRandom;

/**
 * Mirrors each image of a batch left to right with probability {@code p} (default 0.5), as
 * torchvision's {@code RandomHorizontalFlip(p)}: one draw an image ({@code nextDouble() < p}),
 * every channel of a mirrored image alike. Inputs are {@code [batch, channels * rows * cols]} or
 * any shape of that many values a sample, channels first. For pictures of things (pets, CIFAR's
 * classes, clothes), not for digits or letters, which a mirror turns into other shapes.
 *
 * <pre>{@code
 * DataLoader.builder(pets).augment(new RandomHorizontalFlip(3, 32, 32)
 *     .andThen(new RandomShift(3, 32, 32, 4))).build();
 * }</pre>
 *
 * <p>Like {@link RandomShift}, one gather from a list the host makes ({@link PixelGather}), so it
 * runs on any backend; the values are moved, never computed, so the result is exact.
 */
public final class RandomHorizontalFlip implements Augmentation {
  private final int channels;
  private final int rows;
  private final int cols;
  private final double p;

  /** Images of {@code channels} planes of {@code rows x cols}, each mirrored with p 0.5. */
  public RandomHorizontalFlip(int channels, int rows, int cols) {
    this(channels, rows, cols, 0.5);
  }

  /**
   * Images of {@code channels} planes of {@code rows x cols} (channels first: 3 for RGB), each
   * mirrored with probability {@code p} (0 to 1; 0 leaves them and draws nothing).
   */
  public RandomHorizontalFlip(int channels, int rows, int cols, double p) {
    PixelGather.checkImageSize(channels, rows, cols, "RandomHorizontalFlip");
    checkArgument(p >= 0 && p <= 1, "RandomHorizontalFlip: a probability of %s; give 0 to 1", p);
    this.channels = channels;
    this.rows = rows;
    this.cols = cols;
    this.p = p;
  }

  @Override
  public Tensor apply(Tensor inputs, SplittableRandom random) {
    checkNotNull(inputs, "inputs is null");
    int batch = PixelGather.batchOf(inputs, channels, rows, cols, this);
    if (p == 0) {
      return inputs;
    }
    return PixelGather.move(inputs, batch, channels, rows * cols, plane -> {
      boolean mirror = random.nextDouble() < p;
      for (int y = 0; y < rows; y++) {
        for (int x = 0; x < cols; x++) {
          plane[y * cols + x] = y * cols + (mirror ? cols - 1 - x : x);
        }
      }
    });
  }

  @Override
  public String toString() {
    return "RandomHorizontalFlip(" + PixelGather.size(channels, rows, cols) + ", p " + p + ")";
  }
}
