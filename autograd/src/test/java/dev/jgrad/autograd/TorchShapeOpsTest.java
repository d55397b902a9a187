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
 * {@code flip}, {@code repeat}, {@code eye} and {@code diag}: values against plain loops and
 * PyTorch 2.13's answers (quoted beside each), gradients against GradCheck in FLOAT64, and their
 * one-line errors.
 */
class TorchShapeOpsTest {
  private static String error(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void flipReversesTheGivenAxes() {
    Tensor x = PyTorchCompositesTest.iota(2, 3, 4);
    double[] v = x.toDoubleArray();
    // x.flip(0, 2) in a plain loop: out[i][j][k] = x[1 - i][j][3 - k]
    double[] want = new double[24];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          want[(i * 3 + j) * 4 + k] = v[((1 - i) * 3 + j) * 4 + (3 - k)];
        }
      }
    }
    assertArrayEquals(want, x.flip(0, -1).toDoubleArray());
    assertArrayEquals(want, x.flip(2, 0).toDoubleArray());
    // torch.tensor([[1., 2.], [3., 4.]]).flip(0, 1): [[4, 3], [2, 1]]
    assertArrayEquals(new double[] {4, 3, 2, 1},
        Tensor.of(new double[] {1, 2, 3, 4}, DType.FLOAT64, 2, 2).flip(0, 1).toDoubleArray());
    assertArrayEquals(v, x.flip().toDoubleArray());
    assertArrayEquals(new int[] {2, 0, 3}, PyTorchCompositesTest.iota(2, 0, 3).flip(1, 2).shape().dims());
    Tensor p = Tensor.randn(new Random(1), DType.FLOAT64, 3, 4);
    assertTrue(GradCheck.gradCheck(in -> in.get(0).flip(1), List.of(p)).passed());
    assertTrue(GradCheck.gradCheck(in -> in.get(0).flip(0, 1), List.of(p)).passed());
    // torch: "dim 0 appears multiple times in the list of dims"
    assertEquals("flip: axis 0 appears more than once in [0, -3] for shape [2, 3, 4]; give each "
        + "axis once", error(() -> x.flip(0, -3)));
    assertEquals("flip: axis 3 is out of range for shape [2, 3, 4] (rank 3); give an axis from "
        + "-3 to 2", error(() -> x.flip(3)));
  }

  @Test
  void repeatTilesAsTorchTensorRepeat() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, DType.FLOAT64, 2, 3);
    // torch: x.repeat(2, 2) is [[1,2,3,1,2,3],[4,5,6,4,5,6],[1,2,3,1,2,3],[4,5,6,4,5,6]]
    assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3, 1, 2, 3, 4, 5,
        6, 4, 5, 6}, x.repeat(2, 2).toDoubleArray());
    // extra leading counts add axes: x.repeat(2, 1, 3).shape is [2, 2, 9]
    Tensor r = x.repeat(2, 1, 3);
    assertArrayEquals(new int[] {2, 2, 9}, r.shape().dims());
    double[] got = r.toDoubleArray();
    double[] v = x.toDoubleArray();
    for (int t = 0; t < 2; t++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 9; j++) {
          assertEquals(v[i * 3 + j % 3], got[(t * 2 + i) * 9 + j], "at " + t + ", " + i + ", " + j);
        }
      }
    }
    assertArrayEquals(new int[] {0, 3}, x.repeat(0, 1).shape().dims());
    assertArrayEquals(v, x.repeat(1, 1).toDoubleArray());
    assertArrayEquals(new double[] {7, 7, 7}, Tensor.scalar(7, DType.FLOAT64).repeat(3)
        .toDoubleArray());
    // the gradient sums the tiles: each element appears 2 * 1 * 3 = 6 times
    Tensor w = x.requiresGrad(true);
    w.repeat(2, 1, 3).sum().backward();
    assertArrayEquals(new double[] {6, 6, 6, 6, 6, 6}, w.grad().toDoubleArray());
    Tensor p = Tensor.randn(new Random(2), DType.FLOAT64, 2, 3);
    assertTrue(GradCheck.gradCheck(in -> in.get(0).repeat(3, 1, 2), List.of(p)).passed());
    // torch: "Number of dimensions of repeat dims can not be smaller than number of dimensions
    // of tensor"
    assertEquals("repeat: 1 counts [2] for shape [2, 3] of rank 2; give at least one count per "
        + "axis (more add leading axes)", error(() -> x.repeat(2)));
    assertEquals("repeat: counts [2, -1] for shape [2, 3] hold a negative count; give counts >= "
        + "0", error(() -> x.repeat(2, -1)));
  }

  @Test
  void eyeIsTorchEye() {
    Tensor e = Tensor.eye(3);
    assertEquals(DType.FLOAT32, e.dtype());
    assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, e.toDoubleArray());
    // torch.eye(2, 3) and torch.eye(3, 2)
    assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0}, Tensor.eye(2, 3).toDoubleArray());
    assertArrayEquals(new int[] {3, 2}, Tensor.eye(3, 2).shape().dims());
    assertArrayEquals(new double[] {1, 0, 0, 1, 0, 0}, Tensor.eye(3, 2).toDoubleArray());
    assertEquals(DType.FLOAT64, Tensor.eye(2, 2, DType.FLOAT64).dtype());
    assertEquals(0, Tensor.eye(0).size());
    assertEquals("eye: sizes -1 x 2; give sizes >= 0", error(() -> Tensor.eye(-1, 2)));
  }

  @Test
  void diagOfAVectorIsADiagonalMatrix() {
    Tensor v = Tensor.of(new double[] {1, Double.NaN, 3}, DType.FLOAT64, 3);
    // torch.diag(torch.tensor([1., nan, 3.])): the NaN stays on the diagonal
    assertArrayEquals(new double[] {1, 0, 0, 0, Double.NaN, 0, 0, 0, 3},
        v.diag().toDoubleArray());
    // torch.diag(torch.tensor([1., 2.]), 1): [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
    Tensor two = Tensor.of(new double[] {1, 2}, DType.FLOAT64, 2);
    assertArrayEquals(new double[] {0, 1, 0, 0, 0, 2, 0, 0, 0}, two.diag(1).toDoubleArray());
    assertArrayEquals(new double[] {0, 0, 0, 1, 0, 0, 0, 2, 0}, two.diag(-1).toDoubleArray());
    assertArrayEquals(new int[] {2, 2}, Tensor.zeros(DType.FLOAT64, 0).diag(2).shape().dims());
    Tensor p = Tensor.randn(new Random(3), DType.FLOAT64, 4);
    for (int k : new int[] {0, 2, -1}) {
      assertTrue(GradCheck.gradCheck(in -> in.get(0).diag(k), List.of(p)).passed(), "k " + k);
    }
  }

  @Test
  void diagOfAMatrixIsItsDiagonal() {
    Tensor x = PyTorchCompositesTest.iota(3, 4);
    // plain loop: x[i][i + k]
    for (int k = -4; k <= 5; k++) {
      int length = Math.max(0, k >= 0 ? Math.min(3, 4 - k) : Math.min(3 + k, 4));
      double[] want = new double[length];
      for (int i = 0; i < length; i++) {
        want[i] = k >= 0 ? i * 4 + i + k : (i - k) * 4 + i;
      }
      assertArrayEquals(want, x.diag(k).toDoubleArray(), "k " + k);
    }
    // torch.diag(torch.tensor([[1., 2.], [3., 4.]]), -1): [3]
    assertArrayEquals(new double[] {3}, Tensor.of(new double[] {1, 2, 3, 4}, DType.FLOAT64, 2, 2)
        .diag(-1).toDoubleArray());
    // of a view (transposed): the view's diagonal
    assertArrayEquals(new double[] {0, 5, 10}, x.transpose().diag().toDoubleArray());
    Tensor p = Tensor.randn(new Random(4), DType.FLOAT64, 3, 5);
    for (int k : new int[] {0, 1, -2}) {
      assertTrue(GradCheck.gradCheck(in -> in.get(0).diag(k), List.of(p)).passed(), "k " + k);
    }
    assertEquals("diag: shape [2, 3, 4] has rank 3; give a vector (to make a diagonal matrix) or "
        + "a matrix (to take a diagonal)", error(() -> PyTorchCompositesTest.iota(2, 3, 4).diag()));
  }
}
