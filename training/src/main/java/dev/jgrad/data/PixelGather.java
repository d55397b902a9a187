package dev.jgrad.data;

import dev.jgrad.api.Backends;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;

/**
 * Moves the pixels of a batch of images, channels first, by a list the host made: output value i
 * of the batch shows the value at {@code from[i]} of the batch padded with one 0 a sample (index
 * {@code b * (values + 1) + values} is sample b's 0, {@code values = channels * rows * cols}).
 * One gather on the inputs' backend, so the geometric augmentations run on any backend; on a GPU
 * the list's upload waits for the queued work.
 *
 * <p>An augmentation describes each sample's move once, as a plane: for every pixel of the output
 * the pixel of the input it shows, or -1 for the 0. Every channel of the sample moves by that same
 * plane (as torchvision transforms a whole image), so one draw moves all of an image's colours.
 */
final class PixelGather {
  private PixelGather() {}

  /** Fills {@code plane} ({@code rows * cols} entries) with one sample's move, drawing it. */
  @FunctionalInterface
  interface SampleMove {
    void fill(int[] plane);
  }

  /**
   * {@code inputs} ({@code batch} samples of {@code channels} planes of {@code pixels}) with each
   * sample moved by the plane {@code move} fills for it, called once a sample, in order.
   */
  static Tensor move(Tensor inputs, int batch, int channels, int pixels, SampleMove move) {
    int values = channels * pixels; // fits: checked with the batch
    int[] from = new int[batch * values];
    int[] plane = new int[pixels];
    for (int b = 0; b < batch; b++) {
      move.fill(plane);
      int base = b * (values + 1);
      for (int c = 0; c < channels; c++) {
        int at = b * values + c * pixels;
        for (int p = 0; p < pixels; p++) {
          from[at + p] = base + (plane[p] < 0 ? values : c * pixels + plane[p]);
        }
      }
    }
    return gather(inputs, batch, values, from);
  }

  /** {@code inputs} ({@code batch * values} values) with their values taken from {@code from}. */
  private static Tensor gather(Tensor inputs, int batch, int values, int[] from) {
    // made on the inputs' backend (the prefetch thread's current one may be another)
    try (NoGrad ignored = NoGrad.scope(); Backends.Scope on = Backends.use(inputs.backend())) {
      Tensor zero = Tensor.zeros(inputs.dtype(), batch, 1);
      Tensor padded = Tensor.concat(1, inputs.reshape(batch, values), zero);
      Tensor index = Tensor.indices(from);
      Tensor moved = padded.reshape(batch * (values + 1)).indexSelect(0, index);
      for (Tensor done : new Tensor[] {zero, padded, index}) {
        done.buffer().close();
      }
      return moved.reshape(inputs.shape().dims());
    }
  }

  /** An image's size as the messages name it: {@code rows x cols}, channels first when several. */
  static String size(int channels, int rows, int cols) {
    return (channels == 1 ? "" : channels + "x") + rows + "x" + cols;
  }

  /**
   * Refuses sizes that are not positive and images whose values and padding 0 do not fit an int
   * index, naming {@code augmentation}.
   */
  static void checkImageSize(int channels, int rows, int cols, String augmentation) {
    if (channels <= 0) {
      throw new IllegalArgumentException(augmentation + ": images of " + channels + " channels; "
          + "give 1 (grey levels), 3 (RGB) or another positive count");
    }
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(augmentation + ": images of " + rows + "x" + cols
          + "; give positive rows and columns");
    }
    if ((long) channels * rows * cols + 1 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(augmentation + ": images of " + size(channels, rows, cols)
          + " have more pixels than an index reaches (" + Integer.MAX_VALUE + "); give smaller "
          + "images");
    }
  }

  /**
   * The batch size of {@code inputs} holding {@code channels x rows x cols} values a sample, or
   * the failure naming {@code augmentation} and what it needs (also when the batch's index list
   * would not fit an int index).
   */
  static int batchOf(Tensor inputs, int channels, int rows, int cols, Object augmentation) {
    int values = channels * rows * cols; // fits: checked when the augmentation was made
    int batch = inputs.rank() == 0 ? 0 : inputs.shape().dim(0);
    if (batch <= 0 || inputs.size() != (long) batch * values) {
      throw new IllegalArgumentException(augmentation + ": inputs " + inputs.spec() + " do not "
          + "hold " + values + " values (" + size(channels, rows, cols) + ") a sample; give a "
          + "batch of images of that size" + channelsHint(inputs, batch, channels, rows, cols));
    }
    if ((long) batch * (values + 1) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(augmentation + ": a batch of " + batch + " images of "
          + values + " values is more than an index list reaches (" + Integer.MAX_VALUE
          + " entries); use smaller batches");
    }
    return batch;
  }

  /** When the inputs hold another whole number of channels of the size: say how many. */
  private static String channelsHint(Tensor inputs, int batch, int channels, int rows, int cols) {
    long plane = (long) batch * rows * cols;
    if (batch <= 0 || inputs.size() == 0 || inputs.size() % plane != 0) {
      return "";
    }
    return ", or make the augmentation for " + inputs.size() / plane + " channels (it takes "
        + channels + ")";
  }
}
