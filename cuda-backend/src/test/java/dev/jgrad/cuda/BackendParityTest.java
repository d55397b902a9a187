package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.GpuRequirement;
import dev.jgrad.autograd.GradCheck;
import dev.jgrad.autograd.GradCheckOpsTest;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ops.DropoutOps;
import dev.jgrad.autograd.ops.PoolOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op, activation and loss of autograd's {@link GradCheckOpsTest} on every available backend
 * besides the CPU (the CUDA backend on a GPU machine): FLOAT32 results against the CPU backend's
 * (relative 1e-5 elementwise, 1e-4 for reductions, products and losses) and the FLOAT64 gradient
 * check run on that backend. Without such a backend every case is reported as skipped, with the
 * reason. It lives here, not in autograd, so that autograd's tests need no GPU backend.
 */
class BackendParityTest {
  private static final List<Backend> OTHERS = new ArrayList<>();
  private static final StringBuilder WHY_NONE = new StringBuilder();

  static {
    for (Backends.Found f : Backends.discover()) {
      if (f.provider().name().equals("cpu")) {
        continue;
      }
      if (f.availability().isAvailable()) {
        OTHERS.add(Backends.byName(f.provider().name()));
      } else {
        WHY_NONE.append(f.provider().name()).append(": ").append(f.availability().reason())
            .append("; ");
      }
    }
  }

  static Stream<Arguments> cases() {
    return GradCheckOpsTest.cases();
  }

  private static final List<String> LOOSE = List.of("matmul", "affine", "sum", "mean", "max",
      "softmax", "mse", "sse", "cross_entropy", "bce", "two_layer", "concat", "ce_",
      "conv", "pool");

