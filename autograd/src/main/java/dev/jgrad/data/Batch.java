package dev.jgrad.data;

import dev.jgrad.autograd.Tensor;

/**
 * One mini-batch: inputs and targets whose first dimension is the batch size.
 *
 * @param inputs e.g. images {@code [batch, 784]}
 * @param targets e.g. class labels {@code [batch]} or one-hot rows {@code [batch, 10]}
 */
public record Batch(Tensor inputs, Tensor targets) {
  /** Number of samples in this batch. */
  public int size() {
    return inputs.shape().dim(0);
  }
}
