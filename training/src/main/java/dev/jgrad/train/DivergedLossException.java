package dev.jgrad.train;

/**
 * A training batch's loss became NaN or infinite, so {@link Trainer#fit} stopped. Its own type,
 * with the batch and the learning rate, so that a command line can name the option to lower
 * without reading the message; an {@link IllegalStateException} as before.
 */
public final class DivergedLossException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final double loss;
  private final int epoch;
  private final int batch;
  private final double learningRate;

  DivergedLossException(double loss, int epoch, int batch, double learningRate) {
    super(String.format("the loss became %s at epoch %s, batch %s; lower the learning rate"
        + " (now %s)", loss, epoch, batch, learningRate));
    this.loss = loss;
    this.epoch = epoch;
    this.batch = batch;
    this.learningRate = learningRate;
  }

  /** The batch's loss: NaN or an infinity. */
  public double loss() {
    return loss;
  }

  /** The epoch, counted from 1. */
  public int epoch() {
    return epoch;
  }

  /** The batch within the epoch, as {@link BatchMetrics} counts it. */
  public int batch() {
    return batch;
  }

  /** The optimizer's learning rate when the loss diverged. */
  public double learningRate() {
    return learningRate;
  }
}
