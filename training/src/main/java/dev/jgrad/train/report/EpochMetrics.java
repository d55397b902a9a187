package dev.jgrad.train.report;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * What one training epoch achieved. Accuracies are fractions in [0, 1]; a metric that was not
 * measured (e.g. no test pass this epoch) is {@link Double#NaN}, which reports show as blank.
 *
 * <pre>{@code
 * history.add(new EpochMetrics(1, 0.42, 0.88, 0.31, 0.91, 12.5));
 * history.add(EpochMetrics.trainOnly(2, 0.29, 0.92, 11.9));
 * }</pre>
 *
 * @param epoch 1 for the first epoch
 * @param trainLoss mean training loss over the epoch: the running mean of the steps' losses, each
 *     measured while the model learned, in training mode (Dropout dropping, BatchNorm using the
 *     batch's statistics), by weights that changed from step to step
 * @param trainAccuracy fraction of training samples classified correctly, counted as the loss
 *     is (over the epoch, in training mode): with Dropout it lies below what the trained model
 *     scores on the same samples, and can even lie below the test accuracy (the book's Fig. 6-22
 *     measures in evaluation mode after the epoch; see {@link #trainEvalAccuracy}); NaN if not
 *     measured (a regression), and so for the test accuracy
 * @param testLoss mean loss on the test set after the epoch
 * @param testAccuracy fraction of test samples classified correctly
 * @param seconds wall time of the epoch; NaN if not known (an epoch restored from a checkpoint,
 *     which keeps no wall times so that the same run always writes the same bytes)
 * @param learningRate the optimizer's learning rate at the epoch's last step (under a per-step
 *     schedule the rate changes within the epoch, and this is where it ended; PyTorch's
 *     {@code get_last_lr()} after the epoch); NaN if not known (an epoch restored from a
 *     checkpoint, which keeps no rates either, so that its bytes stay what they were)
 * @param trainEvalLoss mean loss on the training set measured after the epoch in evaluation
 *     mode (Dropout off, BatchNorm's running statistics), as the test loss is; NaN unless the
 *     trainer was asked to ({@code Trainer.Builder.evaluateTrainingSet}), and for an epoch
 *     restored from a checkpoint (which keeps the six measures only)
 * @param trainEvalAccuracy the accuracy of that pass: the book's "train acc" (Fig. 6-22); NaN as
 *     {@code trainEvalLoss} is, and for a regression
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double testLoss,
    double testAccuracy, double seconds, double learningRate, double trainEvalLoss,
    double trainEvalAccuracy) {

  public EpochMetrics {
    checkArgument(epoch >= 1, "epoch is %s; number epochs from 1", epoch);
    checkAccuracy("train", trainAccuracy);
    checkAccuracy("test", testAccuracy);
    checkAccuracy("train (eval mode)", trainEvalAccuracy);
    checkArgument(Double.isNaN(seconds) || (seconds >= 0 && seconds < Double.POSITIVE_INFINITY),
        "seconds is %s; pass the epoch's wall time in seconds (>= 0), or NaN if not known",
        seconds);
    checkArgument(Double.isNaN(learningRate)
        || (learningRate >= 0 && learningRate < Double.POSITIVE_INFINITY),
        "learning rate is %s; pass the rate of the epoch's last step (>= 0), or NaN if not known",
        learningRate);
  }

  /** An epoch without an evaluation-mode pass over the training set (both its measures NaN). */
  public EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double testLoss,
      double testAccuracy, double seconds, double learningRate) {
    this(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, seconds, learningRate,
        Double.NaN, Double.NaN);
  }

  /** An epoch whose learning rate is not known (NaN): the metrics before rates were recorded. */
  public EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double testLoss,
      double testAccuracy, double seconds) {
    this(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, seconds, Double.NaN);
  }

  /** An epoch without a test pass: test loss and accuracy are NaN. */
  public static EpochMetrics trainOnly(int epoch, double trainLoss, double trainAccuracy,
      double seconds) {
    return new EpochMetrics(epoch, trainLoss, trainAccuracy, Double.NaN, Double.NaN, seconds);
  }

  /** True if the test loss or accuracy was measured. */
  public boolean hasTest() {
    return !Double.isNaN(testLoss) || !Double.isNaN(testAccuracy);
  }

  /** True if the training set was measured in evaluation mode after this epoch. */
  public boolean hasTrainEval() {
    return !Double.isNaN(trainEvalLoss) || !Double.isNaN(trainEvalAccuracy);
  }

  private static void checkAccuracy(String which, double accuracy) {
    checkArgument(Double.isNaN(accuracy) || (accuracy >= 0 && accuracy <= 1),
        "%s accuracy is %s; pass a fraction in [0, 1] (not a percentage), or NaN if not measured",
        which, accuracy);
  }
}
