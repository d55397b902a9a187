package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.Tensor;

/**
 * Each batch's mean loss and number of correct predictions during one pass over a dataset, kept
 * on the device that computed them. Recording a batch queues two one-element device copies into
 * per-pass vectors and waits for nothing, so the copied tensors may be released with their step.
 * The host reads the vectors only when a value is asked for, in one download of every batch
 * recorded by then, and sums them in double in batch order: exactly the sums that reading each
 * batch's values right away gave.
 */
final class BatchMetrics implements AutoCloseable {
  /** Hears of the first batch whose loss is not finite, when the losses are read. */
  @FunctionalInterface
  interface NonFiniteLoss {
    /** {@code batch} counts from 1. */
    void found(int batch, double loss);
  }

  private final int capacity;
  private final NonFiniteLoss onNonFinite;
  private final int[] sizes;
  private Backend backend;
  private DeviceBuffer losses;
  private DeviceBuffer correct;
  private DeviceBuffer misfits; // per batch, > 0 where the targets were not one-hot rows
  private DeviceBuffer weights; // per batch, its mean's denominator where the loss gave one
  private final boolean[] weighted; // whether batch i's weight is in `weights` (else its size)
  private boolean unclassified; // a batch whose shapes make accuracy meaningless
  private int recorded;
  // On the host, for the first `read` batches: each batch's values and the running sums after it.
  private final double[] batchLoss;
  private final double[] lossSum;
  private final long[] correctSum;
  private final long[] sampleSum;
  private final double[] weightSum;
  private final boolean[] misfitSeen;
  private int read;
  private boolean closed;

  /** Room for {@code batches} batches; {@code onNonFinite} may throw to stop the pass. */
  BatchMetrics(int batches, NonFiniteLoss onNonFinite) {
    checkArgument(batches >= 0, "batch count must be >= 0, got %s", batches);
    this.capacity = batches;
    this.onNonFinite = onNonFinite;
    this.sizes = new int[batches];
    this.batchLoss = new double[batches];
    this.lossSum = new double[batches + 1];
    this.correctSum = new long[batches + 1];
    this.sampleSum = new long[batches + 1];
    this.misfitSeen = new boolean[batches + 1];
    this.weighted = new boolean[batches];
    this.weightSum = new double[batches + 1];
  }

  /**
   * Records the next batch: its mean {@code loss} and {@code correctCount}, one-element
   * tensors on one backend, or a null count where accuracy means nothing (a regression), and
   * {@code misfit}, null or a one-element tensor that is positive when the targets turned out not
   * to be class rows. Only queues device work.
   */
  void record(Tensor loss, Tensor correctCount, Tensor misfit, int batchSize) {
    record(loss, correctCount, misfit, null, batchSize);
  }

  /**
   * {@link #record(Tensor, Tensor, Tensor, int)} with the batch's weight in the mean loss: what
   * its loss's mean divided by ({@link LossFunction#meanWeight}), a one-element tensor, or null
   * for the batch size.
   */
  void record(Tensor loss, Tensor correctCount, Tensor misfit, Tensor weight, int batchSize) {
    checkState(!closed, "batch metrics already closed");
    checkState(recorded < capacity, "room for %s batches only", capacity);
    checkOneValue(loss);
    if (correctCount == null) {
      correctCount = loss.mul(0.0); // a placeholder; accuracy() is NaN from now on
      unclassified = true;
    }
    checkArgument(correctCount.size() == 1, "the correct count must have one element, got %s",
        correctCount.shape());
    checkArgument(loss.backend() == correctCount.backend(),
        "loss and correct count live on different backends (%s and %s)", loss.backend().name(),
        correctCount.backend().name());
    if (losses == null) { // on the backend (and in the dtypes) the pass runs with
      backend = loss.backend();
      losses = backend.allocate(loss.dtype(), capacity);
      correct = backend.allocate(correctCount.dtype(), capacity);
    }
    if (misfit != null) {
      if (misfits == null) {
        misfits = backend.allocate(misfit.dtype(), capacity);
        backend.fill(misfits, 0);
      }
      backend.copy(misfit.buffer(), 0, misfits, recorded, 1);
    }
    if (weight != null) {
      checkArgument(weight.size() == 1 && weight.backend() == backend, "the loss's mean weight "
          + "must be one value on the loss's backend, got %s on %s", weight.shape(),
          weight.backend().name());
      if (weights == null) {
        weights = backend.allocate(loss.dtype(), capacity);
      }
      backend.copy(weight.to(loss.dtype()).buffer(), 0, weights, recorded, 1);
      weighted[recorded] = true;
    }
    backend.copy(loss.buffer(), 0, losses, recorded, 1);
    backend.copy(correctCount.buffer(), 0, correct, recorded, 1);
    sizes[recorded++] = batchSize;
  }

