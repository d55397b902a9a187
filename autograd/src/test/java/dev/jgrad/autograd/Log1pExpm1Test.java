package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code log1p} and {@code expm1} and their gradients against PyTorch 2.13's answers on the CPU
 * (pytorch/log1p_expm1.txt, written once by log1p_expm1.py beside it: 292 inputs per dtype with
 * zeros of both signs, -1 and below, the infinities, NaN, subnormals, the overflow edges and 100
 * values of |x| from 1e-20 to 0.1, where the point of both is their precision), and against fdlibm
 * ({@link StrictMath}) bit for bit.
 */
class Log1pExpm1Test {
  /** x, log1p x, expm1 x, d(log1p)/dx, d(expm1)/dx. */
  private static final String TABLE = "log1p_expm1.txt";

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void valuesAndGradientsMatchPyTorch(DType dtype) throws IOException {
    List<double[]> rows = TorchTable.rows(TABLE, dtype);
    assertEquals(292, rows.size(), "the table's rows");
    double minNormal = dtype == DType.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    for (double[] row : rows) {
      if (row[0] != 0 && Math.abs(row[0]) < minNormal) {
        // PyTorch's vectorized log1p gives 0 for a subnormal x; fdlibm gives x, the exact
        // answer (log1p x = x - x^2/2 + ..., and x^2 vanishes), which jgrad keeps
        assertEquals(0, row[1], "the table's log1p of a subnormal");
        row[1] = row[0];
      }
    }
    Tensor x = TorchTable.inputs(rows, dtype);
    Tensor log1p = x.log1p();
    log1p.sum().backward();
    TorchTable.assertMatches("log1p", dtype, rows, 1, log1p.toDoubleArray());
    TorchTable.assertMatches("d(log1p)/dx", dtype, rows, 3, x.grad().toDoubleArray());
    Tensor y = TorchTable.inputs(rows, dtype);
    Tensor expm1 = y.expm1();
    expm1.sum().backward();
    TorchTable.assertMatches("expm1", dtype, rows, 2, expm1.toDoubleArray());
    double[] grad = y.grad().toDoubleArray();
    double[] exp = y.detach().exp().toDoubleArray();
    double one = dtype == DType.FLOAT32 ? Math.ulp(1f) : Math.ulp(1.0);
    for (int i = 0; i < grad.length; i++) {
      // jgrad's gradient is exp(x) itself; PyTorch's, expm1(x) + 1, is off by up to an ulp of 1
      // where expm1 x is near -1 (x below about -17 in FLOAT64), so there they differ that much
      assertEquals(Double.doubleToLongBits(exp[i]), Double.doubleToLongBits(grad[i]),
          "d(expm1)/dx " + dtype + " of " + rows.get(i)[0] + " is exp x");
      double w = rows.get(i)[4];
      assertTrue(Double.compare(w, grad[i]) == 0 || TorchTable.ulps(dtype, w, grad[i]) <= 2
          || Math.abs(w - grad[i]) <= one, "d(expm1)/dx " + dtype + " of " + rows.get(i)[0]
          + ": PyTorch gives " + w + ", jgrad " + grad[i]);
    }
  }

  @Test
  void keepThePrecisionThatTheCompositesLoseNearZero() {
    // in FLOAT32, 1 + 1e-8 is 1: the composites give 0, the primitives x to the last bit
    Tensor x = Tensor.of(new float[] {1e-8f, -3e-9f}, 2);
    assertEquals(0, x.add(1).log().toFloatArray()[0]);
    assertEquals(0, x.exp().sub(1).toFloatArray()[0]);
    float[] l = x.log1p().toFloatArray();
    float[] e = x.expm1().toFloatArray();
    assertEquals(1e-8f, l[0]);
    assertEquals(-3e-9f, l[1]);
    assertEquals(1e-8f, e[0]);
    assertEquals(-3e-9f, e[1]);
  }

  @Test
  void cpuGivesFdlibmsBitsInBothDtypes() {
    // enough elements, and enough calls, that the loops are JIT-compiled partway through
    Random random = new Random(6);
    double[] x = new double[20_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 2 == 0 ? random.nextDouble() * 30 - 0.999 : (random.nextDouble() - 0.5) * 1e-3;
    }
    for (int round = 0; round < 20; round++) {
      double[] l64 = Tensor.of(x, DType.FLOAT64, x.length).log1p().toDoubleArray();
      double[] e32 = Tensor.of(x, DType.FLOAT32, x.length).expm1().toDoubleArray();
      for (int i = 0; i < x.length; i++) {
        assertEquals(Double.doubleToRawLongBits(StrictMath.log1p(x[i])),
            Double.doubleToRawLongBits(l64[i]), "log1p FLOAT64 of " + x[i]);
        assertEquals(Float.floatToRawIntBits((float) StrictMath.expm1((float) x[i])),
            Float.floatToRawIntBits((float) e32[i]), "expm1 FLOAT32 of " + (float) x[i]);
      }
    }
  }

  @Test
  void gradientsPassGradCheckInFloat64() {
    // |x| kept small: GradCheck differences the weighted sum, and e^20 in it would swamp the
    // other elements' changes in rounding
    Tensor x = Tensor.of(new double[] {-0.9, -0.5, -1e-3, 0, 1e-6, 0.3, 1.5, 4}, DType.FLOAT64, 8);
    GradCheck.Result l = GradCheck.gradCheck(in -> in.get(0).log1p(), List.of(x));
    assertTrue(l.passed(), l.toString());
    GradCheck.Result e = GradCheck.gradCheck(in -> in.get(0).expm1(), List.of(x));
    assertTrue(e.passed(), e.toString());
    // chained, through a product: log1p(expm1(a x) * b)
    Tensor xs = Tensor.of(new double[] {-1, 0.25, 0.5, 2}, DType.FLOAT64, 4);
    Tensor a = Tensor.of(new double[] {0.7}, DType.FLOAT64, 1);
    Tensor b = Tensor.of(new double[] {0.5}, DType.FLOAT64, 1); // b expm1(a x) well above -1
    GradCheck.Result r = GradCheck.gradCheck(
        in -> in.get(0).mul(in.get(2)).expm1().mul(in.get(1)).log1p(), List.of(a, b, xs));
    assertTrue(r.passed(), r.toString());
  }
}
