package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which samples of a shard local step {@code step} (counted from the start of training, across
 * rounds) uses: each pass over the shard is a fresh permutation drawn from the seed, the
 * partition and the pass number, cut into consecutive batches (the last one short when the
 * batch size does not divide the shard). Depending on nothing else, a resumed run and a retried
 * task see the same batches as a run that never stopped.
 */
final class ShardSchedule {
  /** Spreads pass and partition numbers over the seed space (the 64-bit golden ratio). */
  private static final long STRIDE = 0x9E3779B97F4A7C15L;

  private final int shardSize;
  private final int batchSize;
  private final long seed;
  private final int partition;
  private long cachedPass = -1;
  private int[] cachedOrder;

  ShardSchedule(int shardSize, int batchSize, long seed, int partition) {
    checkArgument(shardSize > 0 && batchSize > 0, "shard size %s and batch size %s",
        shardSize, batchSize);
    this.shardSize = shardSize;
    this.batchSize = batchSize;
    this.seed = seed;
    this.partition = partition;
  }

  /** Batches per pass over the shard. */
  static int batchesPerPass(int shardSize, int batchSize) {
    return (shardSize + batchSize - 1) / batchSize;
  }

  /** The shard indices of local step {@code step} (from 0). */
  int[] batch(long step) {
    int perPass = batchesPerPass(shardSize, batchSize);
    long pass = step / perPass;
    int index = (int) (step % perPass);
    int[] order = order(pass);
    int from = index * batchSize;
    return Arrays.copyOfRange(order, from, Math.min(shardSize, from + batchSize));
  }

  private int[] order(long pass) {
    if (pass != cachedPass) {
      int[] order = new int[shardSize];
      Arrays.setAll(order, i -> i);
      SplittableRandom random =
          new SplittableRandom(seed + pass * STRIDE + (partition + 1L) * STRIDE * STRIDE);
      for (int i = order.length - 1; i > 0; i--) { // Fisher-Yates
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      cachedPass = pass;
      cachedOrder = order;
    }
    return cachedOrder;
  }
}
