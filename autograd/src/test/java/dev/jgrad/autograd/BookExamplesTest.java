package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import org.junit.jupiter.api.Test;

/** The figures of Deep Learning from Scratch, ch. 3-5, computed by jgrad. */
class BookExamplesTest {
  private static final double[] Y2 = {0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0};
  private static final double[] Y7 = {0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0};

  private static Tensor oneHot2() {
    return Tensor.indices(new int[] {2}).oneHot(10, DType.FLOAT64).reshape(10);
  }

  @Test
  void sumOfSquaresErrorMatchesTheBook() {
    assertEquals(0.0975, Losses.sumOfSquaresError(Tensor.of(Y2), oneHot2()).item(), 1e-12);
    assertEquals(0.5975, Losses.sumOfSquaresError(Tensor.of(Y7), oneHot2()).item(), 1e-12);
  }

  @Test
  void crossEntropyErrorMatchesTheBook() {
    assertEquals(0.510825457099338, Losses.crossEntropyError(Tensor.of(Y2), oneHot2()).item(), 1e-9);
    assertEquals(2.302584092994546, Losses.crossEntropyError(Tensor.of(Y7), oneHot2()).item(), 1e-9);
    Tensor labels = Tensor.indices(new int[] {2});
    assertEquals(0.510825457099338,
        Losses.crossEntropyErrorLabels(Tensor.of(Y2), labels).item(), 1e-9);
  }

  @Test
  void crossEntropyIsABatchMean() {
    Tensor y = Tensor.of(concat(Y2, Y7), 2, 10);
    Tensor t = Tensor.indices(new int[] {2, 2}).oneHot(10, DType.FLOAT64);
    assertEquals((0.510825457099338 + 2.302584092994546) / 2,
        Losses.crossEntropyError(y, t).item(), 1e-9);
  }

  @Test
  void softmaxDoesNotOverflow() {
    double[] p = Tensor.of(new double[] {1010, 1000, 990}).softmax(0).toDoubleArray();
    double e1 = Math.exp(-10);
    double e2 = Math.exp(-20);
    double z = 1 + e1 + e2;
    assertArrayEquals(new double[] {1 / z, e1 / z, e2 / z}, p, 1e-15);
    float[] pf = Tensor.of(new float[] {1010, 1000, 990}).softmax(0).toFloatArray();
    assertEquals(1 / z, pf[0], 1e-6);
    assertTrue(Float.isFinite(pf[2]));
  }

  @Test
  void softmaxOfTheBookSumsToOne() {
    double[] p = Tensor.of(new double[] {0.3, 2.9, 4.0}).softmax(0).toDoubleArray();
    assertArrayEquals(new double[] {0.01821127, 0.24519181, 0.73659691}, p, 1e-8);
  }

  @Test
  void gradientDescentOnSumOfSquares() {
    Tensor x = Tensor.of(new double[] {-3, 4}).requiresGrad(true);
    // x <- x - 0.1 * 2x = 0.8x: (-2.4, 3.2), then (-1.92, 2.56). The issue text says -1.96 for the
    // second x0, which contradicts its own 2.56 for x1 (both are 0.8 times the previous value).
    double[][] expected = {{-2.4, 3.2}, {-1.92, 2.56}};
    for (int step = 0; step < 100; step++) {
      x.zeroGrad();
      x.pow(2).sum().backward();
      try (NoGrad ignored = NoGrad.scope()) {
        x.addScaledInPlace(x.grad(), -0.1);
      }
      if (step < 2) {
        assertArrayEquals(expected[step], x.toDoubleArray(), 1e-12, "after step " + (step + 1));
      }
    }
    assertArrayEquals(new double[] {0, 0}, x.toDoubleArray(), 1e-6);
  }

  @Test
  void fittingYEquals3xByGradientDescentOnMse() {
    double[] xs = {1, 2, 3, 4, 5};
    double[] ys = {3, 6, 9, 12, 15};
    Tensor x = Tensor.of(xs, 5, 1);
    Tensor y = Tensor.of(ys, 5, 1);
    Tensor w = Tensor.of(new double[] {1}, 1, 1).requiresGrad(true);
    for (int step = 0; step < 200; step++) {
      w.zeroGrad();
      Losses.meanSquaredError(x.matmul(w), y).backward();
      w.addScaledInPlace(w.grad(), -0.01);
    }
    assertEquals(3.0, w.item(), 1e-6);
  }

  @Test
  void numericalDifferentiationOfTheBook() {
    // function_2 at (3, 4) has gradient (6, 8); numerical_diff of 0.01x^2 + 0.1x at 5 is 0.2
    Tensor g = GradCheck.numericalGradient(v -> v.pow(2).sum(), Tensor.of(new double[] {3, 4}));
    assertArrayEquals(new double[] {6, 8}, g.toDoubleArray(), 1e-6);
    Tensor d = GradCheck.numericalGradient(v -> v.pow(2).mul(0.01).add(v.mul(0.1)).sum(),
        Tensor.of(new double[] {5}));
    assertEquals(0.2, d.item(), 1e-9);
  }

  private static double[] concat(double[] a, double[] b) {
    double[] c = new double[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
