package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
      assertTrue(csv.split("\n")[1].matches("1,[0-9.]+,,[0-9.]+,,[0-9.]+"), csv);
      assertFalse(EpochLogger.format(m, 1).contains("acc"), EpochLogger.format(m, 1));
    }
    Sequential net = Mlp.builder().input(2).output(1).build();
    assertFalse(Evaluator.evaluate(net, regression(10, 1), Losses::meanSquaredError, 4)
        .hasAccuracy());
  }

  @Test
  void oneHotTargetsAreScoredWhateverTheLoss() {
    Dataset labels = Blobs.make(90, 3);
    float[] labelValues = labels.targets().toFloatArray();
    int[] y = new int[labelValues.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = (int) labelValues[i];
    }
    float[] rows = new float[y.length * 3];
    for (int i = 0; i < y.length; i++) {
      rows[i * 3 + y[i]] = 1;
    }
    Dataset oneHot = Dataset.of(labels.inputs(), Tensor.of(rows, y.length, 3));
    Sequential net = Mlp.builder().input(2).hidden(8).output(3).seed(5).build();
    Evaluation byLabels = Evaluator.evaluate(net, labels, Losses::softmaxCrossEntropyLabels, 32);
    Evaluation byRows = Evaluator.evaluate(net, oneHot, Losses::meanSquaredError, 32);
    assertTrue(byLabels.hasAccuracy());
    assertEquals(byLabels.accuracy(), byRows.accuracy());
  }
}
