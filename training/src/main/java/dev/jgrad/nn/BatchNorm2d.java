package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;

/**
 * {@link BatchNorm} of images {@code [N, C, H, W]}: statistics per channel over the batch and
 * every position (PyTorch's {@code nn.BatchNorm2d}).
 */
public final class BatchNorm2d extends BatchNorm {
  /** A FLOAT32 layer. */
  public BatchNorm2d(int channels) {
    this(channels, Tensor.DEFAULT_DTYPE);
  }

  /** A layer over {@code channels} channels, its parameters and buffers of {@code dtype}. */
  public BatchNorm2d(int channels, DType dtype) {
    this(channels, BatchNormOptions.defaults(), dtype);
  }

  /** A FLOAT32 layer with PyTorch's options ({@code eps}, {@code momentum}, ...). */
  public BatchNorm2d(int channels, BatchNormOptions options) {
    this(channels, options, Tensor.DEFAULT_DTYPE);
  }

  /** A layer with {@code options}, its parameters and buffers of {@code dtype}. */
  public BatchNorm2d(int channels, BatchNormOptions options, DType dtype) {
    super(channels, options, dtype);
  }

  @Override
  void checkInput(Tensor x) {
    checkArgument(x.rank() == 4 && x.shape().dim(1) == channels(),
        "%s needs input [batch, %s, height, width], got %s; give it the channel count of the"
            + " layer before", this, channels(), x.shape());
  }
}
