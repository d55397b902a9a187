package dev.jgrad.trainfuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Sequential;
import dev.jgrad.train.Evaluation;
import dev.jgrad.train.Evaluator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link Evaluator#evaluate}: over random batch sizes (the last batch short or
 * not) and label or one-hot targets, its mean loss and accuracy against a double reference over
 * the whole set (softmax cross-entropy per sample, argmax per row), in evaluation mode (a Dropout
 * layer passes everything) and leaving the model in the mode it found.
 */
class EvaluatorFuzzTest {
  private static final int CASES = 100;

  @Test
  void evaluationIsTheMeanOverEverySample() {
    for (int c = 0; c < CASES; c++) {
      long seed = 110_000 + c;
      Random r = new Random(seed);
      int n = 1 + r.nextInt(60);
      int in = 1 + r.nextInt(5);
      int classes = 2 + r.nextInt(4);
      int batchSize = 1 + r.nextInt(n + 5);
      boolean oneHot = r.nextBoolean();
      boolean training = r.nextBoolean();
      Linear linear = new Linear(in, classes, Init.kaimingUniform(), r, DType.FLOAT64);
      Sequential net = new Sequential(new Dropout(0.5, r.nextLong()), linear);
      net.train(training);
      double[] x = new double[n * in];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextGaussian() * 2;
      }
      int[] labels = new int[n];
      double[] rows = new double[n * classes];
      for (int i = 0; i < n; i++) {
        labels[i] = r.nextInt(classes);
        rows[i * classes + labels[i]] = 1;
      }
      Dataset data = Dataset.of(Tensor.of(x, DType.FLOAT64, n, in),
          oneHot ? Tensor.of(rows, DType.FLOAT64, n, classes) : Tensor.indices(labels));
      Evaluation e = oneHot
          ? Evaluator.evaluate(net, data, Losses::softmaxCrossEntropy, batchSize, true)
          : Evaluator.evaluate(net, data, Losses::softmaxCrossEntropyLabels, batchSize, true);
      double[] w = linear.weight().toDoubleArray();
      double[] b = linear.bias().toDoubleArray();
      double lossSum = 0;
      int correct = 0;
      for (int i = 0; i < n; i++) {
        double[] z = new double[classes];
        int best = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
          z[k] = b[k];
          for (int j = 0; j < in; j++) {
            z[k] += x[i * in + j] * w[j * classes + k];
          }
          if (z[k] > max) {
            max = z[k];
            best = k;
          }
        }
        double sumExp = 0;
        for (int k = 0; k < classes; k++) {
          sumExp += Math.exp(z[k] - max);
        }
        lossSum += Math.log(sumExp) + max - z[labels[i]];
        correct += best == labels[i] ? 1 : 0;
      }
      String config = "seed " + seed + ": n " + n + " batch " + batchSize
          + (oneHot ? " one-hot" : " labels") + (training ? " (model in training mode)" : "");
      assertEquals(lossSum / n, e.loss(), 1e-6 * (1 + lossSum / n), config + ": loss");
      assertEquals((double) correct / n, e.accuracy(), 1e-12, config + ": accuracy");
      assertEquals(n, e.samples(), config + ": samples");
      assertEquals(training, net.isTraining(), config + ": the model's mode after");
    }
  }
}
