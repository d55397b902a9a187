package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.train.report.CsvReport;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes the metrics of every epoch so far as CSV ({@link CsvReport}) after each epoch,
 * atomically, so the file is current while training runs. The output that
 * {@link Trainer.Builder#csvTo} and {@link Trainer.Builder#reportTo} add.
 *
 * <pre>{@code
 * Trainer.builder()...output(new CsvReportListener(Path.of("out/metrics.csv"))).build();
 * }</pre>
 */
public final class CsvReportListener implements TrainingListener {
  private final Path file;

  /** Writes to {@code file} (e.g. out/metrics.csv), replacing it after each epoch. */
  public CsvReportListener(Path file) {
    this.file = checkNotNull(file, "CSV file is null; pass e.g. out/metrics.csv");
  }

  @Override
  public void onEpochEnd(EpochMetrics metrics, MetricsHistory history) throws IOException {
    CsvReport.write(file, history);
  }

  /** Again at the end: a run resumed after its last epoch trains none, and still gets its CSV. */
  @Override
  public void onTrainingEnd(MetricsHistory history) throws IOException {
    if (!history.isEmpty()) {
      CsvReport.write(file, history);
    }
  }
}
