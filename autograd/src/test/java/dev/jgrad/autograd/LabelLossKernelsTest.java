package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The CPU's fused softmax cross-entropy with labels against the portable composition. */
class LabelLossKernelsTest {
  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void fusedCpuKernelsAgreeWithThePortableOps(DType dtype) {
    for (String op : new String[] {OpNames.SOFTMAX_CROSS_ENTROPY_LABELS,
        OpNames.SOFTMAX_CROSS_ENTROPY_LABELS_GRAD}) {
      assertEquals(java.util.List.of("*", "cpu"),
          OpRegistry.global().backendsWithKernel(op), "portable and CPU kernels of " + op);
    }
    Backend portable = TestBackends.renamedCpu("portable");
    Random r = new Random(3);
    Tensor logits = Tensor.randn(r, dtype, 6, 5).mul(4);
    Tensor labels = Tensor.indices(new int[] {0, 4, 2, 2, 1, 3});
    double[][] results = new double[2][];
    double[] losses = new double[2];
    Backend[] backends = {Backends.byName("cpu"), portable};
    for (int i = 0; i < 2; i++) {
      Tensor x = logits.to(backends[i]).detach().requiresGrad(true);
      Tensor loss = Losses.softmaxCrossEntropyLabels(x, labels.to(backends[i]));
      loss.mul(0.7).backward();
      losses[i] = loss.item();
      results[i] = x.grad().toDoubleArray();
    }
    double tol = dtype == DType.FLOAT32 ? 1e-6 : 1e-13;
    assertEquals(losses[1], losses[0], tol * 10);
    assertArrayEquals(results[1], results[0], tol);
  }

  /**
   * FLOAT32 logits take the CPU's native kernel (exp 8 lanes at a time, across row boundaries):
   * row lengths below, at and above a vector, and logits far enough apart that exp underflows.
   */
  @ParameterizedTest
  @CsvSource({"100, 10", "7, 3", "3, 8", "5, 17", "1, 1", "2, 40"})
  void fusedFloatKernelsAgreeWithThePortableOpsOverShapesAndWideRanges(int rows, int classes) {
    Random r = new Random(rows * 31 + classes);
    float[] values = new float[rows * classes];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 60 : 3));
    }
    int[] labels = r.ints(rows, 0, classes).toArray();
    double[][] losses = new double[2][1];
    double[][] grads = lossAndGrad(values, rows, classes, labels, losses);
    assertEquals(losses[1][0], losses[0][0], 1e-6 * Math.max(1, Math.abs(losses[1][0])));
    assertArrayEquals(grads[1], grads[0], 1e-6);
  }

  /**
   * A row holding NaN or +infinity gives NaN in that row's gradient and in the loss; a -infinity
   * logit is a probability of 0 and leaves everything finite. Against the formula evaluated here
   * in double (the portable ops give NaN for -infinity too: 0 * log 0 in the one-hot product).
   */
  @ParameterizedTest
  @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
  void nonFiniteLogitsGiveWhatTheFormulaGives(float bad) {
    int rows = 4;
    int classes = 10;
    float[] values = new float[rows * classes];
    for (int i = 0; i < values.length; i++) {
      values[i] = i % 7 - 3;
    }
    values[2 * classes + 5] = bad;
    int[] labels = {1, 2, 3, 4};
    Tensor x = Tensor.of(values, rows, classes).requiresGrad(true);
    Tensor loss = Losses.softmaxCrossEntropyLabels(x, Tensor.indices(labels));
    loss.mul(0.7).backward();
    double expectedLoss = 0;
    double[] expectedGrad = new double[values.length];
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < classes; j++) {
        max = Float.isNaN(values[r * classes + j]) ? Double.NaN
            : Math.max(max, values[r * classes + j]);
      }
      double sum = 0;
      for (int j = 0; j < classes; j++) {
        sum += Math.exp(values[r * classes + j] - max);
      }
      expectedLoss += (Math.log(sum) + max - values[r * classes + labels[r]]) / rows;
      for (int j = 0; j < classes; j++) {
        double p = Math.exp(values[r * classes + j] - max) / sum;
        expectedGrad[r * classes + j] = (p - (j == labels[r] ? 1 : 0)) * 0.7 / rows;
      }
    }
    assertEquals(Double.isNaN(expectedLoss), bad != Float.NEGATIVE_INFINITY, "premise");
    assertEquals(expectedLoss, loss.item(), 1e-6);
    assertArrayEquals(expectedGrad, x.grad().toDoubleArray(), 1e-6);
  }

  /**
   * An infinite upstream gradient (a loss scaled past the float range, say) gives the formula's
   * (p - onehot) * inf: -infinity at the label, +infinity elsewhere (every p here strictly between
   * 0 and 1 in both dtypes); the same on the CPU kernels (FLOAT32: native, falling back to the
   * Java loop for an infinite scale) as on the portable ops.
   */
  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void anInfiniteUpstreamGradientGivesSignedInfinitiesOnEveryKernel(DType dtype) {
    double[] values = {1, 2, 3, 0, -3, 3};
    int[] labels = {2, 1};
    double[][] grads = new double[2][];
    Backend[] backends = {Backends.byName("cpu"), TestBackends.renamedCpu("portable")};
    for (int i = 0; i < 2; i++) {
      Tensor x = Tensor.of(values, dtype, 2, 3).to(backends[i]).detach().requiresGrad(true);
      Losses.softmaxCrossEntropyLabels(x, Tensor.indices(labels).to(backends[i]))
          .backward(Tensor.scalar(Double.POSITIVE_INFINITY, dtype).to(backends[i]));
      grads[i] = x.grad().toDoubleArray();
    }
    double inf = Double.POSITIVE_INFINITY;
    double[] want = {inf, inf, -inf, inf, -inf, inf};
    assertArrayEquals(want, grads[0], 0, "cpu " + dtype);
    assertArrayEquals(want, grads[1], 0, "portable " + dtype);
  }

  /** Loss (into losses[i][0]) and gradient on the CPU (i = 0) and the portable ops (i = 1). */
  private static double[][] lossAndGrad(float[] values, int rows, int classes, int[] labels,
      double[][] losses) {
    Backend[] backends = {Backends.byName("cpu"), TestBackends.renamedCpu("portable")};
    double[][] grads = new double[2][];
    for (int i = 0; i < 2; i++) {
      Tensor x = Tensor.of(values, rows, classes).to(backends[i]).detach().requiresGrad(true);
      Tensor loss = Losses.softmaxCrossEntropyLabels(x,
          Tensor.indices(labels).to(backends[i]));
      loss.mul(0.7).backward();
      losses[i][0] = loss.item();
      grads[i] = x.grad().toDoubleArray();
    }
    return grads;
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void aLabelOutOfRangeIsNamed(DType dtype) {
    Tensor logits = Tensor.zeros(dtype, 2, 3);
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
        () -> Losses.softmaxCrossEntropyLabels(logits, Tensor.indices(new int[] {1, 3})));
    assertTrue(e.getMessage().contains("3"), e.getMessage());
  }
}
