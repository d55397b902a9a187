package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/**
 * Where a round falls in epochs: the samples trained on up to its end over the training set's
 * size. Each partition's steps follow from its shard alone ({@link ShardSchedule}: passes of
 * full batches and a short last one), so the count depends on the round number only, and a
 * resumed run, whose history holds no sample counts, gets the same values.
 */
final class RoundEpochs {
  private final int[] shardSizes;
  private final int batchSize;
  private final int localSteps;
  private final long total;

  RoundEpochs(List<ShardInfo> shards, int batchSize, int localSteps) {
    this.shardSizes = shards.stream().mapToInt(ShardInfo::size).toArray();
    this.batchSize = batchSize;
    this.localSteps = localSteps;
    long sum = 0;
    for (int size : shardSizes) {
      sum += size;
    }
    this.total = sum;
    checkArgument(total > 0, "no samples");
  }

  /** Samples trained on, over all partitions, from the first round to the end of {@code round}. */
  long samplesAfter(int round) {
    long steps = (long) round * localSteps;
    long samples = 0;
    for (int size : shardSizes) {
      if (size == 0) {
        continue;
      }
      int perPass = ShardSchedule.batchesPerPass(size, batchSize);
      samples += steps / perPass * size + Math.min(size, steps % perPass * batchSize);
    }
    return samples;
  }

  /** Epochs trained by the end of {@code round}: 1.0 once as many samples as the data holds. */
  double after(int round) {
    return (double) samplesAfter(round) / total;
  }
}
