package dev.jgrad.train.report;

import static com.google.common.base.Preconditions.checkNotNull;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.jgrad.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a {@link MetricsHistory} as CSV, one row per epoch, atomically (a reader never sees half
 * a file, so it is safe to rewrite after every epoch while a notebook polls it):
 *
 * <pre>
 * epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,learning_rate
 * 1,0.421337,0.881200,0.310200,0.910300,12.512,0.001
 * </pre>
 *
 * The held-out columns are {@code val_loss,val_accuracy} where the history was measured on a
 * validation split ({@link HeldOut}). {@code learning_rate} ({@link EpochMetrics#learningRate}:
 * the rate of the epoch's last step) is written exactly, the shortest decimal that reads back as
 * the rate; it is the last column, added on 2026-12-08, so readers of the six before it read
 * them where they were. It is empty where not known: the epochs a resumed run restored from its
 * checkpoint (as their seconds are).
 *
 * A history that measured the training set in evaluation mode after its epochs
 * ({@code Trainer.Builder.evaluateTrainingSet}) has two more columns after it,
 * {@value #TRAIN_EVAL_LOSS} and {@value #TRAIN_EVAL_ACCURACY} (the book's "train acc"); the
 * {@code train_} columns before them stay the running means over the epoch in training mode
 * ({@link EpochMetrics#trainAccuracy}). A history without them writes the seven columns as
 * before.
 *
 * Unmeasured metrics (NaN) are empty fields; infinities are {@code inf} / {@code -inf}; numbers
 * use '.' whatever the locale. Loads with {@code pandas.read_csv} as is.
 *
 * <pre>{@code
 * CsvReport.write(Path.of("out/metrics.csv"), history);
 * }</pre>
 */
public final class CsvReport {
  /** The name of the last column: the learning rate of each epoch's last step. */
  public static final String LEARNING_RATE = "learning_rate";
  /** The loss of the training set measured in evaluation mode after the epoch. */
  public static final String TRAIN_EVAL_LOSS = "train_eval_loss";
  /** The accuracy of the training set measured in evaluation mode after the epoch. */
  public static final String TRAIN_EVAL_ACCURACY = "train_eval_accuracy";
  /** The header line, without line break, of a history measured on a test set. */
  public static final String HEADER = header(HeldOut.TEST);

  private CsvReport() {}

  /** Replaces {@code file} with the CSV of {@code history}, atomically. */
  public static void write(Path file, MetricsHistory history) throws IOException {
    checkNotNull(file, "file is null; pass the CSV path, e.g. out/metrics.csv");
    String csv = toCsv(history);
    AtomicFiles.write(file, out -> out.write(csv.getBytes(UTF_8)));
  }

  /** The CSV text: header and one line per epoch, each ending in '\n'. */
  public static String toCsv(MetricsHistory history) {
    checkNotNull(history, "history is null");
    boolean trainEval = history.epochs().stream().anyMatch(EpochMetrics::hasTrainEval);
    StringBuilder sb = new StringBuilder(header(history.heldOut()));
    if (trainEval) {
      sb.append(',').append(TRAIN_EVAL_LOSS).append(',').append(TRAIN_EVAL_ACCURACY);
    }
    sb.append('\n');
    for (EpochMetrics m : history.epochs()) {
      sb.append(m.epoch())
          .append(',').append(number(m.trainLoss(), 6))
          .append(',').append(number(m.trainAccuracy(), 6))
          .append(',').append(number(m.testLoss(), 6))
          .append(',').append(number(m.testAccuracy(), 6))
          .append(',').append(number(m.seconds(), 3))
          .append(',').append(Double.isNaN(m.learningRate()) ? ""
              : Decimals.shortest(m.learningRate()));
      if (trainEval) {
        sb.append(',').append(number(m.trainEvalLoss(), 6))
            .append(',').append(number(m.trainEvalAccuracy(), 6));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * The header line of a history held out on {@code heldOut}: {@code test_loss, test_accuracy}
   * or, for a validation split, {@code val_loss, val_accuracy} (Keras's names), and last
   * {@value #LEARNING_RATE}.
   */
  public static String header(HeldOut heldOut) {
    return measuresHeader(heldOut) + "," + LEARNING_RATE;
  }

  /**
   * The columns before {@value #LEARNING_RATE}: the measures of each epoch and its seconds, the
   * columns a checkpoint's history keeps.
   */
  public static String measuresHeader(HeldOut heldOut) {
    String h = heldOut.shortLabel();
    return "epoch,train_loss,train_accuracy," + h + "_loss," + h + "_accuracy,seconds";
  }

  private static String number(double value, int decimals) {
    if (Double.isNaN(value)) {
      return "";
    } else if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    return Decimals.fixed(value, decimals);
  }
}
