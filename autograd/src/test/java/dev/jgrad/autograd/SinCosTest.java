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
 * {@code sin} and {@code cos} and their gradients against PyTorch 2.13's answers on the CPU
 * (pytorch/sin_cos.txt, written once by sin_cos.py beside it: 295 inputs per dtype with zeros of
 * both signs, the infinities, NaN, subnormals, multiples of pi/4 and |x| up to 1e4), and against
 * fdlibm ({@link StrictMath}) bit for bit, which is what makes the bits independent of the JIT.
 */
class SinCosTest {
  private static final String TABLE = "sin_cos.txt"; // x, sin x, cos x, d(sin)/dx, d(cos)/dx

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void valuesAndGradientsMatchPyTorch(DType dtype) throws IOException {
    List<double[]> rows = TorchTable.rows(TABLE, dtype);
    assertEquals(295, rows.size(), "the table's rows");
    Tensor x = TorchTable.inputs(rows, dtype);
    Tensor sin = x.sin();
    sin.sum().backward();
    TorchTable.assertMatches("sin", dtype, rows, 1, sin.toDoubleArray());
    TorchTable.assertMatches("d(sin)/dx", dtype, rows, 3, x.grad().toDoubleArray());
    Tensor y = TorchTable.inputs(rows, dtype);
    Tensor cos = y.cos();
    cos.sum().backward();
    TorchTable.assertMatches("cos", dtype, rows, 2, cos.toDoubleArray());
    TorchTable.assertMatches("d(cos)/dx", dtype, rows, 4, y.grad().toDoubleArray());
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
