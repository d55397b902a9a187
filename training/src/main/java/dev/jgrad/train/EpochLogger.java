package dev.jgrad.train;

import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.HeldOut;
import dev.jgrad.train.report.MetricsHistory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one INFO line per epoch: training and test loss and accuracy, the learning rate of the
 * epoch's last step ({@link EpochMetrics#learningRate}, to four significant digits) and the
 * epoch's time.
 *
 * <pre>
 * epoch  3/20  train loss 0.2153 acc 93.81%  test loss 0.2409 acc 92.95%  lr 0.1  0.9 s
 * epoch  3/20  train loss 0.2153 acc 93.81%  val loss 0.2409 acc 92.95%  lr 0.0009755  0.9 s
 * </pre>
 *
 * The second is measured on a validation split, under a cosine schedule. Where the trainer also
 * measured the training set in evaluation mode after the epoch
 * ({@code Trainer.Builder.evaluateTrainingSet}), that follows the training figures, which stay
 * the running means over the epoch in training mode:
 *
 * <pre>
 * epoch  3/20  train loss 0.9153 acc 61.81%  train (eval mode) loss 0.6712 acc 75.33%  test ...
 * </pre>
 */
public final class EpochLogger implements TrainingListener {
  private static final Logger log = LoggerFactory.getLogger(EpochLogger.class);

  private int epochs;

  @Override
  public void onEpochStart(int epoch, int epochs, int batches, int samples) {
    this.epochs = epochs;
  }

  @Override
  public void onEpochEnd(EpochMetrics m, MetricsHistory history) {
    log.info(format(m, epochs, history.heldOut()));
  }

  /** The line logged for {@code m}, measured on a test set. */
  public static String format(EpochMetrics m, int epochs) {
    return format(m, epochs, HeldOut.TEST);
  }

  /** The line logged for {@code m}: "test loss", or "val loss" for a validation split. */
  public static String format(EpochMetrics m, int epochs, HeldOut heldOut) {
    int width = Integer.toString(Math.max(epochs, m.epoch())).length();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "epoch %" + width + "d/%d  train loss %.4f", m.epoch(), epochs, m.trainLoss()));
    appendAccuracy(sb, m.trainAccuracy());
    if (m.hasTrainEval()) {
      sb.append(String.format(Locale.ROOT, "  train (eval mode) loss %.4f", m.trainEvalLoss()));
      appendAccuracy(sb, m.trainEvalAccuracy());
    }
    if (m.hasTest()) {
      sb.append(String.format(Locale.ROOT, "  %s loss %.4f", heldOut.shortLabel(), m.testLoss()));
      appendAccuracy(sb, m.testAccuracy());
    }
    if (!Double.isNaN(m.learningRate())) {
      sb.append("  lr ").append(fourDigits(m.learningRate()));
    }
    return sb.append(String.format(Locale.ROOT, "  %.1f s", m.seconds())).toString();
  }

  /** {@code 0.1}, {@code 0.0009755}: four significant digits, no exponent, no trailing zeros. */
  private static String fourDigits(double rate) {
    return rate == 0 ? "0" : BigDecimal.valueOf(rate).round(new MathContext(4))
        .stripTrailingZeros().toPlainString();
  }

  /** Omitted where not measured (a regression), rather than "acc NaN%". */
  private static void appendAccuracy(StringBuilder sb, double accuracy) {
    if (!Double.isNaN(accuracy)) {
      sb.append(String.format(Locale.ROOT, " acc %6.2f%%", 100 * accuracy));
    }
  }
}
