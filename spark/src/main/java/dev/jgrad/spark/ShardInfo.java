package dev.jgrad.spark;

import java.io.Serializable;

/**
 * What a {@link Shard} holds, without its samples: what the driver collects once, to check that
 * every partition's samples are of one kind and size, and that the loss fits them.
 *
 * @param partition the partition's index
 * @param size its samples; 0 for an empty partition
 * @param kind their kind; null for an empty partition
 * @param features features per sample
 * @param targets targets per regression sample; 0 for labels
 */
record ShardInfo(int partition, int size, SampleKind kind, int features, int targets)
    implements Serializable {}
