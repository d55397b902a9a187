package dev.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TestBackends;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two parameters whose gradients are [3, 0] and [0, 4]: the global norm is 5. */
class GradClipTest {
  private static final double SCALE = 1 / (5 + GradClip.EPSILON);

  private static Map<String, Tensor> params(double g1, double g2) {
    Tensor a = Tensor.of(new double[] {1, 1}).requiresGrad(true);
    Tensor b = Tensor.of(new double[] {1, 1}).requiresGrad(true);
    a.mul(Tensor.of(new double[] {g1, 0})).sum().add(b.mul(Tensor.of(new double[] {0, g2})).sum())
        .backward();
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("a", a);
    p.put("b", b);
    p.put("unused", Tensor.of(new double[] {1}).requiresGrad(true));
    return p;
  }

  @Test
  void scalesAllGradientsTogetherToTheMaximumNorm() {
    Map<String, Tensor> p = params(3, 4);
    assertEquals(5, GradClip.clipGlobalNorm(p, 1), 1e-12);
    // PyTorch's coefficient max_norm / (norm + 1e-6)
    assertArrayEquals(new double[] {3 * SCALE, 0}, p.get("a").grad().toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {0, 4 * SCALE}, p.get("b").grad().toDoubleArray(), 1e-15);
  }

  @Test
  void leavesGradientsBelowTheMaximumAlone() {
    Map<String, Tensor> p = params(3, 4);
    assertEquals(5, GradClip.clipGlobalNorm(p, 10), 1e-12);
    assertArrayEquals(new double[] {3, 0}, p.get("a").grad().toDoubleArray(), 0);
    assertArrayEquals(new double[] {0, 4}, p.get("b").grad().toDoubleArray(), 0);
  }

