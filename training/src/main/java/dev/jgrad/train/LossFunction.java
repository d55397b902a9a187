package dev.jgrad.train;

import dev.jgrad.autograd.CrossEntropyOptions;
import dev.jgrad.autograd.Tensor;
import java.io.Serializable;

/**
 * A scalar loss of a model's output for a batch and that batch's targets; the methods of
 * {@link dev.jgrad.autograd.Losses} fit, e.g. {@code Losses::softmaxCrossEntropyLabels}.
 *
 * <p>The loss says whether it is a classification's, which decides whether accuracy is reported
 * ({@link #isClassification}). It is {@link Serializable} so that a method reference to one of
 * {@code Losses}' classification losses can be recognized as such (a method reference is a
 * lambda, with no class of its own to ask; its serialized form names the method), and so that
 * the Spark trainer can send it to executors.
 */
@FunctionalInterface
public interface LossFunction extends Serializable {
  /**
   * The loss, a scalar tensor that {@code backward()} can start from, of {@code output} for
   * {@code targets}.
   */
  Tensor compute(Tensor output, Tensor targets);

  /**
   * Whether this is a classification loss, whose model outputs class scores and whose accuracy
   * is therefore reported. True for method references to the classification losses of
   * {@code Losses} (softmax cross-entropy and cross-entropy, with labels or one-hot rows) and for
   * losses wrapped with {@link #classification}; false otherwise (a regression's MSE, say, even
   * when its targets happen to look like one-hot rows).
   */
  default boolean isClassification() {
    return ClassificationLoss.isBuiltin(this);
  }

  /**
   * What this loss's mean over a batch divides by, a one-element tensor, or null (the default)
   * for the batch's size. The {@link Evaluator} weights each batch's loss by it, so that its
   * loss over many batches is the loss of the whole set at once whatever the batch size. A loss
   * whose mean is not over the samples (class weights, ignored labels: {@link #crossEntropy})
   * must say, or the evaluated loss depends on the evaluation's batch size.
   */
  default Tensor meanWeight(Tensor output, Tensor targets) {
    return null;
  }

  /**
   * PyTorch's {@code F.cross_entropy} with its options as a classification loss
   * ({@link dev.jgrad.autograd.Losses#crossEntropy(Tensor, Tensor, CrossEntropyOptions)}),
   * reporting its {@link #meanWeight}: with class
   * weights or an ignored label, the held-out loss is the whole set's, for any evaluation batch
   * size.
   */
  static LossFunction crossEntropy(CrossEntropyOptions options) {
    return new CrossEntropyLoss(options);
  }

  /** {@code loss} declared a classification loss: accuracy is reported for it. */
  static LossFunction classification(LossFunction loss) {
    return new ClassificationLoss(loss);
  }
}
