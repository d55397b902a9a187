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
 * @param trainLoss mean training loss over the epoch
 * @param trainAccuracy fraction of training samples classified correctly; NaN if not measured
 *     (a regression), and so for the test accuracy
 * @param testLoss mean loss on the test set after the epoch
 * @param testAccuracy fraction of test samples classified correctly
 * @param seconds wall time of the epoch; NaN if not known (an epoch restored from a checkpoint,
 *     which keeps no wall times so that the same run always writes the same bytes)
 * @param learningRate the optimizer's learning rate at the epoch's last step (under a per-step
 *     schedule the rate changes within the epoch, and this is where it ended; PyTorch's
 *     {@code get_last_lr()} after the epoch); NaN if not known (an epoch restored from a
 *     checkpoint, which keeps no rates either, so that its bytes stay what they were)
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double testLoss,
    double testAccuracy, double seconds, double learningRate) {

  public EpochMetrics {
    checkArgument(epoch >= 1, "epoch is %s; number epochs from 1", epoch);
    checkAccuracy("train", trainAccuracy);
    checkAccuracy("test", testAccuracy);
    checkArgument(Double.isNaN(seconds) || (seconds >= 0 && seconds < Double.POSITIVE_INFINITY),
        "seconds is %s; pass the epoch's wall time in seconds (>= 0), or NaN if not known",
        seconds);
    checkArgument(Double.isNaN(learningRate)
        || (learningRate >= 0 && learningRate < Double.POSITIVE_INFINITY),
        "learning rate is %s; pass the rate of the epoch's last step (>= 0), or NaN if not known",
        learningRate);
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

  private static void checkAccuracy(String which, double accuracy) {
    checkArgument(Double.isNaN(accuracy) || (accuracy >= 0 && accuracy <= 1),
        "%s accuracy is %s; pass a fraction in [0, 1] (not a percentage), or NaN if not measured",
        which, accuracy);
  }
}
