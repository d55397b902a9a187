package dev.jgrad.train;

import dev.jgrad.train.report.CsvReport;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;

/**
 * Keeps the metrics of the epochs so far in a checkpoint's string metadata, as the CSV that
 * {@link CsvReport} writes, so that a resumed run's chart and CSV cover the whole run.
 */
final class HistoryMetadata {
  /** The metadata key. */
  static final String KEY = "history";

  private HistoryMetadata() {}

  static String encode(MetricsHistory history) {
    return CsvReport.toCsv(history);
  }

  /** Parses {@link #encode}'s text; fails naming the line when it cannot. */
  static MetricsHistory decode(String csv, String source) {
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
