package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * What partitions send back from a round, and what {@code treeAggregate} merges: the parameters
 * and optimizer state after the round, averaged so far weighted by the samples each partition
 * trained on, with the loss and correct-count sums and the slowest partition's compute time. An
 * empty partition's result weighs 0 and changes nothing when merged.
 */
final class PartitionResult implements Serializable {
  private static final long serialVersionUID = 1L;

  long samples;
  PackedTensors model;
  PackedTensors state;
  HashMap<String, String> counters;
  double lossSum;
  long correct;
  long computeNanos;
  int partitions;

  /** The zero of the aggregation: nothing trained. */
  static PartitionResult empty() {
    return new PartitionResult();
  }

  static PartitionResult of(long samples, PackedTensors model, PackedTensors state,
      Map<String, String> counters, double lossSum, long correct, long computeNanos) {
    PartitionResult r = new PartitionResult();
    r.samples = samples;
    r.model = model;
    r.state = state;
    r.counters = new HashMap<>(counters);
    r.lossSum = lossSum;
    r.correct = correct;
    r.computeNanos = computeNanos;
    r.partitions = 1;
    return r;
  }

  /**
   * Folds {@code other} into this one (Spark allows the aggregation to change its first argument)
   * and returns this: the weighted mean of the arrays, sums of the rest.
   */
  PartitionResult merge(PartitionResult other) {
    if (other.samples == 0) {
      return this;
    }
    if (samples == 0) {
      return other;
    }
    checkArgument(counters.equals(other.counters), "SparkTrainer: two partitions ended a round"
        + " with different optimizer counters, %s and %s; every partition must take the same"
        + " number of local steps", counters, other.counters);
    double total = samples + other.samples;
    double a = samples / total;
    double b = other.samples / total;
    model.weightedMean(other.model, a, b);
    state.weightedMean(other.state, a, b);
    samples += other.samples;
    lossSum += other.lossSum;
    correct += other.correct;
    computeNanos = Math.max(computeNanos, other.computeNanos);
    partitions += other.partitions;
    return this;
  }
}
