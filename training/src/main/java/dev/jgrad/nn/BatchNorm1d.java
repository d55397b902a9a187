package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;

/**
 * {@link BatchNorm} of features {@code [N, C]}: statistics per feature over the batch (the book's
 * ch. 6.3, PyTorch's {@code nn.BatchNorm1d}), or of sequences {@code [N, C, L]}: per channel over
 * the batch and every position.
 *
 * <pre>{@code
 * Sequential net = new Sequential(new Linear(784, 100, Init.he(), random), new BatchNorm1d(100),
 *     new ReLU(), new Linear(100, 10, Init.he(), random));
 * }</pre>
 */
public final class BatchNorm1d extends BatchNorm {
  /** A FLOAT32 layer. */
  public BatchNorm1d(int features) {
    this(features, Tensor.DEFAULT_DTYPE);
  }

  /** A layer over {@code features} features, its parameters and buffers of {@code dtype}. */
  public BatchNorm1d(int features, DType dtype) {
    this(features, BatchNormOptions.defaults(), dtype);
  }

  /** A FLOAT32 layer with PyTorch's options ({@code eps}, {@code momentum}, ...). */
  public BatchNorm1d(int features, BatchNormOptions options) {
    this(features, options, Tensor.DEFAULT_DTYPE);
  }

  /** A layer with {@code options}, its parameters and buffers of {@code dtype}. */
  public BatchNorm1d(int features, BatchNormOptions options, DType dtype) {
    super(features, options, dtype);
  }

  @Override
  void checkInput(Tensor x) {
    checkArgument((x.rank() == 2 || x.rank() == 3) && x.shape().dim(1) == channels(),
        "%s needs input [batch, %s] or [batch, %s, length], got %s; give it the feature count "
            + "of the layer before", this, channels(), channels(), x.shape());
  }
}
