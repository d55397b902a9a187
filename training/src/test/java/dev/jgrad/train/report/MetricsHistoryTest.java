package dev.jgrad.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsHistoryTest {
  @Test
  void printsTheNumberOfEpochsAndTheLastOne() {
    MetricsHistory history = new MetricsHistory(HeldOut.VALIDATION);
    assertEquals("MetricsHistory[0 epoch(s), held out: VALIDATION]", history.toString());
    history.add(new EpochMetrics(1, 0.9, 0.7, 1.0, 0.6, 2.0));
    history.add(new EpochMetrics(2, 0.5, 0.8, 0.6, 0.75, 2.0, 0.01));
    assertEquals("MetricsHistory[2 epoch(s), held out: VALIDATION, last EpochMetrics[epoch=2, "
        + "trainLoss=0.5, trainAccuracy=0.8, testLoss=0.6, testAccuracy=0.75, seconds=2.0, learningRate=0.01, trainEvalLoss=NaN, trainEvalAccuracy=NaN]]",
        history.toString());
  }
}
