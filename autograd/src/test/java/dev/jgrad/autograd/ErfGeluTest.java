package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.Erf;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code erf}, the exact GELU and its tanh approximation, and their gradients, against PyTorch
 * 2.13's answers on the CPU (pytorch/erf_gelu.txt, written once by erf_gelu.py beside it: 276
 * inputs per dtype with zeros of both signs, the infinities, NaN, subnormals, fdlibm's interval
 * edges, 160 values in [-6, 6] and 80 of |x| from 1e-20 to 0.1), and the CPU's erf against
 * {@link Erf} bit for bit.
 */
class ErfGeluTest {
  /** x, erf, gelu, gelu_tanh, then the three gradients. */
  private static final String TABLE = "erf_gelu.txt";

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void erfAndItsGradientMatchPyTorch(DType dtype) throws IOException {
    List<double[]> rows = TorchTable.rows(TABLE, dtype);
    assertEquals(276, rows.size(), "the table's rows");
    Tensor x = TorchTable.inputs(rows, dtype);
    Tensor erf = x.erf();
    erf.sum().backward();
    TorchTable.assertMatches("erf", dtype, rows, 1, erf.toDoubleArray());
    TorchTable.assertMatches("d(erf)/dx", dtype, rows, 4, x.grad().toDoubleArray());
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void geluBothFormsAndGradientsMatchPyTorch(DType dtype) throws IOException {
    List<double[]> rows = TorchTable.rows(TABLE, dtype);
    for (double[] row : rows) {
      if (dtype == DType.FLOAT32 && row[0] == Double.POSITIVE_INFINITY) {
        // PyTorch's vectorized FLOAT32 kernel gives NaN for gelu(+inf) (its FLOAT64 gives +inf,
        // as x (1 + erf(+inf)) / 2 is); jgrad gives +inf in both
        assertTrue(Double.isNaN(row[2]), "the table's FLOAT32 gelu(+inf)");
        row[2] = Double.POSITIVE_INFINITY;
      }
    }
    // FLOAT32 is also held to PyTorch's FLOAT64 answers for the same (float) inputs: there
    // jgrad's FLOAT32 is within 2 ulps of max(|x|, 1), PyTorch's own FLOAT32 only within 3
    List<double[]> exact = dtype == DType.FLOAT32
        ? TorchTable.rows(TABLE, "FLOAT32_IN_FLOAT64") : rows;
    int c = 2;
    for (GeluApproximation form : GeluApproximation.values()) {
      Tensor x = TorchTable.inputs(rows, dtype);
      Tensor y = x.gelu(form);
      y.sum().backward();
      double[] value = y.toDoubleArray();
      double[] grad = x.grad().toDoubleArray();
      int slack = dtype == DType.FLOAT32 ? 3 : 2;
      assertNear("gelu " + form, dtype, rows, c, value, slack);
      assertNear("d(gelu " + form + ")/dx", dtype, rows, c + 3, grad, slack);
      assertNear("gelu " + form + " (in FLOAT64)", dtype, exact, c, value, 2);
      assertNear("d(gelu " + form + ")/dx (in FLOAT64)", dtype, exact, c + 3, grad, 2);
      c++;
    }
  }

  /**
   * Column {@code c} against {@code got}: NaN and the infinities exactly, anything else within 2
   * ulps (in {@code dtype}) or within {@code slack} ulps of max(|x|, 1). The second allowance is the composite's own error, in
   * PyTorch as here: below about x = -1, {@code 1 + erf(x / sqrt 2)} (and {@code 1 + tanh})
   * cancels, so the result is only as exact as an ulp of 1 times x, and two implementations whose
   * erf differ by an ulp differ by that much (relatively large where GELU is near 0).
   */
  private static void assertNear(String what, DType dtype, List<double[]> rows, int c,
      double[] got, int slack) {
    assertEquals(rows.size(), got.length, what);
    for (int i = 0; i < got.length; i++) {
      double x = rows.get(i)[0];
      double w = rows.get(i)[c];
      double g = got[i];
      boolean ok;
      w = dtype == DType.FLOAT32 ? (float) w : w; // a FLOAT64 answer rounded as FLOAT32 stores it
      if (Double.isNaN(w) || Double.isInfinite(w)) {
        ok = Double.compare(w, g) == 0;
      } else {
        double scale = Math.max(Math.abs(x), 1);
        double ulpScale = dtype == DType.FLOAT32 ? Math.ulp((float) scale) : Math.ulp(scale);
        ok = TorchTable.ulps(dtype, w, g) <= 2 || Math.abs(w - g) <= slack * ulpScale;
      }
      assertTrue(ok, what + " " + dtype + " of " + x + ": PyTorch gives " + w + ", jgrad " + g
          + " (" + TorchTable.ulps(dtype, w, g) + " ulps)");
    }
  }

  @Test
  void geluWithoutAnApproximationIsTheExactForm() {
    Tensor x = Tensor.of(new double[] {-2, -0.3, 0, 0.7, 3}, DType.FLOAT64, 5);
    double[] exact = x.gelu().toDoubleArray();
    double[] none = x.gelu(GeluApproximation.NONE).toDoubleArray();
    double[] tanh = x.gelu(GeluApproximation.TANH).toDoubleArray();
    for (int i = 0; i < exact.length; i++) {
      assertEquals(none[i], exact[i], 0);
    }
    // the forms differ by up to about 2e-4 (here at -2: 0.0454023 against 0.0455003)
    assertEquals(-0.04550026389635842, exact[0], 1e-15);
    assertEquals(-0.04540230591222494, tanh[0], 1e-15);
    NullPointerException e = assertThrows(NullPointerException.class, () -> x.gelu(null));
    assertTrue(e.getMessage().contains("GeluApproximation.NONE"), e.getMessage());
  }

  @Test
  void cpuGivesErfsBitsInBothDtypes() {
    // enough elements, and enough calls, that the loop is JIT-compiled partway through; every
    // interval of fdlibm's scheme is drawn
    Random random = new Random(7);
    double[] x = new double[20_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 2 == 0 ? random.nextDouble() * 14 - 7 : (random.nextDouble() - 0.5) * 1e-3;
    }
    for (int round = 0; round < 20; round++) {
      double[] e64 = Tensor.of(x, DType.FLOAT64, x.length).erf().toDoubleArray();
      double[] e32 = Tensor.of(x, DType.FLOAT32, x.length).erf().toDoubleArray();
      for (int i = 0; i < x.length; i++) {
        assertEquals(Double.doubleToRawLongBits(Erf.erf(x[i])),
            Double.doubleToRawLongBits(e64[i]), "erf FLOAT64 of " + x[i]);
        assertEquals(Float.floatToRawIntBits((float) Erf.erf((float) x[i])),
            Float.floatToRawIntBits((float) e32[i]), "erf FLOAT32 of " + (float) x[i]);
      }
    }
  }

  @Test
  void gradientsPassGradCheckInFloat64() {
    Tensor x = Tensor.of(new double[] {-3, -1.1, -0.5, -1e-3, 0, 1e-6, 0.3, 0.9, 1.5, 2.5, 4},
        DType.FLOAT64, 11);
    GradCheck.Result e = GradCheck.gradCheck(in -> in.get(0).erf(), List.of(x));
    assertTrue(e.passed(), e.toString());
    for (GeluApproximation form : GeluApproximation.values()) {
      GradCheck.Result g = GradCheck.gradCheck(in -> in.get(0).gelu(form), List.of(x));
      assertTrue(g.passed(), form + ": " + g);
    }
    // chained, through a product: gelu(erf(a x) * b)
    Tensor xs = Tensor.of(new double[] {-1, 0.25, 0.5, 2}, DType.FLOAT64, 4);
    Tensor a = Tensor.of(new double[] {0.7}, DType.FLOAT64, 1);
    Tensor b = Tensor.of(new double[] {1.5}, DType.FLOAT64, 1);
    GradCheck.Result r = GradCheck.gradCheck(
        in -> in.get(0).mul(in.get(2)).erf().mul(in.get(1)).gelu(), List.of(a, b, xs));
    assertTrue(r.passed(), r.toString());
  }
}
