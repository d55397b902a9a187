package dev.jgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.HeldOut;
import org.junit.jupiter.api.Test;

/** The line logged per round says round and the epoch it falls in (it used to say "epoch 3/80"). */
class RoundLogTest {
  @Test
  void aRoundIsLoggedAsARoundWithItsEpoch() {
    EpochMetrics m = new EpochMetrics(3, 0.62811, 0.78, 0.5992, 0.801, 0.29);
    assertEquals("round  3/80 (epoch 0.04)  train loss 0.6281 acc  78.00%  test loss 0.5992 acc"
        + "  80.10%  0.3 s", RoundLog.format(m, 80, 0.0375, HeldOut.TEST));
    EpochMetrics regression = new EpochMetrics(12, 0.5, Double.NaN, Double.NaN, Double.NaN, 1.25);
    assertEquals("round 12/12 (epoch 1.50)  train loss 0.5000  1.3 s",
        RoundLog.format(regression, 12, 1.5, HeldOut.TEST));
  }
}
