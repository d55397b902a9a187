package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.ops.BiasActivationOps;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The CPU's fused bias + activation kernel against the portable composition (add, then act). */
class BiasActivationKernelsTest {
  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void cpuKernelEqualsThePortableCompositionBitForBit(DType dtype) {
    assertEquals(List.of("*", "cpu"),
        OpRegistry.global().backendsWithKernel(OpNames.BIAS_ACTIVATION),
        "portable and CPU kernels of " + OpNames.BIAS_ACTIVATION);
    Backend[] backends = {Backends.byName("cpu"), TestBackends.renamedCpu("portable")};
    Random r = new Random(7);
    // whole numbers, so that x + bias is exactly 0 in places, where relu's mask must agree too
    Tensor x = Tensor.of(wholeNumbers(r, 9 * 13), dtype, 9, 13);
    Tensor bias = Tensor.of(wholeNumbers(r, 13), dtype, 13);
    Tensor upstream = Tensor.randn(r, dtype, 9, 13);
    for (FusedActivation a : FusedActivation.values()) {
      double[][] y = new double[2][];
      double[][] dx = new double[2][];
      double[][] dbias = new double[2][];
      for (int i = 0; i < 2; i++) {
        Tensor xi = x.to(backends[i]).detach().requiresGrad(true);
        Tensor bi = bias.to(backends[i]).detach().requiresGrad(true);
        Tensor out = BiasActivationOps.biasActivation(xi, bi, a);
        out.backward(upstream.to(backends[i]));
        y[i] = out.toDoubleArray();
        dx[i] = xi.grad().toDoubleArray();
        dbias[i] = bi.grad().toDoubleArray();
      }
      assertArrayEquals(y[1], y[0], a + " forward");
      assertArrayEquals(dx[1], dx[0], a + " gradient of x");
      assertArrayEquals(dbias[1], dbias[0], a + " gradient of the bias");
    }
  }

  private static double[] wholeNumbers(Random r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextInt(7) - 3;
    }
    return v;
  }

  @ParameterizedTest
  @EnumSource(FusedActivation.class)
  void equalsBiasAddThenActivationWithTheirGradients(FusedActivation a) {
    Random r = new Random(11);
    Tensor x = Tensor.randn(r, DType.FLOAT64, 5, 4).requiresGrad(true);
    Tensor bias = Tensor.randn(r, DType.FLOAT64, 4).requiresGrad(true);
    Tensor upstream = Tensor.randn(r, DType.FLOAT64, 5, 4);
    Tensor fused = BiasActivationOps.biasActivation(x, bias, a);
    fused.backward(upstream);
    double[] dxFused = x.grad().toDoubleArray();
    double[] dbFused = bias.grad().toDoubleArray();
    x.zeroGrad();
    bias.zeroGrad();
    Tensor z = x.add(bias);
    Tensor composed = switch (a) {
      case IDENTITY -> z;
      case RELU -> z.relu();
      case SIGMOID -> z.sigmoid();
      case TANH -> z.tanh();
    };
    composed.backward(upstream);
    assertArrayEquals(composed.toDoubleArray(), fused.toDoubleArray(), 1e-15);
    assertArrayEquals(x.grad().toDoubleArray(), dxFused, 1e-15);
    assertArrayEquals(bias.grad().toDoubleArray(), dbFused, 1e-14);
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void badShapesAndActivationsAreNamed(DType dtype) {
    Tensor x = Tensor.zeros(dtype, 2, 3);
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> BiasActivationOps.biasActivation(x, Tensor.zeros(dtype, 2), FusedActivation.RELU));
    assertTrue(shape.getMessage().contains(OpNames.BIAS_ACTIVATION)
        && shape.getMessage().contains("[2, 3] and [2]"), shape.getMessage());
    IllegalArgumentException act = assertThrows(IllegalArgumentException.class,
        () -> Ops.call(OpNames.BIAS_ACTIVATION,
            Attrs.of(AttrKeys.ACTIVATION, "softplus"), x, Tensor.zeros(dtype, 3)));
    assertTrue(act.getMessage().contains("'softplus'")
        && act.getMessage().contains("identity, relu, sigmoid, tanh"), act.getMessage());
  }
}
