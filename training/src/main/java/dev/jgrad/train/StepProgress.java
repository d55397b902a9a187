package dev.jgrad.train;

/**
 * Where an epoch's training stands after one optimizer step, as a {@link TrainingListener} hears
 * it. The counts are known on the host. The loss and accuracy stay on the device where the step
 * computed them: reading one waits for the device to finish the queued steps (a host
 * synchronisation on a GPU) and brings every batch so far to the host in one transfer, so read
 * them only when you show them, as {@link ProgressListener} does when its bar redraws.
 *
 * <p>The values describe the epoch up to {@link #batch()}, also when read later in the epoch.
 */
public interface StepProgress {
  /** The epoch, from 1. */
  int epoch();

  /** The batch just trained, from 1. */
  int batch();

  /** The number of batches in the epoch. */
  int batches();

  /** The number of samples in this batch. */
  int batchSize();

  /** This batch's mean loss. Reads the device. */
  double batchLoss();

  /** The mean loss per sample over the epoch's batches so far. Reads the device. */
  double meanLoss();

  /**
   * The fraction of the epoch's samples so far whose highest score was at the target class,
   * scored before the step updated the parameters. Reads the device.
   */
  double accuracy();
}
