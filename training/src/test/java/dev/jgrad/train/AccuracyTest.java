package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import dev.jgrad.train.report.CsvReport;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Accuracy is reported for classifiers only; a regression's would read 1.0. */
class AccuracyTest {
  /** {@code n} samples of 2 inputs and {@code outputs} real-valued targets. */
  private static Dataset regression(int n, int outputs) {
    Random r = new Random(4);
    float[] x = new float[n * 2];
    float[] y = new float[n * outputs];
    for (int i = 0; i < n; i++) {
      x[2 * i] = (float) r.nextGaussian();
      x[2 * i + 1] = (float) r.nextGaussian();
      for (int j = 0; j < outputs; j++) {
        y[i * outputs + j] = x[2 * i] * (j + 1) - x[2 * i + 1] + 0.1f;
      }
    }
    return Dataset.of(Tensor.of(x, n, 2), Tensor.of(y, n, outputs));
  }

  private static MetricsHistory fitMse(Dataset data, int outputs) throws IOException {
    Sequential net = Mlp.builder().input(2).hidden(8).output(outputs).seed(1).build();
    return Trainer.builder()
        .model(net)
        .loss(Losses::meanSquaredError)
        .optimizer(new Sgd(net.namedParameters(), 0.01))
        .train(DataLoader.builder(data).batchSize(16).seed(2).build())
        .test(data)
        .epochs(1)
        .build()
        .fit();
  }

  @Test
  void aRegressionReportsNoAccuracyAnywhere() throws IOException {
    for (int outputs : new int[] {1, 3}) { // [n, 1]; and [n, 3], shaped like class scores
      MetricsHistory history = fitMse(regression(64, outputs), outputs);
      EpochMetrics m = history.last();
      assertTrue(Double.isNaN(m.trainAccuracy()) && Double.isNaN(m.testAccuracy()),
          outputs + ": " + m);
      String csv = CsvReport.toCsv(history);
      assertTrue(csv.split("\n")[1].matches("1,[0-9.]+,,[0-9.]+,,[0-9.]+,[0-9.]+"), csv);
      assertFalse(EpochLogger.format(m, 1).contains("acc"), EpochLogger.format(m, 1));
    }
    Sequential net = Mlp.builder().input(2).output(1).build();
    assertFalse(Evaluator.evaluate(net, regression(10, 1), Losses::meanSquaredError, 4)
        .hasAccuracy());
  }

  /** Blobs of 3 classes, as labels [n] and as the same labels in one-hot rows [n, 3]. */
  private static Dataset[] labelsAndOneHotRows() {
    Dataset labels = Blobs.make(90, 3);
    float[] labelValues = labels.targets().toFloatArray();
    float[] rows = new float[labelValues.length * 3];
    for (int i = 0; i < labelValues.length; i++) {
      rows[i * 3 + (int) labelValues[i]] = 1;
    }
    return new Dataset[] {labels, Dataset.of(labels.inputs(), Tensor.of(rows, labelValues.length, 3))};
  }

  @Test
  void theLossDecidesNotTheShapes() throws IOException {
    Dataset[] data = labelsAndOneHotRows();
    Sequential net = Mlp.builder().input(2).hidden(8).output(3).seed(5).build();
    Evaluation byLabels = Evaluator.evaluate(net, data[0], Losses::softmaxCrossEntropyLabels, 32);
    Evaluation byRows = Evaluator.evaluate(net, data[1], Losses::softmaxCrossEntropy, 32);
    assertTrue(byLabels.hasAccuracy());
    assertEquals(byLabels.accuracy(), byRows.accuracy());
    // a regression whose targets happen to be one-hot rows: no "accuracy" (it had one before)
    assertFalse(Evaluator.evaluate(net, data[1], Losses::meanSquaredError, 32).hasAccuracy());
    // unless asked for
    assertEquals(byLabels.accuracy(),
        Evaluator.evaluate(net, data[1], Losses::meanSquaredError, 32, true).accuracy());
    MetricsHistory mse = Trainer.builder().model(net).loss(Losses::meanSquaredError)
        .optimizer(new Sgd(net.namedParameters(), 0.01))
        .train(DataLoader.builder(data[1]).batchSize(16).seed(2).build()).test(data[1])
        .epochs(1).build().fit();
    assertTrue(Double.isNaN(mse.last().trainAccuracy()) && Double.isNaN(mse.last().testAccuracy()),
        mse.last().toString());
  }

  @Test
  void theClassificationLossesOfLossesAreRecognizedAndOthersNot() {
    LossFunction[] classification = {Losses::softmaxCrossEntropyLabels,
        Losses::softmaxCrossEntropy, Losses::crossEntropyErrorLabels, Losses::crossEntropyError,
        Losses::nllLoss, Losses::crossEntropy};
    for (LossFunction loss : classification) {
      assertTrue(loss.isClassification(), loss.toString());
    }
    assertEquals(classification.length, ClassificationLoss.BUILTIN.size());
    LossFunction[] others = {Losses::meanSquaredError, Losses::sumOfSquaresError,
        Losses::binaryCrossEntropy, Losses::binaryCrossEntropyWithLogits,
        (y, t) -> Losses.softmaxCrossEntropyLabels(y, t).mul(2)};
    for (LossFunction loss : others) {
      assertFalse(loss.isClassification(), loss.toString());
    }
    assertTrue(LossFunction.classification((y, t) -> Losses.softmaxCrossEntropyLabels(y, t).mul(2))
        .isClassification());
    // a lambda capturing what cannot be serialized, and a class of its own: no failure, no
    // classification (the serialized form is read before anything captured would be written)
    Object unserializable = new Object();
    LossFunction capturing = (y, t) -> unserializable == null ? y : Losses.meanSquaredError(y, t);
    assertFalse(capturing.isClassification());
    assertFalse(new LossFunction() {
      private static final long serialVersionUID = 1L;
      private final transient Thread notSerialized = Thread.currentThread();

      @Override
      public Tensor compute(Tensor output, Tensor targets) {
        return Losses.softmaxCrossEntropyLabels(output, targets);
      }
    }.isClassification());
  }

  @Test
  void accuracyAskedForWhereTheShapesMakeItMeaninglessFailsNamingThem() {
    Sequential net = Mlp.builder().input(2).output(1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        Evaluator.evaluate(net, regression(10, 1), Losses::meanSquaredError, 4, true));
    assertEquals("accuracy needs class scores [n, classes >= 2] and targets of class labels [n]"
        + " or one-hot rows [n, classes], got output [4, 1] and targets [4, 1]; for a loss that is"
        + " not a classification's, turn accuracy off (accuracy(false))", e.getMessage());
  }
}
