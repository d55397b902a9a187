package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code sign} and {@code norm} ({@code torch.linalg.vector_norm}): values against plain loops
 * and PyTorch 2.13's answers (quoted beside each), including its gradients at 0 and on ties,
 * GradCheck in FLOAT64, and one-line errors.
 */
class SignNormTest {
  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;

  private static Tensor vec(double... v) {
    return Tensor.of(v, DType.FLOAT64, v.length);
  }

  @Test
  void signIsTorchsButKeepsNaN() {
    // torch.sign([-2, -0., 0., nan, 3, inf, -inf]): [-1, 0, 0, 0, 1, 1, -1]; NaN gives NaN here
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      double[] got = Tensor.of(new double[] {-2, -0.0, 0.0, NAN, 3, INF, -INF, 1e-45}, dtype, 8)
          .sign().toDoubleArray();
      double[] want = {-1, 0, 0, NAN, 1, 1, -1, 1};
      for (int i = 0; i < want.length; i++) { // +0.0 for both zeros, as PyTorch's
        assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got[i]),
            dtype + " at " + i);
      }
    }
  }

  @Test
  void signsGradientIsZeroAsTorchs() {
    Tensor x = vec(-2, 0, 3, NAN).requiresGrad(true);
    Tensor s = x.sign();
    assertTrue(s.requiresGrad(), "sign records a node, as PyTorch's");
    s.sum().backward();
    assertArrayEquals(new double[] {0, 0, 0, 0}, x.grad().toDoubleArray());
    Tensor y = vec(-2, 0.5, 3).requiresGrad(true);
    y.sign().mul(y).sum().backward(); // |y| written as sign(y) y: only the product's path
    assertArrayEquals(new double[] {-1, 1, 1}, y.grad().toDoubleArray());
  }

  @Test
  void normsMatchPlainLoops() {
    Random random = new Random(5);
    Tensor x = Tensor.randn(random, DType.FLOAT64, 3, 4);
    double[] v = x.toDoubleArray();
    double two = 0;
    double one = 0;
    double inf = 0;
    double[] rowTwo = new double[3];
    for (int i = 0; i < v.length; i++) {
      two += v[i] * v[i];
      one += Math.abs(v[i]);
      inf = Math.max(inf, Math.abs(v[i]));
      rowTwo[i / 4] += v[i] * v[i];
    }
    assertEquals(Math.sqrt(two), x.norm().item(), 1e-14);
    assertEquals(one, x.norm(1).item(), 1e-14);
    assertEquals(inf, x.norm(INF).item(), 0);
    Tensor rows = x.norm(2, true, 1);
    assertArrayEquals(new int[] {3, 1}, rows.shape().dims());
    for (int i = 0; i < 3; i++) {
      assertEquals(Math.sqrt(rowTwo[i]), rows.toDoubleArray()[i], 1e-14, "row " + i);
    }
    assertArrayEquals(new int[] {4}, x.norm(1, false, -2).shape().dims());
    assertArrayEquals(new int[] {1, 1}, x.norm(2, true).shape().dims());
    // torch.linalg.vector_norm(torch.tensor([1e30, 1e30]), 2) in float32: inf (no rescaling)
    assertEquals(INF, Tensor.of(new float[] {1e30f, 1e30f}, 2).norm().item());
    assertTrue(Double.isNaN(vec(NAN, 1).norm(INF).item()), "NaN propagates through max");
  }

  @Test
  void normGradientsAreTorchs() {
    // torch.linalg.vector_norm(zeros(3), ord).backward(): zeros for ord 2, 1 and inf
    for (double ord : new double[] {2, 1, INF}) {
      Tensor z = vec(0, 0, 0).requiresGrad(true);
      z.norm(ord).backward();
      assertArrayEquals(new double[] {0, 0, 0}, z.grad().toDoubleArray(), "ord " + ord);
    }
    // ord inf on [3, -3, 1, 0]: [0.5, -0.5, 0, 0], the tie shared; ord 1: [1, -1, 1, 0]
    Tensor t = vec(3, -3, 1, 0).requiresGrad(true);
    t.norm(INF).backward();
    assertArrayEquals(new double[] {0.5, -0.5, 0, 0}, t.grad().toDoubleArray());
    Tensor u = vec(3, -3, 1, 0).requiresGrad(true);
    u.norm(1).backward();
    assertArrayEquals(new double[] {1, -1, 1, 0}, u.grad().toDoubleArray());
    // a zero row among others: its gradient is 0, the others x / |x|
    Tensor m = Tensor.of(new double[] {0, 0, 3, 4}, DType.FLOAT64, 2, 2).requiresGrad(true);
    m.norm(2, false, 1).sum().backward();
    assertArrayEquals(new double[] {0, 0, 0.6, 0.8}, m.grad().toDoubleArray(), 1e-15);
    Tensor p = Tensor.randn(new Random(6), DType.FLOAT64, 3, 4);
    for (double ord : new double[] {2, 1, INF}) {
      GradCheck.Result r = GradCheck.gradCheck(in -> in.get(0).norm(ord, false, 1), List.of(p));
      assertTrue(r.passed(), "ord " + ord + ": " + r);
    }
    assertTrue(GradCheck.gradCheck(in -> in.get(0).norm(), List.of(p)).passed());
  }

  @Test
  void badNormArgumentsFailInOneLine() {
    Tensor x = Tensor.zeros(2, 3);
    assertEquals("norm: ord 3.0 for shape [2, 3] (axes []) is not offered; give 2, 1 or "
        + "Double.POSITIVE_INFINITY", assertThrows(IllegalArgumentException.class,
            () -> x.norm(3)).getMessage());
    assertEquals("norm: axis 2 is out of range for shape [2, 3] (rank 2)",
        assertThrows(IllegalArgumentException.class, () -> x.norm(2, false, 2)).getMessage());
  }
}
