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
import dev.jgrad.autograd.ops.ActivationOps;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** relu's gradient op: the CPU's one-pass kernel against the portable one from primitives. */
class ReluGradKernelTest {
  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void cpuKernelEqualsThePortableCompositionBitForBit(DType dtype) {
    assertEquals(List.of("*", "cpu"), OpRegistry.global().backendsWithKernel(OpNames.RELU_GRAD));
    double tiny = dtype == DType.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
    double[] gs = {1.5, -2.0, 0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY};
    double[] xs = {3.0, -1.0, 0.0, -0.0, tiny, -tiny, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY};
    double[] g = new double[gs.length * xs.length];
    double[] x = new double[g.length];
    for (int i = 0; i < gs.length; i++) {
      for (int j = 0; j < xs.length; j++) {
        g[i * xs.length + j] = gs[i];
        x[i * xs.length + j] = xs[j];
      }
    }
    Backend[] backends = {Backends.byName("cpu"), TestBackends.renamedCpu("portable")};
    double[][] out = new double[2][];
    for (int b = 0; b < 2; b++) {
      out[b] = ActivationOps.reluGrad(Tensor.of(g, dtype, gs.length, xs.length).to(backends[b]),
          Tensor.of(x, dtype, gs.length, xs.length).to(backends[b])).toDoubleArray();
    }
    assertArrayEquals(out[1], out[0]);
    // spot checks of the meaning: g where x > 0 (the smallest subnormal included), else 0
    assertEquals(1.5, out[0][0]);
    assertEquals(1.5, out[0][4]);
    assertEquals(0.0, out[0][1]);
    assertTrue(Double.isNaN(out[0][6]), "a NaN x gives NaN");
    // selected, not multiplied (PyTorch's answers): +0 where x <= 0 for g = -2, +inf and -inf
    int x0 = 2; // x = 0.0
    for (int i : new int[] {1, 5, 6}) {
      assertEquals(0.0, out[0][i * xs.length + 1], "x -1, g " + gs[i]);
      assertEquals(0.0, out[0][i * xs.length + x0], "x 0, g " + gs[i]);
      assertEquals(0.0, out[0][i * xs.length + 8], "x -inf, g " + gs[i]);
    }
    assertEquals(Double.POSITIVE_INFINITY, out[0][5 * xs.length + 7], "x inf, g inf");
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void shapesThatDifferAreNamed(DType dtype) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ActivationOps.reluGrad(Tensor.zeros(dtype, 2, 3), Tensor.zeros(dtype, 3, 2)));
    assertTrue(e.getMessage().contains(OpNames.RELU_GRAD) && e.getMessage().contains("[2, 3]")
        && e.getMessage().contains("[3, 2]"), e.getMessage());
  }
}
