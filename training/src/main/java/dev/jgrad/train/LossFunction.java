package dev.jgrad.train;

import dev.jgrad.autograd.Tensor;

/**
 * A scalar loss of a model's output for a batch and that batch's targets; the methods of
 * {@link dev.jgrad.autograd.Losses} fit, e.g. {@code Losses::softmaxCrossEntropyLabels}.
 */
@FunctionalInterface
public interface LossFunction {
  Tensor compute(Tensor output, Tensor targets);
}
