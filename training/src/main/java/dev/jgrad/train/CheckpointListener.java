package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.nn.Module;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Saves a {@link Checkpoint} after every epoch (or, made by {@link #best}, after each epoch with
 * the lowest held-out loss so far: the validation set's, or else the test set's), atomically:
 * the model's parameters, the optimizer's state, the epochs completed and, in the metadata, the
 * metrics so far (without their wall times, so that the same seed writes the same bytes), all that
 * {@link Trainer#resumeFrom} needs to continue the run exactly. The output that
 * {@link Trainer.Builder#checkpointTo} adds.
 *
 * <pre>{@code
 * Trainer.builder().model(model).optimizer(optimizer)...
 *     .output(new CheckpointListener(Path.of("out/checkpoint.safetensors"), model, optimizer))
 *     .build();
 * }</pre>
 */
public final class CheckpointListener implements TrainingListener {
  private final Path file;
  private final Module model;
  private final Optimizer optimizer;
  private final boolean bestOnly;
  private final Supplier<Map<String, String>> extra;

  /** Saves {@code model} and {@code optimizer}, those the trainer trains, to {@code file}. */
  public CheckpointListener(Path file, Module model, Optimizer optimizer) {
    this(file, model, optimizer, false);
  }

  /**
   * Saves them to {@code file} only after an epoch whose held-out loss is the lowest so far
   * ({@link MetricsHistory#bestTestLoss}): the best model by the held-out data. The output that
   * {@link Trainer.Builder#bestCheckpointTo} adds.
   */
  public static CheckpointListener best(Path file, Module model, Optimizer optimizer) {
    return new CheckpointListener(file, model, optimizer, true);
  }

  private CheckpointListener(Path file, Module model, Optimizer optimizer, boolean bestOnly) {
    this(file, model, optimizer, bestOnly, Map::of);
  }

  /** The Trainer's: {@code extra} adds metadata (the held-out set's fingerprint) to each save. */
  CheckpointListener(Path file, Module model, Optimizer optimizer, boolean bestOnly,
      Supplier<Map<String, String>> extra) {
    this.extra = checkNotNull(extra, "extra metadata is null");
    this.bestOnly = bestOnly;
    this.file = checkNotNull(file, "checkpoint file is null; pass e.g. out/checkpoint.safetensors");
    this.model = checkNotNull(model, "model is null");
    this.optimizer = checkNotNull(optimizer, "optimizer is null; without its state a checkpoint"
        + " cannot resume training (Checkpoint.save keeps parameters alone)");
  }

  @Override
  public void onEpochEnd(EpochMetrics metrics, MetricsHistory history) throws IOException {
    if (bestOnly && history.bestTestLoss().filter(best -> best == metrics).isEmpty()) {
      return;
    }
    // The trainer numbers epochs on from those of a resumed checkpoint: this one's number is the
    // count of epochs completed.
    save(metrics, history);
  }

  /**
   * A run resumed into another folder with no epoch left to train ended none, so saved nothing:
   * the state it was given is saved there, so that the folder holds the run's result as its chart
   * and CSV do. (Had an epoch ended, the file would exist.)
   */
  @Override
  public void onTrainingEnd(MetricsHistory history) throws IOException {
    if (!bestOnly && !history.isEmpty() && !Files.exists(file)) {
      save(history.last(), history);
    }
  }

  private void save(EpochMetrics metrics, MetricsHistory history) throws IOException {
    Map<String, String> metadata = new HashMap<>(extra.get());
    metadata.put(HistoryMetadata.KEY, HistoryMetadata.encode(history));
    Checkpoint.save(file, model, optimizer, metrics.epoch(), metadata);
  }
}
