package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code sin} and {@code cos} and their gradients against PyTorch 2.13's answers on the CPU
 * (pytorch/sin_cos.txt, written once by sin_cos.py beside it: 295 inputs per dtype with zeros of
 * both signs, the infinities, NaN, subnormals, multiples of pi/4 and |x| up to 1e4), and against
 * fdlibm ({@link StrictMath}) bit for bit, which is what makes the bits independent of the JIT.
 */
class SinCosTest {
  /** One line of the table: x, sin x, cos x, d(sin)/dx, d(cos)/dx. */
  private record Row(double x, double sin, double cos, double dSin, double dCos) {}

  private static List<Row> rows(DType dtype) throws IOException {
    List<Row> rows = new ArrayList<>();
    try (InputStream in = SinCosTest.class.getResourceAsStream("/pytorch/sin_cos.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split(" ");
        if (f[0].equals(dtype.name())) {
          rows.add(new Row(Double.parseDouble(f[1]), Double.parseDouble(f[2]),
              Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5])));
        }
      }
    }
    return rows;
  }

  /** Distance in units in the last place of {@code want} in {@code dtype}. */
  private static double ulps(DType dtype, double want, double got) {
    double ulp = dtype == DType.FLOAT32 ? Math.ulp((float) want) : Math.ulp(want);
    return Math.abs(want - got) / ulp;
  }

  /** NaN meets NaN, a zero a zero of the same sign, anything else within 2 ulps. */
  private static void assertMatches(String what, DType dtype, List<Row> rows,
      java.util.function.ToDoubleFunction<Row> want, double[] got) {
    assertEquals(rows.size(), got.length, what);
    for (int i = 0; i < got.length; i++) {
      double w = want.applyAsDouble(rows.get(i));
      double g = got[i];
      boolean ok = Double.isNaN(w) || w == 0 ? Double.compare(w, g) == 0 : ulps(dtype, w, g) <= 2;
      assertTrue(ok, what + " " + dtype + " of " + rows.get(i).x() + ": PyTorch gives " + w
          + ", jgrad " + g + " (" + ulps(dtype, w, g) + " ulps)");
    }
  }

  private static Tensor input(DType dtype, List<Row> rows) {
    return Tensor.of(rows.stream().mapToDouble(Row::x).toArray(), dtype, rows.size())
        .requiresGrad(true);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void valuesAndGradientsMatchPyTorch(DType dtype) throws IOException {
    List<Row> rows = rows(dtype);
    assertEquals(295, rows.size(), "the table's rows");
    Tensor x = input(dtype, rows);
    Tensor sin = x.sin();
    sin.sum().backward();
    assertMatches("sin", dtype, rows, Row::sin, sin.toDoubleArray());
    assertMatches("d(sin)/dx", dtype, rows, Row::dSin, x.grad().toDoubleArray());
    Tensor y = input(dtype, rows);
    Tensor cos = y.cos();
    cos.sum().backward();
    assertMatches("cos", dtype, rows, Row::cos, cos.toDoubleArray());
    assertMatches("d(cos)/dx", dtype, rows, Row::dCos, y.grad().toDoubleArray());
  }

  @Test
  void cpuGivesFdlibmsBitsInBothDtypes() {
    // enough elements, and enough calls, that the loops are JIT-compiled partway through
    Random random = new Random(5);
    double[] x = new double[20_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (random.nextDouble() - 0.5) * (i % 2 == 0 ? 20 : 2e4);
    }
    for (int round = 0; round < 20; round++) {
      double[] s64 = Tensor.of(x, DType.FLOAT64, x.length).sin().toDoubleArray();
      double[] c32 = Tensor.of(x, DType.FLOAT32, x.length).cos().toDoubleArray();
      for (int i = 0; i < x.length; i++) {
        assertEquals(Double.doubleToRawLongBits(StrictMath.sin(x[i])),
            Double.doubleToRawLongBits(s64[i]), "sin FLOAT64 of " + x[i]);
        assertEquals(Float.floatToRawIntBits((float) StrictMath.cos((float) x[i])),
            Float.floatToRawIntBits((float) c32[i]), "cos FLOAT32 of " + (float) x[i]);
      }
    }
  }

  @Test
  void gradientsPassGradCheckInFloat64() {
    Tensor x = Tensor.of(new double[] {-7.5, -3, -1, -0.2, 0, 0.3, 1.5, 2, 4, 1e3}, DType.FLOAT64,
        10);
    assertTrue(GradCheck.gradCheck(in -> in.get(0).sin(), List.of(x)).passed());
    assertTrue(GradCheck.gradCheck(in -> in.get(0).cos(), List.of(x)).passed());
    // the trial's model: a sin(b x) + c, through every input (|b x| small enough that central
    // differences with h = 1e-4 on b are accurate)
    Tensor xs = Tensor.of(new double[] {-3, -1, 0, 0.5, 2.5}, DType.FLOAT64, 5);
    Tensor a = Tensor.of(new double[] {2}, DType.FLOAT64, 1);
    Tensor b = Tensor.of(new double[] {1.5}, DType.FLOAT64, 1);
    Tensor c = Tensor.of(new double[] {0.5}, DType.FLOAT64, 1);
    GradCheck.Result r = GradCheck.gradCheck(in -> in.get(0).mul(in.get(1).mul(in.get(3)).sin())
        .add(in.get(2)).add(in.get(1).mul(in.get(3)).cos()), List.of(a, b, c, xs));
    assertTrue(r.passed(), r.toString());
  }
}
