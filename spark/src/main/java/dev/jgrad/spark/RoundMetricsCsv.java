package dev.jgrad.spark;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.jgrad.io.AtomicFiles;
import dev.jgrad.train.TrainingListener;
import dev.jgrad.train.report.CsvReport;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;

/**
 * metrics.csv of a {@link SparkTrainer}: the {@code Trainer}'s columns ({@link CsvReport}), a row
 * per round, with {@code epoch} holding the epochs trained by the round's end (samples seen over
 * the training set's size, {@link RoundEpochs}) and the round inserted as {@code round} before
 * the last, {@code learning_rate}, so that each column keeps the place it had before the rate
 * was added:
 *
 * <pre>
 * epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,round,learning_rate
 * 0.012500,2.321000,0.120000,,,4.400,1,0.1
 * </pre>
 *
 * Readers of the columns by name or position read what they did, but {@code epoch}, which held
 * the round number, now holds what its name says.
 */
final class RoundMetricsCsv implements TrainingListener {
  /** The header line of a run measured on a test set. */
  static final String HEADER = withRound(CsvReport.HEADER, "round");

  private final Path file;
  private final RoundEpochs epochs;

  RoundMetricsCsv(Path file, RoundEpochs epochs) {
    this.file = file;
    this.epochs = epochs;
  }

  @Override
  public void onEpochEnd(EpochMetrics metrics, MetricsHistory history) throws IOException {
    write(history);
  }

  /** Again at the end: a run resumed after its last round trains none, and still gets its CSV. */
  @Override
  public void onTrainingEnd(MetricsHistory history) throws IOException {
    if (!history.isEmpty()) {
      write(history);
    }
  }

  private void write(MetricsHistory history) throws IOException {
    byte[] csv = toCsv(history, epochs).getBytes(UTF_8);
    AtomicFiles.write(file, out -> out.write(csv));
  }

  /**
   * {@link CsvReport}'s text, each row's first field (the round) made its epochs, and the round
   * before the last field.
   */
  static String toCsv(MetricsHistory history, RoundEpochs epochs) {
    String[] lines = CsvReport.toCsv(history).split("\n");
    StringBuilder sb = new StringBuilder(withRound(lines[0], "round")).append('\n');
    for (int i = 1; i < lines.length; i++) {
      int comma = lines[i].indexOf(',');
      int round = Integer.parseInt(lines[i].substring(0, comma));
      sb.append(BigDecimal.valueOf(epochs.after(round)).setScale(6, RoundingMode.HALF_UP)
              .toPlainString())
          .append(withRound(lines[i].substring(comma), Integer.toString(round))).append('\n');
    }
    return sb.toString();
  }

  /** {@code line} with {@code round} inserted as the field before its last. */
  private static String withRound(String line, String round) {
    int last = line.lastIndexOf(',');
    return line.substring(0, last) + "," + round + line.substring(last);
  }
}
