package dev.jgrad.train;

import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;

/**
 * Hears what a {@link Trainer} does, e.g. to draw a progress bar, log, write files, or stop early
 * by throwing. Every method has an empty default; epochs are numbered from 1. An exception ends
 * {@link Trainer#fit}, an IOException (a file a listener writes) as itself.
 */
public interface TrainingListener {
  /** Before epoch {@code epoch} of {@code epochs}, which has {@code batches} batches. */
  default void onEpochStart(int epoch, int epochs, int batches, int samples) {}

  /**
   * After each optimizer step. Reading the loss or accuracy from {@code progress} waits for the
   * device, so read them only when you show them.
   */
  default void onBatchEnd(StepProgress progress) {}

  /**
   * After each optimizer step: batch number {@code batch} (from 1, of {@code batches}) of
   * {@code batchSize} samples had mean loss {@code batchLoss}. Called, after
   * {@link #onBatchEnd(StepProgress)}, only on listeners that override it.
   *
   * @deprecated the loss is read from the device for every batch, a host synchronisation per
   *     step on a GPU; override {@link #onBatchEnd(StepProgress)} and read it when needed.
   */
  @Deprecated
  default void onBatchEnd(int epoch, int batch, int batches, int batchSize, double batchLoss) {}

  /** After an epoch's training and evaluation, with the history including it. */
  default void onEpochEnd(EpochMetrics metrics, MetricsHistory history) throws IOException {}

  /** After the last epoch. */
  default void onTrainingEnd(MetricsHistory history) throws IOException {}
}
