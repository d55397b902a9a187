package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code cumsum}: against PyTorch 2.13's values and gradients on a vector of 1,000
 * (pytorch/cumsum.txt, from cumsum.py beside it), against plain loops along each axis of a 3-D
 * tensor, GradCheck, and its one-line errors.
 */
class CumsumTest {
  /** x, w, cumsum(x), d(sum(w cumsum(x)))/dx. */
  private static final String TABLE = "cumsum.txt";

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void valuesAndGradientsMatchPyTorch(DType dtype) throws IOException {
    List<double[]> rows = TorchTable.rows(TABLE, dtype);
    assertEquals(1000, rows.size(), "the table's rows");
    Tensor x = TorchTable.inputs(rows, dtype);
    Tensor w = Tensor.of(TorchTable.column(rows, 1), dtype, rows.size());
    Tensor c = x.cumsum(0);
    assertEquals(dtype, c.dtype());
    c.mul(w).sum().backward();
    // FLOAT32: both sum in double and round once, so within an ulp (the order of the double
    // additions differs); FLOAT64: the scan's order differs from PyTorch's running sum, so the
    // rounding errors do, by far less than 1e-12 of the sums' magnitudes here (up to 1e5)
    double[] got = c.toDoubleArray();
    for (int i = 0; i < got.length; i++) {
      double want = rows.get(i)[2];
      double tolerance = dtype == DType.FLOAT32 ? Math.ulp((float) want) : 1e-12 * 1e5;
      assertEquals(want, got[i], tolerance, "cumsum " + dtype + " at " + i);
    }
    double[] grad = x.grad().toDoubleArray();
    for (int i = 0; i < grad.length; i++) {
      double want = rows.get(i)[3];
      double tolerance = dtype == DType.FLOAT32 ? 4 * Math.ulp((float) want) : 1e-12 * 1e3;
      assertEquals(want, grad[i], tolerance, "gradient " + dtype + " at " + i);
    }
  }

  @Test
  void everyAxisMatchesAPlainLoop() {
    Random random = new Random(11);
    int[] dims = {3, 5, 4};
    Tensor x = Tensor.randn(random, DType.FLOAT64, dims);
    double[] v = x.toDoubleArray();
    for (int axis = -3; axis < 3; axis++) {
      int a = axis < 0 ? axis + 3 : axis;
      int inner = 1;
      for (int d = a + 1; d < 3; d++) {
        inner *= dims[d];
      }
      double[] want = v.clone();
      for (int i = 0; i < want.length; i++) {
        int along = i / inner % dims[a];
        if (along > 0) {
          want[i] += want[i - inner]; // i - inner is already a running sum
        }
      }
      double[] got = x.cumsum(axis).toDoubleArray();
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], 1e-12, "axis " + axis + " at " + i);
      }
    }
    // an axis of 1 and an empty axis pass through; a scalar is its own sum
    assertArrayEquals(v, Tensor.of(v, DType.FLOAT64, 60, 1).cumsum(1).toDoubleArray());
    assertEquals(0, Tensor.zeros(DType.FLOAT64, 0, 3).cumsum(0).size());
    assertEquals(2.5, Tensor.scalar(2.5, DType.FLOAT32).cumsum(0).item());
  }

  @Test
  void nonFiniteValuesRunOnAsInARunningSum() {
    double inf = Double.POSITIVE_INFINITY;
    assertArrayEquals(new double[] {1, inf, inf, Double.NaN, Double.NaN},
        Tensor.of(new double[] {1, inf, 2, -inf, 3}, DType.FLOAT64, 5).cumsum(0).toDoubleArray());
  }

  @Test
  void gradientIsTheReverseRunningSum() {
    Tensor x = Tensor.randn(new Random(12), DType.FLOAT64, 2, 9).requiresGrad(true);
    GradCheck.Result r = GradCheck.gradCheck(in -> in.get(0).cumsum(1), List.of(x));
    assertTrue(r.passed(), r.toString());
    GradCheck.Result r0 = GradCheck.gradCheck(in -> in.get(0).cumsum(-2), List.of(x));
    assertTrue(r0.passed(), r0.toString());
    x.cumsum(1).sum().backward(); // d/dx_i of sum_j cumsum_j = the count of j >= i
    assertArrayEquals(new double[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 9, 8, 7, 6, 5, 4, 3, 2, 1},
        x.grad().toDoubleArray());
  }

  @Test
  void badArgumentsFailInOneLine() {
    Tensor x = Tensor.zeros(2, 3);
    assertEquals("cumsum: axis 2 is out of range for shape [2, 3] (rank 2); give an axis from -2 "
        + "to 1", assertThrows(IllegalArgumentException.class, () -> x.cumsum(2)).getMessage());
    assertEquals("cumsum: dtype INT32 of shape [2]; give a FLOAT32 or FLOAT64 tensor "
        + "(to(DType.FLOAT32) converts)", assertThrows(IllegalArgumentException.class,
            () -> Tensor.indices(new int[] {1, 2}).cumsum(0)).getMessage());
  }
}
