package dev.jgrad.data;

import dev.jgrad.api.Backends;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;

/**
 * Moves the pixels of a batch of one-channel images by a list the host made: output pixel i of
 * the batch shows the value at {@code from[i]} of the batch padded with one 0 a sample (index
 * {@code b * (pixels + 1) + pixels} is sample b's 0). One gather on the inputs' backend, so the
 * geometric augmentations run on any backend; on a GPU the list's upload waits for the queued work.
 */
final class PixelGather {
  private PixelGather() {}

  /** {@code inputs} ({@code batch * pixels} values) with their pixels taken from {@code from}. */
  static Tensor apply(Tensor inputs, int batch, int pixels, int[] from) {
    // made on the inputs' backend (the prefetch thread's current one may be another)
    try (NoGrad ignored = NoGrad.scope(); Backends.Scope on = Backends.use(inputs.backend())) {
      Tensor zero = Tensor.zeros(inputs.dtype(), batch, 1);
      Tensor padded = Tensor.concat(1, inputs.reshape(batch, pixels), zero);
      Tensor index = Tensor.indices(from);
      Tensor moved = padded.reshape(batch * (pixels + 1)).indexSelect(0, index);
      for (Tensor done : new Tensor[] {zero, padded, index}) {
        done.buffer().close();
      }
      return moved.reshape(inputs.shape().dims());
    }
  }

  /** Refuses images whose pixels and padding 0 do not fit an int index. */
  static void checkImageSize(int rows, int cols, String augmentation) {
    if ((long) rows * cols + 1 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(augmentation + ": images of " + rows + "x" + cols
          + " have more pixels than an index reaches (" + Integer.MAX_VALUE + "); give smaller "
          + "images");
    }
  }

  /**
   * The batch size of {@code inputs} holding {@code rows x cols} values a sample, or the failure
   * naming {@code augmentation} and what it needs (also when the batch's index list would not
   * fit an int index).
   */
  static int batchOf(Tensor inputs, int rows, int cols, Object augmentation) {
    int pixels = rows * cols; // fits: checked when the augmentation was made
    int batch = inputs.rank() == 0 ? 0 : inputs.shape().dim(0);
    if (batch <= 0 || inputs.size() != (long) batch * pixels) {
      throw new IllegalArgumentException(augmentation + ": inputs " + inputs.spec() + " do not "
          + "hold " + pixels + " values (" + rows + "x" + cols + ") a sample; give a batch of "
          + "images of that size");
    }
    if ((long) batch * (pixels + 1) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(augmentation + ": a batch of " + batch + " images of "
          + pixels + " pixels is more than an index list reaches (" + Integer.MAX_VALUE
          + " entries); use smaller batches");
    }
    return batch;
  }
}
