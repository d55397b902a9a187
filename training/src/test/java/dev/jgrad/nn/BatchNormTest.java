package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.GradCheck;
import dev.jgrad.autograd.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchNormTest {
  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Random(seed), DType.FLOAT64, shape).mul(2).add(0.5);
  }

  /** Per-channel mean and biased variance of {@code x [N, C, S]} (S positions), by loops. */
  private static double[][] stats(double[] x, int n, int c, int s) {
    double[] mean = new double[c];
    double[] var = new double[c];
    for (int ch = 0; ch < c; ch++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < s; j++) {
          sum += x[(i * c + ch) * s + j];
        }
      }
      mean[ch] = sum / (n * s);
      double sq = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < s; j++) {
          double d = x[(i * c + ch) * s + j] - mean[ch];
          sq += d * d;
        }
      }
      var[ch] = sq / (n * s);
    }
    return new double[][] {mean, var};
  }

  @Test
  void trainingNormalisesPerChannelAndTracksRunningStatisticsAsPyTorch() {
    int n = 4;
    int c = 3;
    int s = 5 * 2;
    BatchNorm2d bn = new BatchNorm2d(c, DType.FLOAT64);
    double[] rm = {0, 0, 0};
    double[] rv = {1, 1, 1};
    for (int step = 0; step < 3; step++) {
      Tensor x = randn(step, n, c, 5, 2);
      double[] xs = x.toDoubleArray();
      double[] y = bn.forward(x).toDoubleArray();
      double[][] st = stats(xs, n, c, s);
      for (int i = 0; i < xs.length; i++) {
        int ch = (i / s) % c;
        assertEquals((xs[i] - st[0][ch]) / Math.sqrt(st[1][ch] + 1e-5), y[i], 1e-12);
      }
      for (int ch = 0; ch < c; ch++) {
        rm[ch] = 0.9 * rm[ch] + 0.1 * st[0][ch];
        rv[ch] = 0.9 * rv[ch] + 0.1 * st[1][ch] * (n * s) / (n * s - 1.0);
      }
      assertArrayEquals(rm, bn.runningMean().toDoubleArray(), 1e-12, "running mean, step " + step);
      assertArrayEquals(rv, bn.runningVar().toDoubleArray(), 1e-12, "running var, step " + step);
    }
    assertEquals(3.0, bn.namedBuffers().get("num_batches_tracked").item());
    // evaluation mode: the running statistics, scaled and shifted by the parameters
    bn.weight().assign(Tensor.of(new double[] {2, -1, 0.5}, DType.FLOAT64, 3));
    bn.bias().assign(Tensor.of(new double[] {0.25, 0, -3}, DType.FLOAT64, 3));
    bn.eval();
    double[] tracked = bn.runningMean().toDoubleArray();
    Tensor x = randn(9, 2, c, 5, 2);
    double[] xs = x.toDoubleArray();
    double[] y = bn.forward(x).toDoubleArray();
    double[] w = {2, -1, 0.5};
    double[] b = {0.25, 0, -3};
    for (int i = 0; i < xs.length; i++) {
      int ch = (i / s) % c;
      assertEquals((xs[i] - rm[ch]) / Math.sqrt(rv[ch] + 1e-5) * w[ch] + b[ch], y[i], 1e-12);
    }
    assertArrayEquals(tracked, bn.runningMean().toDoubleArray(), "eval mode moved the statistics");
  }

  @Test
  void gradientsPassTheGradientCheckInTrainingMode() {
    BatchNorm1d bn1 = new BatchNorm1d(3, DType.FLOAT64);
    bn1.weight().assign(Tensor.of(new double[] {1.5, -0.5, 2}, DType.FLOAT64, 3));
    GradCheck.Result r1 = GradCheck.gradCheck(in -> bn1.forward(in.get(0)),
        List.of(randn(1, 5, 3)));
    assertTrue(r1.passed(), "BatchNorm1d: " + r1);
    BatchNorm2d bn2 = new BatchNorm2d(2, DType.FLOAT64);
    GradCheck.Result r2 = GradCheck.gradCheck(in -> bn2.forward(in.get(0)),
        List.of(randn(2, 3, 2, 2, 3)));
    assertTrue(r2.passed(), "BatchNorm2d: " + r2);
    // the parameters' gradients: dbias = sum g, dweight = sum g * xhat (here g = 1 everywhere)
    BatchNorm1d bn = new BatchNorm1d(2, DType.FLOAT64);
    bn.forward(randn(3, 6, 2)).sum().backward();
    assertArrayEquals(new double[] {6, 6}, bn.bias().grad().toDoubleArray(), 1e-12);
    assertArrayEquals(new double[] {0, 0}, bn.weight().grad().toDoubleArray(), 1e-9);
  }

  @Test
  void buffersAreNamedLikePyTorchsAndNotParameters() {
    Random r = new Random(1);
    Sequential net = new Sequential(new Linear(4, 3, Init.he(), r), new BatchNorm1d(3),
        new ReLU());
    assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"),
        List.copyOf(net.namedParameters().keySet()));
    Map<String, Tensor> buffers = net.namedBuffers();
    assertEquals(List.of("1.running_mean", "1.running_var", "1.num_batches_tracked"),
        List.copyOf(buffers.keySet()));
    buffers.values().forEach(b -> assertTrue(!b.requiresGrad()));
    assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
        "1.running_var", "1.num_batches_tracked"), List.copyOf(net.namedState().keySet()),
        "namedState: the parameters, then the buffers, as a state_dict");
  }

  @Test
  void badInputIsNamedWithTheLayerTheShapeAndWhatToDo() {
    BatchNorm1d bn = new BatchNorm1d(4);
    IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
        () -> bn.forward(Tensor.zeros(1, 4)));
    assertEquals("BatchNorm1d(4) in training mode got input [1, 4]: one value per channel has no"
        + " variance; train with batches of at least 2 samples (a last batch of 1: build the"
        + " DataLoader with dropLast(true), or pick another batch size), or call eval() to use the"
        + " running statistics", one.getMessage());
    bn.eval();
    assertArrayEquals(new int[] {1, 4}, bn.forward(Tensor.zeros(1, 4)).shape().dims(),
        "eval mode takes a single sample");
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> bn.forward(Tensor.zeros(2, 5)));
    assertEquals("BatchNorm1d(4) needs input [batch, 4] or [batch, 4, length], got [2, 5]; give "
        + "it the feature count of the layer before", wrong.getMessage());
    IllegalArgumentException image = assertThrows(IllegalArgumentException.class,
        () -> new BatchNorm2d(3).forward(Tensor.zeros(2, 4, 5, 5)));
    assertTrue(image.getMessage().startsWith("BatchNorm2d(3) needs input [batch, 3, height,"
        + " width], got [2, 4, 5, 5]"), image.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(0));
  }
}
