package dev.jgrad.train;

/**
 * A model's mean loss and accuracy on a dataset.
 *
 * @param loss mean loss per sample
 * @param accuracy fraction of samples whose highest score is the target class, 0..1; NaN where
 *     accuracy means nothing (targets not class labels or one-hot rows, as in a regression)
 * @param samples number of samples evaluated
 */
public record Evaluation(double loss, double accuracy, int samples) {
  /** False for a regression, whose {@link #accuracy()} is NaN. */
  public boolean hasAccuracy() {
    return !Double.isNaN(accuracy);
  }
}
