package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.autograd.Tensor;

/**
 * Keeps the first axis and flattens the rest: {@code [batch, c, h, w]} to
 * {@code [batch, c * h * w]}, between image layers and {@link Linear} (PyTorch's
 * {@code nn.Flatten}, whose order this is). No parameters; a reshape, no copy.
 */
public final class Flatten extends Module {
  @Override
  public Tensor forward(Tensor x) {
    checkArgument(x.rank() >= 1, "Flatten needs an input with a batch axis, got a scalar");
    // the sizes, not -1: an empty batch has no size to infer from ([0, 3, 4] -> [0, 12])
    return x.reshape(x.shape().dim(0), Math.toIntExact(x.shape().without(0).size()));
  }
}
