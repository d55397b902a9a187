package dev.jgrad.spark;

import java.io.Serializable;

/**
 * One training sample as {@link SparkTrainer} reads it from an RDD: a {@link LabeledSample} (a
 * class label, for classification) or a {@link RegressionSample} (float targets, for
 * regression). Sealed: the trainer packs each kind into its shards itself. One RDD holds one
 * kind, and the loss must fit it.
 */
public sealed interface Sample extends Serializable permits LabeledSample, RegressionSample {
  /** The inputs, e.g. the 784 pixels of an MNIST image; as many in every sample. */
  float[] features();
}
