package dev.jgrad.train.report;

/**
 * What the held-out set evaluated after each epoch is, so that logs, CSV and chart call it by its
 * name: the test set, or a validation split of the training data (the book's 6.5.1: tuned on,
 * so not a measure of how the model generalizes).
 */
public enum HeldOut {
  /** Data the model and its settings never saw: the columns {@code test_loss, test_accuracy}. */
  TEST("test", "test"),
  /** A split of the training data, for early stopping and tuning: {@code val_loss, ...}. */
  VALIDATION("validation", "val");

  private final String label;
  private final String shortLabel;

  HeldOut(String label, String shortLabel) {
    this.label = label;
    this.shortLabel = shortLabel;
  }

  /** The chart legend's word: {@code test} or {@code validation}. */
  public String label() {
    return label;
  }

  /** The log's and the CSV columns' word, as Keras writes it: {@code test} or {@code val}. */
  public String shortLabel() {
    return shortLabel;
  }
}
