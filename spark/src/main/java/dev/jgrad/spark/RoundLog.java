package dev.jgrad.spark;

import dev.jgrad.train.EpochLogger;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.HeldOut;
import java.util.Locale;

/**
 * The line {@link SparkTrainer} logs after each round: {@link EpochLogger}'s, saying round, and
 * the epoch the round falls in.
 *
 * <pre>
 * round  3/80 (epoch 0.04)  train loss 0.6281 acc  78.00%  test loss 0.5992 acc  80.10%  0.3 s
 * </pre>
 */
final class RoundLog {
  private RoundLog() {}

  /** The line for {@code m}, a round of {@code rounds}, with {@code epochs} trained by its end. */
  static String format(EpochMetrics m, int rounds, double epochs, HeldOut heldOut) {
    String line = EpochLogger.format(m, rounds, heldOut); // "epoch  3/80  train loss ..."
    int width = Integer.toString(Math.max(rounds, m.epoch())).length();
    return String.format(Locale.ROOT, "round %" + width + "d/%d (epoch %.2f)", m.epoch(), rounds,
        epochs) + line.substring(line.indexOf("  train loss"));
  }
}
