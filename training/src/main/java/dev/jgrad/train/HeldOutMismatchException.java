package dev.jgrad.train;

/**
 * A checkpoint's history was measured on other held-out samples than the run resuming it would
 * measure (another split of the training data, or other data), so {@link Trainer#resumeFrom}
 * refuses it rather than mix two sets' losses in one history. Its own type, so that a command
 * line can say which of its options to give as before.
 */
public final class HeldOutMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  HeldOutMismatchException(String message) {
    super(message);
  }
}