  /** A loss function must return one value; says so, naming the shape it returned. */
  static void checkOneValue(Tensor loss) {
    checkArgument(loss.size() == 1, "the loss function returned shape %s; a loss must be one "
        + "value (reduce it, e.g. with mean())", loss.shape());
  }

  int recorded() {
    return recorded;
  }

  /** Batch {@code batch}'s (from 1) mean loss. Reads the device if not read yet. */
  double batchLoss(int batch) {
    readUpTo(batch);
    return batchLoss[batch - 1];
  }

  /**
   * The mean loss over the first {@code batches} batches: each batch's loss weighted by its size,
   * or by the weight recorded with it (a batch of weight 0, every label ignored, adds nothing).
   */
  double meanLoss(int batches) {
    readUpTo(batches);
    return lossSum[batches] / weightSum[batches];
  }

  /**
   * The fraction of correct predictions over the first {@code batches} batches, or NaN if
   * accuracy means nothing for them (not class scores against class labels or one-hot rows).
   */
  double accuracy(int batches) {
    readUpTo(batches);
    if (unclassified || misfitSeen[batches]) {
      return Double.NaN;
    }
    return (double) correctSum[batches] / sampleSum[batches];
  }

  /** What a listener sees after batch {@code batch} (from 1) of epoch {@code epoch}. */
  StepProgress progress(int epoch, int batch) {
    int size = sizes[batch - 1];
    return new StepProgress() {
      @Override
      public int epoch() {
        return epoch;
      }

      @Override
      public int batch() {
        return batch;
      }

      @Override
      public int batches() {
        return capacity;
      }

      @Override
      public int batchSize() {
        return size;
      }

      @Override
      public double batchLoss() {
        return BatchMetrics.this.batchLoss(batch);
      }

      @Override
      public double meanLoss() {
        return BatchMetrics.this.meanLoss(batch);
      }

      @Override
      public double accuracy() {
        return BatchMetrics.this.accuracy(batch);
      }
    };
  }

  /** Downloads every batch recorded so far, unless the first {@code batches} are on the host. */
  private void readUpTo(int batches) {
    checkArgument(batches >= 1 && batches <= recorded, "batch %s not recorded; %s are",
        batches, recorded);
    if (batches <= read) {
      return;
    }
    checkState(!closed, "batch metrics closed before batch %s was read", batches);
    double[] l = new double[capacity];
    double[] c = new double[capacity];
    backend.download(losses, l); // waits for the queued steps
    backend.download(correct, c);
    double[] m = new double[capacity];
    if (misfits != null) {
      backend.download(misfits, m);
    }
    double[] w = new double[capacity];
    if (weights != null) {
      backend.download(weights, w);
    }
    for (int i = read; i < recorded; i++) {
      if (!Double.isFinite(l[i])) {
        onNonFinite.found(i + 1, l[i]);
      }
      batchLoss[i] = l[i];
      double weight = weighted[i] ? w[i] : sizes[i];
      lossSum[i + 1] = lossSum[i] + (weight == 0 ? 0 : l[i] * weight);
      weightSum[i + 1] = weightSum[i] + weight;
      correctSum[i + 1] = correctSum[i] + Math.round(c[i]);
      sampleSum[i + 1] = sampleSum[i] + sizes[i];
      misfitSeen[i + 1] = misfitSeen[i] || !(m[i] == 0);
    }
    read = recorded;
  }

  /** Frees the device vectors; what was read stays readable. */
  @Override
  public void close() {
    if (!closed && losses != null) {
      losses.close();
      correct.close();
      if (misfits != null) {
        misfits.close();
      }
      if (weights != null) {
        weights.close();
      }
    }
    closed = true;
  }
}
