package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.data.Permutations;
import dev.jgrad.data.Seeds;
import java.util.Arrays;

/**
 * Which samples of a shard local step {@code step} (counted from the start of training, across
 * rounds) uses: each pass over the shard is a fresh permutation drawn from the seed, the
 * partition and the pass number, cut into consecutive batches (the last one short when the
 * batch size does not divide the shard). Depending on nothing else, a resumed run and a retried
 * task see the same batches as a run that never stopped.
 */
final class ShardSchedule {
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
      // hashed, so that no pass's or partition's stream is another's shifted by a few draws
      cachedOrder = Permutations.shuffled(shardSize, Seeds.derive(seed, partition, pass));
      cachedPass = pass;
    }
    return cachedOrder;
  }
}
