package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;

/**
 * Batch normalization with PyTorch's semantics, shared by {@link BatchNorm1d} ({@code [N, C]})
 * and {@link BatchNorm2d} ({@code [N, C, H, W]}): per channel, over every other axis, in training
 * mode {@code y = (x - mean) / sqrt(var + eps) * weight + bias} with the batch's mean and biased
 * variance, while {@code running_mean} and {@code running_var} (unbiased) follow with momentum
 * 0.1; in evaluation mode the running statistics replace the batch's. Composed from tensor ops,
 * so the gradient comes from theirs. Parameters {@code weight} (1) and {@code bias} (0); buffers
 * {@code running_mean}, {@code running_var} and {@code num_batches_tracked}, saved in checkpoints
 * under PyTorch's names.
 */
public abstract class BatchNorm extends Module {
  /** PyTorch's defaults. */
  public static final double EPS = 1e-5;
  /** Weight of the newest batch in the running statistics (PyTorch's default). */
  public static final double MOMENTUM = 0.1;

  private final int channels;
  private final int[] axes; // the axes the statistics are over: every axis but 1
  private final int[] statShape; // the statistics' shape broadcastable against the input
  private final Tensor weight;
  private final Tensor bias;
  private final Tensor runningMean;
  private final Tensor runningVar;
  private final Tensor batchesTracked;

  BatchNorm(int channels, int rank, DType dtype) {
    checkArgument(channels > 0, "%s needs a positive channel count, got %s",
        getClass().getSimpleName(), channels);
    this.channels = channels;
    this.axes = rank == 2 ? new int[] {0} : new int[] {0, 2, 3};
    this.statShape = rank == 2 ? new int[] {1, channels} : new int[] {1, channels, 1, 1};
    this.weight = registerParameter("weight", Tensor.ones(dtype, channels));
    this.bias = registerParameter("bias", Tensor.zeros(dtype, channels));
    this.runningMean = registerBuffer("running_mean", Tensor.zeros(dtype, channels));
    this.runningVar = registerBuffer("running_var", Tensor.ones(dtype, channels));
    // a float, not PyTorch's int64: jgrad tensors are floating point (exact to 2^53 batches)
    this.batchesTracked = registerBuffer("num_batches_tracked", Tensor.zeros(DType.FLOAT64, 1));
  }

  /** Fails unless {@code x} has this layer's rank and channel count, saying what it expects. */
  abstract void checkInput(Tensor x);

  @Override
  public Tensor forward(Tensor x) {
    checkInput(x);
    Tensor mean;
    Tensor var;
    if (isTraining()) {
      long perChannel = x.size() / channels;
      checkArgument(perChannel > 1, "%s in training mode got input %s: one value per channel has"
          + " no variance; train with batches of at least 2 samples (a last batch of 1: build the"
          + " DataLoader with dropLast(true), or pick another batch size), or call eval() to use"
          + " the running statistics", this, x.shape());
      mean = x.mean(true, axes);
      Tensor centred = x.sub(mean);
      var = centred.mul(centred).mean(true, axes);
      updateRunningStatistics(mean, var, perChannel);
      return scaleAndShift(centred, var);
    }
    return scaleAndShift(x.sub(runningMean.reshape(statShape)), runningVar.reshape(statShape));
  }

  private Tensor scaleAndShift(Tensor centred, Tensor var) {
    return centred.div(var.add(EPS).sqrt()).mul(weight.reshape(statShape))
        .add(bias.reshape(statShape));
  }

  /** running = (1 - momentum) running + momentum batch; the variance unbiased, as PyTorch's. */
  private void updateRunningStatistics(Tensor mean, Tensor var, long perChannel) {
    try (NoGrad ignored = NoGrad.scope()) {
      Tensor m = mean.reshape(channels);
      Tensor v = var.reshape(channels).mul(perChannel / (perChannel - 1.0));
      runningMean.assign(runningMean.mul(1 - MOMENTUM).add(m.mul(MOMENTUM)));
      runningVar.assign(runningVar.mul(1 - MOMENTUM).add(v.mul(MOMENTUM)));
      batchesTracked.assign(batchesTracked.add(1.0));
    }
  }

  /** Number of channels (features) normalized, each with its own statistics. */
  public int channels() {
    return channels;
  }

  /** The learned scale {@code [channels]}, starting at 1. */
  public Tensor weight() {
    return weight;
  }

  /** The learned shift {@code [channels]}, starting at 0. */
  public Tensor bias() {
    return bias;
  }

  /** The running mean {@code [channels]} used in evaluation mode (a buffer, not a parameter). */
  public Tensor runningMean() {
    return runningMean;
  }

  /** The running unbiased variance {@code [channels]} used in evaluation mode (a buffer). */
  public Tensor runningVar() {
    return runningVar;
  }

  /**
   * How many training batches updated the running statistics: FLOAT64 {@code [1]} (a buffer),
   * where PyTorch has an int64 scalar.
   */
  public Tensor numBatchesTracked() {
    return batchesTracked;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + channels + ")";
  }
}
