package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;

/**
 * One partition's samples as flat arrays ({@code size * features} floats, and {@code size}
 * labels or {@code size * targets} regression targets): what {@link SparkTrainer} caches on the
 * executors, built once from the {@link Sample}s, so a round ships no samples at all. An empty
 * partition is a shard of size 0, which trains nothing and weighs nothing in the average.
 */
final class Shard implements Serializable {
  private static final long serialVersionUID = 2L;

  private final int partition;
  private final int size;
  private final SampleKind kind; // null for an empty shard
  private final int features;
  private final float[] inputs;
  private final int[] labels; // LABELED
  private final int targetsPerSample; // REGRESSION, else 0
  private final float[] targets; // REGRESSION

  private Shard(int partition, int size, SampleKind kind, int features, float[] inputs,
      int[] labels, int targetsPerSample, float[] targets) {
    this.partition = partition;
    this.size = size;
    this.kind = kind;
    this.features = features;
    this.inputs = inputs;
    this.labels = labels;
    this.targetsPerSample = targetsPerSample;
    this.targets = targets;
  }

  /**
   * Packs partition {@code partition}'s samples; fails on samples of another kind, or of other
   * feature or target counts, than the partition's first.
   */
  static Shard of(int partition, Iterator<? extends Sample> samples) {
    SampleKind kind = null;
    int features = 0;
    int width = 0;
    int capacity = 0;
    float[] x = new float[0];
    int[] y = new int[0];
    float[] t = new float[0];
    int n = 0;
    while (samples.hasNext()) {
      Sample s = samples.next();
      if (n == 0) {
        kind = SampleKind.of(s);
        features = s.features().length;
        width = s instanceof RegressionSample r ? r.targets().length : 0;
      }
      checkArgument(SampleKind.of(s) == kind, "SparkTrainer: sample %s of partition %s is a %s"
          + " but the partition's first is a %s; pass samples of one kind", n, partition,
          SampleKind.of(s), kind);
      checkArgument(s.features().length == features, "SparkTrainer: sample %s of partition %s"
          + " has %s features but the partition's first has %s; every sample needs as many",
          n, partition, s.features().length, features);
      if (n == capacity) {
        capacity = Math.max(16, 2 * capacity);
        x = Arrays.copyOf(x, capacity * features);
        y = kind == SampleKind.LABELED ? Arrays.copyOf(y, capacity) : y;
        t = Arrays.copyOf(t, capacity * width);
      }
      System.arraycopy(s.features(), 0, x, n * features, features);
      if (s instanceof RegressionSample r) {
        checkArgument(r.targets().length == width, "SparkTrainer: sample %s of partition %s has"
            + " %s targets but the partition's first has %s; every RegressionSample needs as"
            + " many as the model has outputs", n, partition, r.targets().length, width);
        System.arraycopy(r.targets(), 0, t, n * width, width);
      } else {
        y[n] = ((LabeledSample) s).label();
      }
      n++;
    }
    return new Shard(partition, n, kind, features, Arrays.copyOf(x, n * features),
        kind == SampleKind.LABELED ? Arrays.copyOf(y, n) : null, width,
        kind == SampleKind.REGRESSION ? Arrays.copyOf(t, n * width) : null);
  }

  int partition() {
    return partition;
  }

  int size() {
    return size;
  }

  /** The kind of samples held; null for an empty shard. */
  SampleKind kind() {
    return kind;
  }

  /** Features per sample; 0 for an empty shard. */
  int features() {
    return features;
  }

  /** Targets per regression sample; 0 for labels or an empty shard. */
  int targetsPerSample() {
    return targetsPerSample;
  }

  /** What the driver checks before the first round: no samples to ship, only their sizes. */
  ShardInfo info() {
    return new ShardInfo(partition, size, kind, features, targetsPerSample);
  }

  /** The inputs {@code [size, features]} on the current backend, in {@code dtype}. */
  Tensor inputs(DType dtype) {
    return Tensor.of(inputs, size, features).to(dtype);
  }

  /**
   * The targets on the current backend: INT32 labels {@code [size]}, or regression targets
   * {@code [size, targets]} in {@code dtype} (the model's, as the loss needs).
   */
  Tensor targets(DType dtype) {
    return kind == SampleKind.LABELED ? Tensor.indices(labels)
        : Tensor.of(targets, size, targetsPerSample).to(dtype);
  }
}
