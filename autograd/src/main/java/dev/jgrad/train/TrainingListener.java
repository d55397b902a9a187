package dev.jgrad.train;

import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;

/**
 * Hears what a {@link Trainer} does, e.g. to draw a progress bar, log, or stop early by throwing.
 * Every method has an empty default; epochs are numbered from 1.
 */
public interface TrainingListener {
  /** Before epoch {@code epoch} of {@code epochs}, which has {@code batches} batches. */
  default void onEpochStart(int epoch, int epochs, int batches, int samples) {}

  /**
   * After each optimizer step: batch number {@code batch} (from 1, of {@code batches}) of
   * {@code batchSize} samples had mean loss {@code batchLoss}.
   */
  default void onBatchEnd(int epoch, int batch, int batches, int batchSize, double batchLoss) {}

  /** After an epoch's training and evaluation, with the history including it. */
  default void onEpochEnd(EpochMetrics metrics, MetricsHistory history) {}

  /** After the last epoch. */
  default void onTrainingEnd(MetricsHistory history) {}
}
