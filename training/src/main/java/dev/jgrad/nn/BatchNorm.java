package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;

/**
 * Batch normalization with PyTorch's semantics, shared by {@link BatchNorm1d} ({@code [N, C]} or
 * {@code [N, C, L]}) and {@link BatchNorm2d} ({@code [N, C, H, W]}): per channel (axis 1), over
 * every other axis, in training mode {@code y = (x - mean) / sqrt(var + eps) * weight + bias} with
 * the batch's mean and biased variance, while {@code running_mean} and {@code running_var}
 * (unbiased) follow with the momentum; in evaluation mode the running statistics replace the
 * batch's. Composed from tensor ops, so the gradient comes from theirs. Parameters {@code weight}
 * (1) and {@code bias} (0) unless not affine; buffers {@code running_mean}, {@code running_var}
 * and {@code num_batches_tracked} unless not tracking them (then the batch's statistics serve in
 * evaluation mode too), saved in checkpoints under PyTorch's names. eps and momentum
 * ({@link BatchNormOptions}) are in no state_dict, PyTorch's or this one's.
 */
public abstract class BatchNorm extends Module {
  /** PyTorch's defaults. */
  public static final double EPS = 1e-5;
  /** Weight of the newest batch in the running statistics (PyTorch's default). */
  public static final double MOMENTUM = 0.1;

  private final int channels;
  private final BatchNormOptions options;
  private final Tensor weight; // null where not affine
  private final Tensor bias;
  private final Tensor runningMean; // null where running statistics are not tracked
  private final Tensor runningVar;
  private final Tensor batchesTracked;

  BatchNorm(int channels, BatchNormOptions options, DType dtype) {
    checkArgument(channels > 0, "%s needs a positive channel count, got %s",
        getClass().getSimpleName(), channels);
    this.channels = channels;
    this.options = checkNotNull(options, "%s: options are null; use BatchNormOptions.defaults()",
        getClass().getSimpleName());
    boolean affine = options.isAffine();
    this.weight = affine ? registerParameter("weight", Tensor.ones(dtype, channels)) : null;
    this.bias = affine ? registerParameter("bias", Tensor.zeros(dtype, channels)) : null;
    boolean track = options.tracksRunningStats();
    this.runningMean = track
        ? registerBuffer("running_mean", Tensor.zeros(dtype, channels)) : null;
    this.runningVar = track ? registerBuffer("running_var", Tensor.ones(dtype, channels)) : null;
    // a float, not PyTorch's int64: jgrad tensors are floating point (exact to 2^53 batches)
    this.batchesTracked = track
        ? registerBuffer("num_batches_tracked", Tensor.zeros(DType.FLOAT64, 1)) : null;
  }

  /** Fails unless {@code x} has this layer's rank and channel count, saying what it expects. */
  abstract void checkInput(Tensor x);

  @Override
  public Tensor forward(Tensor x) {
    checkInput(x);
    int[] statShape = new int[x.rank()]; // the statistics' shape, broadcast against x
    Arrays.fill(statShape, 1);
    statShape[1] = channels;
    if (isTraining() || runningMean == null) {
      long perChannel = x.size() / channels;
      if (perChannel <= 1) { // the message built only then: this runs on every forward
        throw new IllegalArgumentException(isTraining()
            ? this + " in training mode got input " + x.shape() + ": one value per channel has"
                + " no variance; train with batches of at least 2 samples (a last batch of 1:"
                + " build the DataLoader with dropLast(true), or pick another batch size)"
                + (runningMean == null ? "" : ", or call eval() to use the running statistics")
            : this + " in evaluation mode without running statistics got input " + x.shape()
                + ": one value per channel has no variance; evaluate batches of at least 2 "
                + "samples, or build the layer tracking running statistics");
      }
      int[] axes = new int[x.rank() - 1]; // every axis but the channels'
      for (int a = 0, k = 0; a < x.rank(); a++) {
        if (a != 1) {
          axes[k++] = a;
        }
      }
      Tensor mean = x.mean(true, axes);
      Tensor centred = x.sub(mean);
      Tensor var = centred.mul(centred).mean(true, axes);
      if (isTraining() && runningMean != null) {
        updateRunningStatistics(mean, var, perChannel);
      }
      return scaleAndShift(centred, var, statShape);
    }
    return scaleAndShift(x.sub(runningMean.reshape(statShape)), runningVar.reshape(statShape),
        statShape);
  }

  private Tensor scaleAndShift(Tensor centred, Tensor var, int[] statShape) {
    Tensor normalized = centred.div(var.add(options.epsValue()).sqrt());
    return weight == null ? normalized
        : normalized.mul(weight.reshape(statShape)).add(bias.reshape(statShape));
  }

  /** running = (1 - momentum) running + momentum batch; the variance unbiased, as PyTorch's. */
  private void updateRunningStatistics(Tensor mean, Tensor var, long perChannel) {
    double momentum = options.momentumValue();
    try (NoGrad ignored = NoGrad.scope()) {
      Tensor m = mean.reshape(channels);
      Tensor v = var.reshape(channels).mul(perChannel / (perChannel - 1.0));
      runningMean.assign(runningMean.mul(1 - momentum).add(m.mul(momentum)));
      runningVar.assign(runningVar.mul(1 - momentum).add(v.mul(momentum)));
      batchesTracked.assign(batchesTracked.add(1.0));
    }
  }

  /** The options this layer was built with. */
  public BatchNormOptions options() {
    return options;
  }

  /** Number of channels (features) normalized, each with its own statistics. */
  public int channels() {
    return channels;
  }

  /** The learned scale {@code [channels]}, starting at 1; null where not affine. */
  public Tensor weight() {
    return weight;
  }

  /** The learned shift {@code [channels]}, starting at 0; null where not affine. */
  public Tensor bias() {
    return bias;
  }

  /**
   * The running mean {@code [channels]} used in evaluation mode (a buffer, not a parameter); null
   * where running statistics are not tracked.
   */
  public Tensor runningMean() {
    return runningMean;
  }

  /** The running unbiased variance {@code [channels]} (a buffer); null where not tracked. */
  public Tensor runningVar() {
    return runningVar;
  }

  /**
   * How many training batches updated the running statistics: FLOAT64 {@code [1]} (a buffer),
   * where PyTorch has an int64 scalar; null where running statistics are not tracked.
   */
  public Tensor numBatchesTracked() {
    return batchesTracked;
  }

  @Override
  public String toString() {
    String o = options.toString();
    return getClass().getSimpleName() + "(" + channels + (o.isEmpty() ? "" : ", " + o) + ")";
  }
}
