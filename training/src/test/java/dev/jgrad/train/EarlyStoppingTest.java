package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Losses;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Momentum;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Early stopping and the best checkpoint, on blobs whose held-out labels are shifted by one
 * class: the better the model learns the training labels, the worse its held-out loss, so the
 * first epoch is the best and the loss rises from there.
 */
class EarlyStoppingTest {
  private static final Dataset TRAIN = Blobs.make(600, 1);

  @TempDir
  Path dir;


  private static Trainer.Builder trainer(Sequential net, Dataset test, int epochs, double lr) {
    return Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Momentum(net.namedParameters(), lr))
        .train(DataLoader.builder(TRAIN).batchSize(32).seed(11).build())
        .test(test).epochs(epochs);
  }

  private static List<Double> testLosses(MetricsHistory h) {
    return h.epochs().stream().map(EpochMetrics::testLoss).toList();
  }

  @Test
  void stopsAfterPatienceEpochsWithoutABetterTestLossAndKeepsTheBest() throws IOException {
    Sequential net = TrainerTest.net();
    Path best = dir.resolve("best.safetensors");
    List<String> ends = new ArrayList<>();
    MetricsHistory h = trainer(net, 20, Blobs.shiftedLabels()).earlyStopping(3).bestCheckpointTo(best)
        .listener(new TrainingListener() {
          @Override
          public void onTrainingEnd(MetricsHistory history) {
            ends.add("end after " + history.size());
          }
        }).build().fit();
    List<Double> losses = testLosses(h);
    assertEquals(4, h.size(), "epoch 1 best, then 3 without improvement: " + losses);
    for (int i = 1; i < losses.size(); i++) {
      assertTrue(losses.get(i) > losses.get(0), "the first epoch is the best: " + losses);
    }
    assertEquals(List.of("end after 4"), ends);
    assertEquals(1, Checkpoint.load(best).epoch(), "the best checkpoint is epoch 1's");
  }

  private static Trainer.Builder trainer(Sequential net, int epochs, Dataset test) {
    return trainer(net, test, epochs, 0.05);
  }

  @Test
  void theBestCheckpointHoldsTheBestEpochsModel() throws IOException {
    Sequential straight = TrainerTest.net();
    trainer(straight, 1, Blobs.shiftedLabels()).build().fit();
    Sequential withBest = TrainerTest.net();
    Path best = dir.resolve("best.safetensors");
    trainer(withBest, 3, Blobs.shiftedLabels()).bestCheckpointTo(best).build().fit();
    Sequential restored = TrainerTest.net();
    Checkpoint.load(best).restoreModel(restored);
    for (String name : straight.namedParameters().keySet()) {
      assertArrayEquals(straight.namedParameters().get(name).toDoubleArray(),
          restored.namedParameters().get(name).toDoubleArray(), name);
    }
  }

  @Test
  void aResumedRunStopsWhereTheUninterruptedRunStopped() throws IOException {
    Path ckpt = dir.resolve("ckpt.safetensors");
    MetricsHistory first = trainer(TrainerTest.net(), 20, Blobs.shiftedLabels()).earlyStopping(2)
        .checkpointTo(ckpt).build().fit();
    assertEquals(3, first.size());
    Trainer resumed = trainer(TrainerTest.net(), 20, Blobs.shiftedLabels()).earlyStopping(2).build()
        .resumeFrom(ckpt);
    assertEquals(3, resumed.fit().size(), "no epoch more: the history says stop");
    Trainer patient = trainer(TrainerTest.net(), 5, Blobs.shiftedLabels()).earlyStopping(4).build()
        .resumeFrom(ckpt);
    assertEquals(5, patient.fit().size(), "more patience: on to the epochs asked for");
  }

  /** Slowly (Momentum at 0.001) the held-out loss falls every epoch: no stop. */
  @Test
  void aTestLossThatKeepsFallingTrainsEveryEpoch() throws IOException {
    MetricsHistory h = trainer(TrainerTest.net(), Blobs.make(300, 2), 6, 0.001).earlyStopping(1)
        .build().fit();
    List<Double> losses = testLosses(h);
    assertEquals(6, h.size(), losses.toString());
    for (int i = 1; i < losses.size(); i++) {
      assertTrue(losses.get(i) < losses.get(i - 1), "falling: " + losses);
    }
  }

  @Test
  void earlyStoppingAndTheBestCheckpointNeedATestSet() {
    Sequential net = TrainerTest.net();
    Trainer.Builder b = Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Momentum(net.namedParameters(), 0.05))
        .train(DataLoader.builder(TRAIN).batchSize(32).build()).epochs(3);
    assertEquals("earlyStopping(2) monitors the held-out loss, but there is no held-out set; call "
        + "validation(Dataset) with a split of the training data (Dataset.randomSplit), or "
        + "test(Dataset)", assertThrows(IllegalStateException.class,
            () -> b.earlyStopping(2).build()).getMessage());
    assertEquals("early stopping: patience must be at least 1 epoch, got 0; leave earlyStopping "
        + "out to train every epoch",
        assertThrows(IllegalArgumentException.class, () -> b.earlyStopping(0)).getMessage());
    Trainer.Builder c = Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Momentum(net.namedParameters(), 0.05))
        .train(DataLoader.builder(TRAIN).batchSize(32).build()).epochs(3)
        .bestCheckpointTo(dir.resolve("b.safetensors"));
    assertEquals("bestCheckpointTo(...) monitors the held-out loss, but there is no held-out set; call "
        + "validation(Dataset) with a split of the training data (Dataset.randomSplit), or "
        + "test(Dataset)", assertThrows(IllegalStateException.class, c::build)
            .getMessage());
  }

  /**
   * Resumed in the middle, before it stops: the same epochs and test losses as the run that was
   * never interrupted, because the checkpoint keeps the losses exactly (six decimals would make
   * 0.3102004 and 0.3102002 a tie, and 4e-7 a zero nothing beats).
   */
  @Test
  void aRunResumedBeforeItStopsStopsWhereTheUninterruptedRunStopped() throws IOException {
    MetricsHistory straight = trainer(TrainerTest.net(), 20, Blobs.shiftedLabels()).earlyStopping(2)
        .build().fit();
    Path ckpt = dir.resolve("ckpt.safetensors");
    trainer(TrainerTest.net(), 2, Blobs.shiftedLabels()).checkpointTo(ckpt).build().fit();
    MetricsHistory resumed = trainer(TrainerTest.net(), 20, Blobs.shiftedLabels()).earlyStopping(2)
        .build().resumeFrom(ckpt).fit();
    assertEquals(testLosses(straight), testLosses(resumed));
  }

  @Test
  void theCheckpointKeepsTheMetricsExactly() {
    MetricsHistory h = new MetricsHistory();
    h.add(new EpochMetrics(1, 0.3102004, 0.5, 0.3102002, Double.NaN, 1.5));
    h.add(new EpochMetrics(2, 4e-7, 1.0 / 3, Double.POSITIVE_INFINITY, 0.25, 2.5));
    MetricsHistory back = HistoryMetadata.decode(HistoryMetadata.encode(h), "test");
    for (int i = 0; i < 2; i++) {
      EpochMetrics a = h.epochs().get(i);
      EpochMetrics b = back.epochs().get(i);
      assertEquals(new EpochMetrics(a.epoch(), a.trainLoss(), a.trainAccuracy(), a.testLoss(),
          a.testAccuracy(), Double.NaN), b, "no wall time, every other value exact");
    }
  }

  @Test
  void theBestIsTheFirstLowestTestLossAndNaNIsNeverBest() {
    MetricsHistory h = new MetricsHistory();
    assertTrue(h.bestTestLoss().isEmpty());
    h.add(new EpochMetrics(1, 1, 0, Double.NaN, 0, 1));
    assertTrue(h.bestTestLoss().isEmpty(), "NaN measures nothing");
    h.add(new EpochMetrics(2, 1, 0, Double.POSITIVE_INFINITY, 0, 1));
    h.add(new EpochMetrics(3, 1, 0, 0.5, 0, 1));
    h.add(new EpochMetrics(4, 1, 0, 0.5, 0, 1));
    h.add(new EpochMetrics(5, 1, 0, Double.NaN, 0, 1));
    assertEquals(3, h.bestTestLoss().orElseThrow().epoch(), "a tie is no improvement");
  }

  @Test
  void theBestCheckpointMayNotShareAFileWithAnotherOutput() {
    Path same = dir.resolve("same.safetensors");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> trainer(TrainerTest.net(), 2, Blobs.shiftedLabels()).checkpointTo(same)
            .bestCheckpointTo(same).build());
    assertEquals("checkpointTo and bestCheckpointTo both write " + same.toAbsolutePath()
        .normalize() + "; give each output its own file", e.getMessage());
  }
}
