package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One regression sample as {@link SparkTrainer} reads it from an RDD: its features and the
 * values the model should output for them, trained with a regression loss such as
 * {@code Losses::meanSquaredError}. Every sample has as many targets as the model has outputs;
 * a batch's targets are {@code [batch, targets]} in the model's dtype.
 *
 * <pre>{@code
 * JavaRDD<RegressionSample> samples = rows.map(r -> new RegressionSample(inputs(r), outputs(r)));
 * }</pre>
 *
 * @param features the inputs, not copied: do not change the array afterwards
 * @param targets the expected outputs, at least one; not copied either
 */
public record RegressionSample(float[] features, float[] targets) implements Sample {
  public RegressionSample {
    checkNotNull(features, "features is null; pass the sample's inputs");
    checkArgument(features.length > 0, "a sample needs at least one feature, got none");
    checkNotNull(targets, "targets is null; pass the outputs expected for the features");
    checkArgument(targets.length > 0, "a regression sample needs at least one target, got none");
  }
}
