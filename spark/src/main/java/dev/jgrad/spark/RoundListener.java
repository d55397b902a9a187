package dev.jgrad.spark;

import java.io.IOException;

/**
 * Hears each round of a {@link SparkTrainer}, with its timings; the per-epoch listeners of the
 * {@code Trainer} ({@link dev.jgrad.train.TrainingListener}) hear each round as an epoch.
 */
@FunctionalInterface
public interface RoundListener {
  /** Called on the driver after each round's averaging, in round order. */
  void onRoundEnd(RoundMetrics metrics) throws IOException;
}
