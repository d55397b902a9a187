package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.CrossEntropyOptions;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Reduction;
import dev.jgrad.autograd.Tensor;

/**
 * {@link Losses#crossEntropy(Tensor, Tensor, CrossEntropyOptions)} as a trainer's loss: a
 * classification loss whose mean divides by its batch's weight sum, which it reports, so that the
 * {@link Evaluator}'s loss over many batches is the loss of the whole set at once.
 */
final class CrossEntropyLoss implements LossFunction {
  private static final long serialVersionUID = 1L;

  private final CrossEntropyOptions options;

  CrossEntropyLoss(CrossEntropyOptions options) {
    this.options = checkNotNull(options, "crossEntropy: options are null; use "
        + "CrossEntropyOptions.defaults()");
  }

  @Override
  public Tensor compute(Tensor output, Tensor targets) {
    return Losses.crossEntropy(output, targets, options);
  }

  @Override
  public boolean isClassification() {
    return true;
  }

  @Override
  public Tensor meanWeight(Tensor output, Tensor targets) {
    return options.reductionValue() == Reduction.MEAN
        ? Losses.crossEntropyWeightSum(output, targets, options) : null;
  }

  @Override
  public String toString() {
    return "crossEntropy(" + options + ")";
  }
}
