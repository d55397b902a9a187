package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.jgrad.autograd.Losses;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Momentum;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.schedule.StepDecay;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The plateau rule is PyTorch's, and the Trainer applies it from the history alone. */
class ReduceOnPlateauTest {
  private static final Dataset TRAIN = Blobs.make(600, 1);

  @TempDir
  Path dir;

  @Test
  void theRatesArePyTorchsForTheSameLosses() {
    // torch 2.13 ReduceLROnPlateau(SGD(lr=0.5), mode="min", factor=0.5, patience=2), step(loss)
    // after each of these losses: the rate of the epoch after each
    double[] losses = {1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.85, 0.86, 0.87, 0.849, 0.8499, 0.86,
        0.9, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75, 0.76};
    double[] torch = {0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.125,
        0.125, 0.125, 0.125, 0.0625, 0.0625, 0.0625, 0.03125};
    ReduceOnPlateau plateau = new ReduceOnPlateau(0.5, 2);
    List<Double> seen = new ArrayList<>();
    for (int i = 0; i < losses.length; i++) {
      seen.add(losses[i]);
      assertEquals(torch[i], 0.5 * Math.pow(0.5, plateau.reductions(seen)), "after loss " + i);
    }
    // NaN is no improvement; 0.849 against 0.85 is one (below 0.85 * (1 - 1e-4)), 0.8499 not
    assertEquals(1, new ReduceOnPlateau(0.1, 0).reductions(List.of(1.0, Double.NaN)));
  }

  @Test
  void theTrainerLowersTheRateAfterAPlateauAndAResumedRunHasTheSameRates() throws IOException {
    List<Double> rates = new ArrayList<>();
    Path checkpoint = dir.resolve("c.safetensors");
    Sequential net = TrainerTest.net();
    Momentum optimizer = new Momentum(net.namedParameters(), 0.05);
    MetricsHistory h = trainer(net, optimizer, 6, rates).checkpointTo(checkpoint).build().fit();
    // the held-out loss rises from epoch 1 (labels shifted): epochs 2 and 3 do not improve it,
    // patience 1 is passed after epoch 3, so epoch 4 runs at half the rate; 4 and 5 do not
    // improve either, so epoch 6 runs at a quarter
    assertEquals(List.of(0.05, 0.05, 0.05, 0.025, 0.025, 0.0125), rates,
        "held-out losses " + testLosses(h));

    // resumed after epoch 4 (from a run of 4 epochs): epochs 5 and 6 at the same rates
    Path four = dir.resolve("four.safetensors");
    Sequential first = TrainerTest.net();
    trainer(first, new Momentum(first.namedParameters(), 0.05), 4, new ArrayList<>())
        .checkpointTo(four).build().fit();
    List<Double> resumedRates = new ArrayList<>();
    Sequential again = TrainerTest.net();
    MetricsHistory resumed = trainer(again, new Momentum(again.namedParameters(), 0.05), 6,
        resumedRates).build().resumeFrom(four).fit();
    assertEquals(List.of(0.025, 0.0125), resumedRates);
    assertEquals(testLosses(h), testLosses(resumed));
  }

  /**
   * The CLI trial: a resumed run logged "learning rate 0.5 -> 0.0625" where the uninterrupted
   * one had said "0.125 -> 0.0625" (the optimizer holds the base rate just after a resume).
   */
  @Test
  void aResumedRunLogsTheRateChangesTheUninterruptedRunLogged() throws IOException {
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(Trainer.class);
    Level level = logger.getLevel();
    logger.setLevel(Level.INFO); // the tests' configuration logs warnings only
    logged.start();
    logger.addAppender(logged);
    try {
      Sequential net = TrainerTest.net();
      trainer(net, new Momentum(net.namedParameters(), 0.05), 6, new ArrayList<>()).build().fit();
      List<String> whole = rateLines(logged);
      assertEquals(List.of("learning rate 0.05 -> 0.025", "learning rate 0.025 -> 0.0125"),
          whole);

      logged.list.clear();
      Path four = dir.resolve("four.safetensors");
      Sequential first = TrainerTest.net();
      trainer(first, new Momentum(first.namedParameters(), 0.05), 4, new ArrayList<>())
          .checkpointTo(four).build().fit();
      Sequential again = TrainerTest.net();
      trainer(again, new Momentum(again.namedParameters(), 0.05), 6, new ArrayList<>()).build()
          .resumeFrom(four).fit();
      assertEquals(whole, rateLines(logged), "the first run's line, then the resumed run's");
    } finally {
      logger.detachAppender(logged);
      logger.setLevel(level);
    }
  }

  private static List<String> rateLines(ListAppender<ILoggingEvent> logged) {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains("learning rate"))
        .map(m -> m.substring(m.indexOf("learning rate"))).toList();
  }

  @Test
  void itNeedsAHeldOutSetAndNoSchedule() {
    Sequential net = TrainerTest.net();
    Optimizer optimizer = new Momentum(net.namedParameters(), 0.05);
    Trainer.Builder b = Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(optimizer).train(DataLoader.builder(TRAIN).batchSize(32).build()).epochs(2)
        .reduceOnPlateau(new ReduceOnPlateau(0.5, 1));
    assertEquals("reduceOnPlateau(...) monitors the held-out loss, but there is no held-out set; "
        + "call validation(Dataset) with a split of the training data (Dataset.randomSplit), or "
        + "test(Dataset)", assertThrows(IllegalStateException.class, b::build).getMessage());
    b.validation(Blobs.shiftedLabels()).schedule(new StepDecay(1, 0.5),
        dev.jgrad.optim.schedule.LearningRateScheduler.Interval.EPOCH);
    assertEquals("reduceOnPlateau(...) and schedule(...) both set the learning rate; give one of "
        + "them", assertThrows(IllegalStateException.class, b::build).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ReduceOnPlateau(1.0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ReduceOnPlateau(0.5, -1));
  }

  private static Trainer.Builder trainer(Sequential net, Optimizer optimizer, int epochs,
      List<Double> rates) {
    return Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(optimizer).train(DataLoader.builder(TRAIN).batchSize(32).seed(11).build())
        .validation(Blobs.shiftedLabels()).epochs(epochs)
        .reduceOnPlateau(new ReduceOnPlateau(0.5, 1))
        .listener(new TrainingListener() {
          @Override
          public void onEpochStart(int epoch, int of, int batches, int samples) {
            rates.add(optimizer.learningRate());
          }
        });
  }


  private static List<Double> testLosses(MetricsHistory h) {
    return h.epochs().stream().map(EpochMetrics::testLoss).toList();
  }
}
