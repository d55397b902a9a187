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
 * {@code sort} and {@code topk}: against PyTorch 2.13's {@code torch.sort(stable=True)} and
 * {@code topk} (quoted beside each) on ties, signed zeros and NaN, against the sorted order on
 * random data of every axis, their gradients (scattered to the chosen positions, GradCheck in
 * FLOAT64), and one-line errors.
 */
class SortTopkTest {
  private static final double NAN = Double.NaN;
  /** Ties, both zeros and NaNs in each row. */
  private static final double[] X = {3, 1, NAN, 1, -0.0, 0.0, 2, 5, 5, 5, -1, NAN, NAN, 0};

  private static Tensor x() {
    return Tensor.of(X, DType.FLOAT64, 2, 7);
  }

  /** Bit for bit: NaN meets NaN, -0.0 only -0.0. */
  private static void assertBits(double[] want, double[] got, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got[i]),
          what + " at " + i + ": want " + want[i] + ", got " + got[i]);
    }
  }

  @Test
  void sortIsTorchsStableSort() {
    // torch.sort(x, stable=True, dim=1)
    ValuesAndIndices up = x().sort(1, false);
    assertBits(new double[] {-0.0, 0.0, 1, 1, 2, 3, NAN, -1, 0, 5, 5, 5, NAN, NAN},
        up.values().toDoubleArray(), "ascending");
    assertArrayEquals(new int[] {4, 5, 1, 3, 6, 0, 2, 3, 6, 0, 1, 2, 4, 5},
        up.indices().toIntArray());
    assertEquals(DType.INT32, up.indices().dtype());
    // torch.sort(x, stable=True, dim=1, descending=True)
    ValuesAndIndices down = x().sort(-1, true);
    assertBits(new double[] {NAN, 3, 2, 1, 1, -0.0, 0.0, NAN, NAN, 5, 5, 5, 0, -1},
        down.values().toDoubleArray(), "descending");
    assertArrayEquals(new int[] {2, 0, 6, 1, 3, 4, 5, 4, 5, 0, 1, 2, 6, 3},
        down.indices().toIntArray());
    // torch.sort(x, stable=True, dim=0, descending=True)
    ValuesAndIndices cols = x().sort(0, true);
    assertArrayEquals(new int[] {1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1},
        cols.indices().toIntArray());
    assertBits(new double[] {5, 5, NAN, 1, NAN, NAN, 2, 3, 1, 5, -1, -0.0, 0.0, 0},
        cols.values().toDoubleArray(), "columns");
  }

  @Test
  void topkIsTheFirstKOfTheDescendingSort() {
    ValuesAndIndices top = x().topk(3, 1);
    assertArrayEquals(new int[] {2, 3}, top.values().shape().dims());
    assertBits(new double[] {NAN, 3, 2, NAN, NAN, 5}, top.values().toDoubleArray(), "topk");
    // torch.topk(x, 3, 1).indices: [[2, 0, 6], [5, 4, 0]]; PyTorch leaves the order of ties
    // unspecified (here the two NaNs came last index first), jgrad puts the lower index first
    assertArrayEquals(new int[] {2, 0, 6, 4, 5, 0}, top.indices().toIntArray());
    assertEquals(0, x().topk(0, 1).values().size());
    assertArrayEquals(x().sort(1, true).indices().toIntArray(), x().topk(7, 1).indices()
        .toIntArray());
  }

  @Test
  void randomDataSortsAlongEveryAxis() {
    Random random = new Random(13);
    int[] dims = {4, 6, 5};
    Tensor t = Tensor.randn(random, DType.FLOAT32, dims);
    double[] v = t.toDoubleArray();
    for (int axis = 0; axis < 3; axis++) {
      ValuesAndIndices s = t.sort(axis, axis == 1);
      double[] values = s.values().toDoubleArray();
      int[] idx = s.indices().toIntArray();
      int inner = 1;
      for (int d = axis + 1; d < 3; d++) {
        inner *= dims[d];
      }
      int n = dims[axis];
      for (int e = 0; e < v.length; e++) {
        int j = e / inner % n;
        int base = e - j * inner; // the line's first element
        assertEquals(v[base + idx[e] * inner], values[e], 0, "value is x at its index");
        if (j > 0) {
          double prev = values[e - inner];
          assertTrue(axis == 1 ? prev >= values[e] : prev <= values[e], "order along " + axis);
        }
      }
    }
  }

  @Test
  void gradientsGoToTheChosenPositions() {
    // torch.topk([4, 1, 3, 2], 2) weighted [10, 1]: gradient [10, 0, 1, 0]
    Tensor y = Tensor.of(new double[] {4, 1, 3, 2}, DType.FLOAT64, 4).requiresGrad(true);
    y.topk(2, 0).values().mul(Tensor.of(new double[] {10, 1}, DType.FLOAT64, 2)).sum()
        .backward();
    assertArrayEquals(new double[] {10, 0, 1, 0}, y.grad().toDoubleArray());
    // values at least 0.1 apart: GradCheck's steps of 1e-4 never swap two (randn's can)
    Tensor p = Tensor.of(new double[] {0.3, -1.2, 0.9, 0.0, 1.4, -0.5, 0.7, -0.1, 1.1, -0.8, 0.5,
        -1.5, 0.2, 1.7, -0.3}, DType.FLOAT64, 3, 5);
    for (GradCheck.Result r : List.of(
        GradCheck.gradCheck(in -> in.get(0).sort(1, false).values(), List.of(p)),
        GradCheck.gradCheck(in -> in.get(0).sort(0, true).values(), List.of(p)),
        GradCheck.gradCheck(in -> in.get(0).topk(2, 1).values(), List.of(p)))) {
      assertTrue(r.passed(), r.toString());
    }
  }

  @Test
  void scalarsSortToThemselves() {
    ValuesAndIndices s = Tensor.scalar(2.5, DType.FLOAT64).sort(0, false);
    assertEquals(0, s.values().shape().rank());
    assertEquals(2.5, s.values().item());
    assertArrayEquals(new int[] {0}, s.indices().toIntArray());
  }

  @Test
  void badArgumentsFailInOneLine() {
    Tensor t = x();
    assertEquals("topk: k 8 is more than the 7 entries along axis 1 of shape [2, 7]; give k from "
        + "0 to 7", assertThrows(IllegalArgumentException.class, () -> t.topk(8, 1)).getMessage());
    assertEquals("topk: k -1 for shape [2, 7]; give k from 0 to 7", assertThrows(
        IllegalArgumentException.class, () -> t.topk(-1, 1)).getMessage());
    assertEquals("sort: axis 2 is out of range for shape [2, 7] (rank 2); give an axis from -2 to "
        + "1", assertThrows(IllegalArgumentException.class, () -> t.sort(2, false)).getMessage());
    assertEquals("sort: dtype INT32 of shape [2]; give a FLOAT32 or FLOAT64 tensor "
        + "(to(DType.FLOAT32) converts)", assertThrows(IllegalArgumentException.class,
            () -> Tensor.indices(new int[] {2, 1}).sort(0, false)).getMessage());
  }
}