  @Test
  void aNonFiniteNormFailsNamingTheParameterAndChangesNothing() {
    Map<String, Tensor> p = params(3, Double.POSITIVE_INFINITY);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> GradClip.clipGlobalNorm(p, 1));
    assertTrue(e.getMessage().startsWith("gradient clipping: the gradients' global norm is"
        + " Infinity (parameter 'b' has a gradient that is not finite)"), e.getMessage());
    assertArrayEquals(new double[] {3, 0}, p.get("a").grad().toDoubleArray(), 0);
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> GradClip.clipGlobalNorm(p, 0));
    assertEquals("gradient clipping: maxNorm must be positive and finite, got 0.0",
        bad.getMessage());
  }

  /**
   * A layer used twice lists its weight under two names in namedParameters(); it is one
   * parameter, whose gradient counts once in the norm (PyTorch's model.parameters()), not twice.
   */
  @Test
  void aParameterListedUnderTwoNamesCountsOnceInTheNorm() {
    Tensor shared = Tensor.of(new double[] {1, 1}).requiresGrad(true);
    shared.mul(Tensor.of(new double[] {3, 4})).sum().backward();
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("0.weight", shared);
    p.put("2.weight", shared);
    double s = 1 / (5 + GradClip.EPSILON);
    assertEquals(5, GradClip.clipGlobalNorm(p, 1), 1e-12); // was sqrt(50)
    assertArrayEquals(new double[] {3 * s, 4 * s}, shared.grad().toDoubleArray(), 1e-15);
    shared.zeroGrad();
    shared.mul(Tensor.of(new double[] {3, 4})).sum().backward();
    assertEquals(5, GradClip.clipGlobalNormOnDevice(p, 1).item(), 1e-12);
    assertArrayEquals(new double[] {3 * s, 4 * s}, shared.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void aGradientSharedByTwoParametersIsScaledOnce() {
    Tensor a = Tensor.of(new double[] {1, 1}).requiresGrad(true);
    Tensor b = Tensor.of(new double[] {1, 1}).requiresGrad(true);
    a.add(b).mul(Tensor.of(new double[] {3, 4})).sum().backward();
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("a", a);
    p.put("b", b);
    assertSame(a.grad().buffer(), b.grad().buffer(), "add hands both the same gradient");
    double norm = Math.sqrt(50);
    assertEquals(norm, GradClip.clipGlobalNorm(p, 1), 1e-12);
    double s = 1 / (norm + GradClip.EPSILON);
    assertArrayEquals(new double[] {3 * s, 4 * s}, a.grad().toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {3 * s, 4 * s}, b.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void theDeviceVersionClipsAlikeAndReadsNothing() {
    int[] downloads = new int[1];
    Backend counting = TestBackends.renamedCpu("counting", method -> {
      if (method.equals("download") || method.equals("upload")) {
        downloads[0]++;
      }
    });
    try (Backends.Scope onIt = Backends.use(counting)) {
      for (double maxNorm : new double[] {1, 10}) {
        Map<String, Tensor> p = params(3, 4);
        downloads[0] = 0;
        Tensor norm = GradClip.clipGlobalNormOnDevice(p, maxNorm);
        assertEquals(0, downloads[0], "nothing read or written from the host");
        assertEquals(5, norm.item(), 1e-12);
        double s = Math.min(1, maxNorm * SCALE);
        assertArrayEquals(new double[] {3 * s, 0}, p.get("a").grad().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0, 4 * s}, p.get("b").grad().toDoubleArray(), 1e-15);
      }
      // a non-finite gradient stays non-finite: the loss will show it
      Map<String, Tensor> p = params(3, Double.NaN);
      GradClip.clipGlobalNormOnDevice(p, 1);
      assertTrue(Double.isNaN(p.get("b").grad().toDoubleArray()[1]));
    }
  }

  /** Finite gradients whose squares overflow FLOAT32: no parameter is blamed. */
  @Test
  void anOverflowingSumOfFiniteGradientsBlamesNoParameter() {
    Tensor w = Tensor.of(new float[] {1, 1}, 2).requiresGrad(true);
    w.mul(Tensor.of(new float[] {1e20f, 1e20f}, 2)).sum().backward();
    Map<String, Tensor> p = Map.of("w", w);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> GradClip.clipGlobalNorm(p, 1));
    assertTrue(e.getMessage().contains("(each gradient is finite, the sum of their squares "
        + "overflowed)"), e.getMessage());
    Tensor nan = Tensor.of(new float[] {1, 1}, 2).requiresGrad(true);
    nan.mul(Tensor.of(new float[] {Float.NaN, 1}, 2)).sum().backward();
    IllegalStateException blamed = assertThrows(IllegalStateException.class,
        () -> GradClip.clipGlobalNorm(Map.of("nan", nan), 1));
    assertTrue(blamed.getMessage().contains("parameter 'nan' has a gradient that is not finite"),
        blamed.getMessage());
  }

  /** Parameters of two dtypes: the norm is summed in FLOAT64, each gradient scaled in its own. */
  @Test
  void gradientsOfTwoDtypesAreClippedTogether() {
    Tensor a = Tensor.of(new float[] {1}, 1).requiresGrad(true);
    Tensor b = Tensor.of(new double[] {1}, 1).requiresGrad(true);
    a.mul(3).sum().backward();
    b.mul(4).sum().backward();
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("a", a);
    p.put("b", b);
    Map<String, Tensor> q = new LinkedHashMap<>();
    Tensor a2 = Tensor.of(new float[] {1}, 1).requiresGrad(true);
    Tensor b2 = Tensor.of(new double[] {1}, 1).requiresGrad(true);
    a2.mul(3).sum().backward();
    b2.mul(4).sum().backward();
    q.put("a", a2);
    q.put("b", b2);
    assertEquals(5, GradClip.clipGlobalNorm(p, 1), 1e-6);
    assertEquals(3 * SCALE, p.get("a").grad().toDoubleArray()[0], 1e-6);
    assertEquals(4 * SCALE, p.get("b").grad().toDoubleArray()[0], 1e-12);
    assertEquals(5, GradClip.clipGlobalNormOnDevice(q, 1).item(), 1e-6);
    assertEquals(3 * SCALE, q.get("a").grad().toDoubleArray()[0], 1e-6);
    assertEquals(4 * SCALE, q.get("b").grad().toDoubleArray()[0], 1e-12);
  }
}
