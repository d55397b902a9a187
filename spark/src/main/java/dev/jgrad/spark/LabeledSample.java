package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One classification sample as {@link SparkTrainer} reads it from an RDD: its features (e.g. the
 * 784 pixels of an MNIST image) and its class label, trained with a classification loss such as
 * {@code Losses::softmaxCrossEntropyLabels}. Java-serialized only on the way into the trainer's
 * shards, which hold a partition's samples as two flat arrays. For float targets see
 * {@link RegressionSample}.
 *
 * <pre>{@code
 * JavaRDD<LabeledSample> samples = rows.map(r -> new LabeledSample(pixels(r), r.getInt(0)));
 * }</pre>
 *
 * @param features the inputs, not copied: do not change the array afterwards
 * @param label the class index, >= 0
 */
public record LabeledSample(float[] features, int label) implements Sample {
  public LabeledSample {
    checkNotNull(features, "features is null; pass the sample's inputs");
    checkArgument(features.length > 0, "a sample needs at least one feature, got none");
    checkArgument(label >= 0, "label %s is negative; pass a class index >= 0", label);
  }
}
