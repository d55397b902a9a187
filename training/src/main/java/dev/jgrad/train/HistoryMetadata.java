package dev.jgrad.train;

import dev.jgrad.train.report.CsvReport;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;

/**
 * Keeps the metrics of the epochs so far in a checkpoint's string metadata, as the CSV that
 * {@link CsvReport} writes, so that a resumed run's chart and CSV cover the whole run. The wall
 * times are left out (empty fields, NaN when read back): they differ run to run, and two runs
 * with the same seed must write byte-identical checkpoints. metrics.csv keeps them. Public for
 * trainers in other modules (jgrad-spark's) that write the same checkpoints.
 */
public final class HistoryMetadata {
  /** The metadata key. */
  public static final String KEY = "history";

  private HistoryMetadata() {}

  /** The epochs of {@code history} as CSV text for the metadata value, wall times left out. */
  public static String encode(MetricsHistory history) {
    MetricsHistory timeless = new MetricsHistory();
    for (EpochMetrics m : history.epochs()) {
      timeless.add(new EpochMetrics(m.epoch(), m.trainLoss(), m.trainAccuracy(), m.testLoss(),
          m.testAccuracy(), Double.NaN));
    }
    return CsvReport.toCsv(timeless);
  }

  /**
   * Parses {@link #encode}'s text; fails naming the line when it cannot. Older checkpoints'
   * wall times are read as written.
   */
  public static MetricsHistory decode(String csv, String source) {
    MetricsHistory history = new MetricsHistory();
    String[] lines = csv.split("\n");
    if (lines.length == 0 || !lines[0].equals(CsvReport.HEADER)) {
      throw new IllegalArgumentException(source + ": metadata '" + KEY + "' does not start with"
          + " the header " + CsvReport.HEADER);
    }
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
