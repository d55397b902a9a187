package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Losses;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import dev.jgrad.train.report.CsvReport;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.HeldOut;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Trainer.Builder.evaluateTrainingSet}: the book's train accuracy (Fig. 6-22), measured in
 * evaluation mode after each epoch, beside the default running mean in training mode.
 */
class TrainingSetEvalModeTest {
  private static final Dataset TRAIN = Blobs.make(300, 1);
  private static final Dataset TEST = Blobs.make(300, 2);

  @TempDir
  Path dir;

  /** Heavy Dropout: the steps' running accuracy lies far below the trained model's. */
  private static Sequential net() {
    return Mlp.builder().input(2).hidden(32, 32).output(3).dropout(0.5).seed(5).build();
  }

  private static Trainer.Builder trainer(Sequential net, int epochs) {
    return Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Sgd(net.namedParameters(), 0.05))
        .train(DataLoader.builder(TRAIN).batchSize(30).seed(7).build()).test(TEST)
        .epochs(epochs);
  }

  @Test
  void theTrainingSetIsMeasuredInEvaluationModeAfterEachEpochAndReported() throws IOException {
    Sequential net = net();
    MetricsHistory h = trainer(net, 4).evaluateTrainingSet(true).reportTo(dir, "dropout")
        .build().fit();
    EpochMetrics last = h.last();
    Evaluation after = Evaluator.evaluate(net, TRAIN, Losses::softmaxCrossEntropyLabels, 1000);
    assertEquals(after.accuracy(), last.trainEvalAccuracy(), 0.0, "the evaluator's figure");
    assertEquals(after.loss(), last.trainEvalLoss(), 1e-12);
    assertTrue(last.trainEvalAccuracy() > last.trainAccuracy() + 0.05,
        "Dropout lowers the running mean in training mode: " + last);
    for (EpochMetrics m : h.epochs()) {
      assertTrue(m.hasTrainEval(), "measured every epoch: " + m);
    }

    List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
    assertEquals(CsvReport.HEADER + ",train_eval_loss,train_eval_accuracy", csv.get(0));
    String[] fields = csv.get(4).split(",", -1);
    assertEquals(9, fields.length, csv.get(4));
    assertEquals(last.trainEvalAccuracy(), Double.parseDouble(fields[8]), 1e-6);
    String line = EpochLogger.format(last, 4);
    assertTrue(line.contains(String.format(java.util.Locale.ROOT,
        "  train (eval mode) loss %.4f acc %6.2f%%  test loss", last.trainEvalLoss(),
        100 * last.trainEvalAccuracy())), line);
  }

  @Test
  void offByDefaultWithTheColumnsAndCheckpointsAsBefore() throws IOException {
    Path plainCkpt = dir.resolve("plain.safetensors");
    Path plainCsv = dir.resolve("plain.csv");
    MetricsHistory plain = trainer(net(), 2).csvTo(plainCsv).checkpointTo(plainCkpt).build()
        .fit();
    assertTrue(Double.isNaN(plain.last().trainEvalAccuracy()));
    assertEquals(CsvReport.header(HeldOut.TEST), Files.readAllLines(plainCsv).get(0));
    assertTrue(!EpochLogger.format(plain.last(), 2).contains("eval mode"));

    // the eval-mode pass changes nothing else: same weights, a checkpoint of the same bytes
    Sequential measured = net();
    Path evalCkpt = dir.resolve("eval.safetensors");
    trainer(measured, 2).evaluateTrainingSet(true).checkpointTo(evalCkpt).build().fit();
    assertArrayEquals(Files.readAllBytes(plainCkpt), Files.readAllBytes(evalCkpt));

    // resuming either: the restored epochs have no eval-mode figures, the new ones do
    Path resumedCsv = dir.resolve("resumed.csv");
    MetricsHistory resumed = trainer(net(), 3).evaluateTrainingSet(true).csvTo(resumedCsv)
        .build().resumeFrom(plainCkpt).fit();
    assertTrue(!resumed.epochs().get(1).hasTrainEval());
    assertTrue(resumed.last().hasTrainEval());
    List<String> lines = Files.readAllLines(resumedCsv);
    assertTrue(lines.get(2).endsWith(",,"), "restored epoch 2: " + lines.get(2));
    assertEquals(9, lines.get(3).split(",", -1).length, lines.get(3));
  }
}
