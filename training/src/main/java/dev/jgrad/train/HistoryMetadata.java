package dev.jgrad.train;

import dev.jgrad.train.report.CsvReport;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.HeldOut;
import dev.jgrad.train.report.MetricsHistory;

/**
 * Keeps the metrics of the epochs so far in a checkpoint's string metadata, in the columns of the
 * CSV that {@link CsvReport} writes but with every value exact ({@link Double#toString}; older
 * checkpoints hold the CSV's six decimals) and without its last column, the learning rate (kept
 * out so that checkpoints stay the bytes they were), so that a resumed run's chart and CSV cover
 * the whole run and its early stopping compares the same losses as the run that never stopped. The wall
 * times are left out (empty fields, NaN when read back): they differ run to run, and two runs
 * with the same seed must write byte-identical checkpoints. metrics.csv keeps them. Public for
 * trainers in other modules (jgrad-spark's) that write the same checkpoints.
 */
public final class HistoryMetadata {
  /** The metadata key. */
  public static final String KEY = "history";
  /**
   * The key of the held-out set's {@link dev.jgrad.data.Dataset#fingerprint}, so that a resumed
   * run is measured on the samples the history was.
   */
  public static final String HELD_OUT_KEY = "held_out";

  private HistoryMetadata() {}

  /** The epochs of {@code history} as CSV text for the metadata value, wall times left out. */
  public static String encode(MetricsHistory history) {
    // the header names the held-out set (test_loss or val_loss), so a resumed run can check it
    StringBuilder sb = new StringBuilder(CsvReport.measuresHeader(history.heldOut()))
        .append('\n');
    for (EpochMetrics m : history.epochs()) {
      sb.append(m.epoch()).append(',').append(exact(m.trainLoss()))
          .append(',').append(exact(m.trainAccuracy())).append(',').append(exact(m.testLoss()))
          .append(',').append(exact(m.testAccuracy())).append(",\n");
    }
    return sb.toString();
  }

  /** The shortest text that parses back to {@code v}; NaN empty, infinities as the CSV's. */
  private static String exact(double v) {
    if (Double.isNaN(v)) {
      return "";
    }
    return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : Double.toString(v);
  }

  /**
   * Parses {@link #encode}'s text; fails naming the line when it cannot. Older checkpoints'
   * wall times are read as written.
   */
  public static MetricsHistory decode(String csv, String source) {
    String[] lines = csv.split("\n");
    HeldOut heldOut = null;
    for (HeldOut h : HeldOut.values()) {
      if (lines.length > 0 && lines[0].equals(CsvReport.measuresHeader(h))) {
        heldOut = h;
      }
    }
    if (heldOut == null) {
      throw new IllegalArgumentException(source + ": metadata '" + KEY + "' does not start with"
          + " the header " + CsvReport.measuresHeader(HeldOut.TEST) + " (or its val_ columns)");
    }
    MetricsHistory history = new MetricsHistory(heldOut);
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",", -1);
      try {
        if (f.length != 6) {
          throw new NumberFormatException("expected 6 fields, found " + f.length);
        }
        history.add(new EpochMetrics(Integer.parseInt(f[0]), number(f[1]), number(f[2]),
            number(f[3]), number(f[4]), number(f[5])));
      } catch (IllegalArgumentException e) { // NumberFormatException included
        throw new IllegalArgumentException(source + ": line " + (i + 1) + " of metadata '" + KEY
            + "' is not a metrics row (" + e.getMessage() + "): " + lines[i], e);
      }
    }
    return history;
  }

  private static double number(String field) {
    switch (field) {
      case "":
        return Double.NaN;
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble(field);
    }
  }
}