  /** Skips without a second backend, or fails where the run requires a GPU. */
  static void requireOthers() {
    if (OTHERS.isEmpty()) {
      GpuRequirement.failIfRequired(WHY_NONE.toString());
    }
    assumeTrue(!OTHERS.isEmpty(), "no backend besides the CPU is available here ("
        + WHY_NONE + ")");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sameResultsAndGradientsAsTheCpu(GradCheckOpsTest.Case c) {
    requireOthers();
    Backend cpu = Backends.byName("cpu");
    for (Backend other : OTHERS) {
      Random rnd = new Random(c.toString().hashCode());
      List<Tensor> onCpu = new ArrayList<>();
      for (int[] shape : c.shapes()) {
        onCpu.add(Tensor.of(GradCheckOpsTest.draw(rnd, c.range(), shape), DType.FLOAT32, shape)
            .to(cpu));
      }
      double[] expected;
      try (Backends.Scope s = Backends.use(cpu)) {
        expected = c.f().apply(onCpu).toDoubleArray();
      }
      double[] actual;
      try (Backends.Scope s = Backends.use(other)) {
        List<Tensor> moved = new ArrayList<>();
        onCpu.forEach(t -> moved.add(t.to(other)));
        actual = c.f().apply(moved).toDoubleArray();
        GradCheck.Result r = GradCheck.gradCheck(c.f(), moved);
        assertTrue(r.passed(), other.name() + " " + c + ": " + r);
      }
      double tol = LOOSE.stream().anyMatch(c.name()::contains) ? 1e-4 : 1e-5;
      assertEquals(expected.length, actual.length);
      for (int i = 0; i < expected.length; i++) {
        double rel = Math.abs(expected[i] - actual[i]) / Math.max(1e-6, Math.abs(expected[i]));
        assertTrue(rel <= tol, other.name() + " " + c + " element " + i + ": cpu " + expected[i]
            + " vs " + actual[i] + " (relative " + rel + ", tolerance " + tol + ")");
      }
    }
  }

  /**
   * Second derivatives on the other backend ({@code GradCheck.gradGradCheck} in FLOAT64): the
   * cases whose gradient rules use fused gradient ops that backends replace (relu's, the
   * label loss's, convolution's and pooling's), and a small net; not all 274, whose central
   * differences launch kernels one element at a time.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("secondOrderCases")
  void secondDerivativesAgreeWithCentralDifferences(GradCheckOpsTest.Case c) {
    requireOthers();
    for (Backend other : OTHERS) {
      try (Backends.Scope s = Backends.use(other)) {
        List<Tensor> moved = new ArrayList<>();
        GradCheckOpsTest.inputsOf(c).forEach(t -> moved.add(t.to(other)));
        GradCheck.Result r = GradCheck.gradGradCheck(c.f(), moved);
        assertTrue(r.passed(), other.name() + " " + c + ": " + r);
      }
    }
  }

  static Stream<Arguments> secondOrderCases() {
    List<String> names = List.of("relu", "softmax_ce_labels", "conv_relu_pool_affine",
        "two_layer_net", "conv2d_s11_p00", "max_pool2d_k22_s22_p00", "log_softmax_last",
        "bias_relu", "affine_bias_relu");
    return GradCheckOpsTest.cases().filter(a -> {
      String name = ((GradCheckOpsTest.Case) a.get()[0]).name();
      return names.contains(name);
    });
  }

  /**
   * Dropout's mask from the same (seed, counter) is the CPU's bit for bit, in both dtypes, over
   * more elements than one block and at rates where the threshold's rounding would show.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void dropoutMaskIsTheCpusBitForBit(DType dtype) {
    requireOthers();
    Backend cpu = Backends.byName("cpu");
    // on the CPU explicitly: on a GPU machine the current backend is the GPU's, and an op runs
    // where its input lives, so zeros() alone would compare the GPU with itself
    Tensor x = Tensor.zeros(dtype, 257, 391).to(cpu);
    for (Backend other : OTHERS) {
      Tensor onOther = x.to(other);
      assertTrue(x.backend() == cpu && onOther.backend() == other, "cpu against " + other.name());
      for (double p : new double[] {0.0, 0.1, 0.5, 1.0 / 3}) {
        for (long counter : new long[] {0, 1, 1L << 40}) {
          double[] cpuMask = DropoutOps.dropoutMask(x, p, -7L, counter).toDoubleArray();
          double[] gpu = DropoutOps.dropoutMask(onOther, p, -7L, counter).toDoubleArray();
          assertArrayEquals(cpuMask, gpu,
              other.name() + " " + dtype + " p=" + p + " counter=" + counter);
        }
      }
    }
  }

  /**
   * Max pooling of windows holding NaN, infinities and zeros of both signs: the values and the
   * gradient (to each window's first NaN, else its first maximum) are the CPU's, whose every
   * kernel picks in Math.max's order (the op fuzzer found the CPU's loops hiding a NaN).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void maxPoolingPicksTheCpusWinnerAmongNanInfinitiesAndZeros(DType dtype) {
    requireOthers();
    double n = Double.NaN;
    double inf = Double.POSITIVE_INFINITY;
    double[] plane = {
        1, n, 2, 3, -inf,
        4, 5, inf, 0, -0.0,
        -inf, -inf, -2, n, 6,
        -0.0, 0, 8, 9, -inf,
        2.5, n, -4, -5, 10};
    int[][] windows = {{2, 2, 2, 0}, {2, 2, 1, 0}, {3, 3, 1, 0}, {2, 2, 2, 1}, {3, 3, 2, 1},
        {1, 3, 1, 0}};
    Backend cpu = Backends.byName("cpu");
    for (int[] k : windows) {
      int[] kernel = {k[0], k[1]};
      int[] stride = {k[2], k[2]};
      int[] padding = {k[3], k[3]};
      double[][] want = maxPool(cpu, plane, dtype, kernel, stride, padding);
      for (Backend other : OTHERS) {
        double[][] got = maxPool(other, plane, dtype, kernel, stride, padding);
        String where = java.util.Arrays.toString(k) + " " + dtype + " on " + other.name();
        assertArrayEquals(want[0], got[0], 0.0, "values, " + where);
        assertArrayEquals(want[1], got[1], 0.0, "gradient, " + where);
      }
    }
  }

  private static double[][] maxPool(Backend backend, double[] plane, DType dtype, int[] kernel,
      int[] stride, int[] padding) {
    try (Backends.Scope s = Backends.use(backend)) {
      Tensor x = Tensor.of(plane, dtype, 1, 1, 5, 5).requiresGrad(true);
      Tensor y = PoolOps.maxPool2d(x, kernel, stride, padding);
      y.backward(Tensor.ones(dtype, y.shape().dims()));
      return new double[][] {y.toDoubleArray(), x.grad().toDoubleArray()};
    }
  }
}
