package dev.jgrad.spark;

import java.io.Serializable;
import java.util.List;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * A round's task as the Scala function that {@code RDDBarrier.mapPartitions} takes (Spark's Java
 * API has no barrier variant): the partition's one shard in, its result out.
 */
final class BarrierRound extends AbstractFunction1<Iterator<Shard>, Iterator<PartitionResult>>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  private final RoundTask task;

  BarrierRound(RoundTask task) {
    this.task = task;
  }

  @Override
  public Iterator<PartitionResult> apply(Iterator<Shard> shards) {
    PartitionResult result = PartitionResult.empty();
    while (shards.hasNext()) {
      result = result.merge(task.run(shards.next()));
    }
    return CollectionConverters.asScala(List.of(result).iterator());
  }
}
