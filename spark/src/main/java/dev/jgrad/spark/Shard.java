package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;

/**
 * One partition's samples as two flat arrays ({@code size * features} floats, {@code size}
 * labels): what {@link SparkTrainer} caches on the executors, built once from the
 * {@link LabeledSample}s, so a round ships no samples at all. An empty partition is a shard of
 * size 0, which trains nothing and weighs nothing in the average.
 */
final class Shard implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int partition;
  private final int features;
  private final float[] inputs;
  private final int[] labels;

  Shard(int partition, int features, float[] inputs, int[] labels) {
    this.partition = partition;
    this.features = features;
    this.inputs = inputs;
    this.labels = labels;
  }

  /** Packs partition {@code partition}'s samples; fails if their feature counts differ. */
  static Shard of(int partition, Iterator<LabeledSample> samples) {
    float[] x = new float[0];
    int[] y = new int[16];
    int n = 0;
    int features = 0;
    while (samples.hasNext()) {
      LabeledSample s = samples.next();
      if (n == 0) {
        features = s.features().length;
        x = new float[16 * features];
      }
      checkArgument(s.features().length == features, "SparkTrainer: sample %s of partition %s"
          + " has %s features but the partition's first has %s; every sample needs as many",
          n, partition, s.features().length, features);
      if (n == y.length) {
        y = Arrays.copyOf(y, 2 * n);
        x = Arrays.copyOf(x, 2 * n * features);
      }
      System.arraycopy(s.features(), 0, x, n * features, features);
      y[n++] = s.label();
    }
    return new Shard(partition, features, Arrays.copyOf(x, n * features), Arrays.copyOf(y, n));
  }

  int partition() {
    return partition;
  }

  int size() {
    return labels.length;
  }

  /** Features per sample; 0 for an empty shard. */
  int features() {
    return features;
  }

  float[] inputs() {
    return inputs;
  }

  int[] labels() {
    return labels;
  }
}
