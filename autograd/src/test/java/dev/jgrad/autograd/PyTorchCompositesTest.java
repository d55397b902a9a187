package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The ops a PyTorch user reaches for, composed from jgrad's (comparisons, maximum/minimum,
 * square, reciprocal, rsqrt, flatten, split, chunk, arange, linspace, *Like): values against
 * plain Java loops, gradients against GradCheck and PyTorch 2.13's tie rule, and one-line errors.
 */
class PyTorchCompositesTest {
  private static final double NAN = Double.NaN;

  private static Tensor vec(double... v) {
    return Tensor.of(v, DType.FLOAT64, v.length);
  }

  /** Pairs with ties, NaN and signed zeros; b broadcast as a column against a row. */
  private static void assertElementwise(String what, BiFunction<Tensor, Tensor, Tensor> op,
      DoubleBinaryOperator want) {
    double[] a = {1, 2, 3, NAN, 0.0, -0.0, -1e30, Double.POSITIVE_INFINITY};
    double[] b = {1, 2.5, NAN};
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      Tensor out = op.apply(Tensor.of(a, dtype, 1, a.length), Tensor.of(b, dtype, b.length, 1));
      assertEquals(dtype, out.dtype(), what + " dtype");
      assertArrayEquals(new int[] {b.length, a.length}, out.shape().dims(), what);
      double[] got = out.toDoubleArray();
      for (int i = 0; i < b.length; i++) {
        for (int j = 0; j < a.length; j++) {
          double w = want.applyAsDouble(dtype == DType.FLOAT32 ? (float) a[j] : a[j], b[i]);
          double g = got[i * a.length + j];
          assertEquals(Double.doubleToLongBits(w), Double.doubleToLongBits(g),
              what + " " + dtype + " of " + a[j] + ", " + b[i] + ": want " + w + ", got " + g);
        }
      }
    }
  }

  private static double bit(boolean b) {
    return b ? 1 : 0;
  }

  @Test
  void comparisonsGiveGreatersZerosAndOnes() {
    assertElementwise("less", Tensor::less, (x, y) -> bit(x < y));
    assertElementwise("lessEqual", Tensor::lessEqual, (x, y) -> bit(x <= y));
    assertElementwise("greaterEqual", Tensor::greaterEqual, (x, y) -> bit(x >= y));
    assertElementwise("notEqual", Tensor::notEqual, (x, y) -> bit(x != y));
    // INT32 labels compare exactly, FLOAT32 out, as eq
    Tensor ne = Tensor.indices(new int[] {16777217, 3}).notEqual(Tensor.indices(new int[] {
        16777216, 3}));
    assertEquals(DType.FLOAT32, ne.dtype());
    assertArrayEquals(new double[] {1, 0}, ne.toDoubleArray());
  }

  @Test
  void maximumAndMinimumFollowMathMaxAndMin() {
    assertElementwise("maximum", Tensor::maximum, Math::max);
    assertElementwise("minimum", Tensor::minimum, Math::min);
  }

  @Test
  void maximumAndMinimumGradientsAreTorchs() {
    // torch.maximum(a, b).backward(ones): a.grad [.5, 1, 0, 1, .5], b.grad [.5, 0, 1, 1, .5]
    double[] a = {1, 2, 3, NAN, 0.0};
    double[] b = {1, 1, 4, 1, -0.0};
    Tensor x = vec(a).requiresGrad(true);
    Tensor y = vec(b).requiresGrad(true);
    x.maximum(y).sum().backward();
    assertArrayEquals(new double[] {0.5, 1, 0, 1, 0.5}, x.grad().toDoubleArray());
    assertArrayEquals(new double[] {0.5, 0, 1, 1, 0.5}, y.grad().toDoubleArray());
    Tensor u = vec(a).requiresGrad(true);
    Tensor v = vec(b).requiresGrad(true);
    u.minimum(v).sum().backward(); // torch.minimum: a [.5, 0, 1, 1, .5], b [.5, 1, 0, 1, .5]
    assertArrayEquals(new double[] {0.5, 0, 1, 1, 0.5}, u.grad().toDoubleArray());
    assertArrayEquals(new double[] {0.5, 1, 0, 1, 0.5}, v.grad().toDoubleArray());
    // broadcast: the column's gradient sums over the row
    Tensor row = Tensor.of(new double[] {0, 1, 2, 3}, DType.FLOAT64, 1, 4).requiresGrad(true);
    Tensor col = Tensor.of(new double[] {1.5, 2}, DType.FLOAT64, 2, 1).requiresGrad(true);
    row.maximum(col).sum().backward();
    assertArrayEquals(new double[] {0, 0, 1.5, 2}, row.grad().toDoubleArray());
    assertArrayEquals(new double[] {2, 2.5}, col.grad().toDoubleArray());
    Random random = new Random(3);
    Tensor p = Tensor.randn(random, DType.FLOAT64, 3, 4);
    Tensor q = Tensor.randn(random, DType.FLOAT64, 4);
    assertTrue(GradCheck.gradCheck(in -> in.get(0).maximum(in.get(1)), List.of(p, q)).passed());
    assertTrue(GradCheck.gradCheck(in -> in.get(0).minimum(in.get(1)), List.of(p, q)).passed());
  }

  @Test
  void squareReciprocalAndRsqrtMatchTheirFormulas() {
    double[] x = {0.25, 1, 2, 3, 1e-3, 7};
    double[] sq = vec(x).square().toDoubleArray();
    double[] rec = vec(x).reciprocal().toDoubleArray();
    double[] rs = vec(x).rsqrt().toDoubleArray();
    for (int i = 0; i < x.length; i++) {
      assertEquals(x[i] * x[i], sq[i], 0, "square");
      assertEquals(1 / x[i], rec[i], 0, "reciprocal");
      assertEquals(1 / Math.sqrt(x[i]), rs[i], 0, "rsqrt");
    }
    assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, NAN},
        vec(0.0, -0.0, -1).reciprocal().mul(vec(1, 1, NAN)).toDoubleArray());
    assertEquals(DType.FLOAT32, Tensor.of(new float[] {2}, 1).reciprocal().dtype());
    Tensor t = vec(0.5, 1.5, 3, 9);
    assertTrue(GradCheck.gradCheck(in -> in.get(0).square(), List.of(t)).passed());
    assertTrue(GradCheck.gradCheck(in -> in.get(0).reciprocal(), List.of(t)).passed());
    assertTrue(GradCheck.gradCheck(in -> in.get(0).rsqrt(), List.of(t)).passed());
  }

  /** 0, 1, 2, ... in FLOAT64, of {@code shape}. */
  static Tensor iota(int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    return Tensor.of(v, DType.FLOAT64, shape);
  }

  @Test
  void flattenMergesTheGivenAxes() {
    Tensor x = iota(2, 3, 4, 5);
    assertArrayEquals(new int[] {120}, x.flatten().shape().dims());
    assertArrayEquals(new int[] {2, 60}, x.flatten(1, -1).shape().dims());
    assertArrayEquals(new int[] {2, 12, 5}, x.flatten(1, 2).shape().dims());
    assertArrayEquals(new int[] {2, 3, 4, 5}, x.flatten(2, 2).shape().dims());
    assertArrayEquals(iota(120).toDoubleArray(), x.flatten(-3, -2).toDoubleArray());
    assertSame(x.storage(), x.flatten(1, 2).storage());
    assertArrayEquals(new int[] {1}, Tensor.scalar(3, DType.FLOAT32).flatten().shape().dims());
    assertEquals("flatten: startDim 2 comes after endDim 1 in shape [2, 3, 4, 5]; give "
        + "startDim <= endDim", assertThrows(IllegalArgumentException.class,
            () -> x.flatten(2, 1)).getMessage());
    assertEquals("flatten: axis 4 is out of range for shape [2, 3, 4, 5] (rank 4); give an axis "
        + "from -4 to 3", assertThrows(IllegalArgumentException.class,
            () -> x.flatten(0, 4)).getMessage());
  }

  @Test
  void splitAndChunkAreViewsWithTorchsSizes() {
    Tensor x = iota(3, 7).requiresGrad(true);
    List<Tensor> parts = x.split(new int[] {2, 0, 5}, 1);
    assertEquals(3, parts.size());
    assertArrayEquals(new int[] {3, 2}, parts.get(0).shape().dims());
    assertArrayEquals(new int[] {3, 0}, parts.get(1).shape().dims());
    assertArrayEquals(new double[] {2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20},
        parts.get(2).contiguous().toDoubleArray());
    assertSame(x.storage(), parts.get(2).storage());
    // torch.chunk sizes: 7 in 3 -> 3, 3, 1; 6 in 4 -> 2, 2, 2; 0 in 3 -> 0, 0, 0
    assertEquals(List.of(3, 3, 1), sizes(x.chunk(3, -1), 1));
    assertEquals(List.of(2, 2, 2), sizes(iota(6).chunk(4, 0), 0));
    assertEquals(List.of(0, 0, 0), sizes(iota(0).chunk(3, 0), 0));
    assertEquals(List.of(3), sizes(x.chunk(1, 0), 0));
    // torch.split(x, 6) of 10 -> 6, 4 (chunk(2) would give 5, 5); of 7 by 2 -> 2, 2, 2, 1
    assertEquals(List.of(6, 4), sizes(iota(10).split(6, 0), 0));
    assertEquals(List.of(2, 2, 2, 1), sizes(x.split(2, 1), 1));
    assertEquals("split: part size 0 for shape [3, 7]; give a size >= 1",
        assertThrows(IllegalArgumentException.class, () -> x.split(0, 1)).getMessage());
    // gradients reach the right columns
    List<Tensor> c = x.chunk(3, 1);
    c.get(0).sum().add(c.get(2).mul(10).sum()).backward();
    double[] g = x.grad().toDoubleArray();
    for (int i = 0; i < g.length; i++) {
      int col = i % 7;
      assertEquals(col < 3 ? 1 : col == 6 ? 10 : 0, g[i], "grad at " + i);
    }
    assertEquals("split: sizes [2, 4] add up to 6, but axis 1 of shape [3, 7] has size 7; give "
        + "sizes that add up to it", assertThrows(IllegalArgumentException.class,
            () -> x.split(new int[] {2, 4}, 1)).getMessage());
    assertEquals("chunk: 0 chunks asked of shape [3, 7]; ask for at least 1",
        assertThrows(IllegalArgumentException.class, () -> x.chunk(0, 1)).getMessage());
  }

  private static List<Integer> sizes(List<Tensor> parts, int axis) {
    return parts.stream().map(t -> t.shape().dim(axis)).toList();
  }

  @Test
  void arangeAndLinspaceFollowTorch() {
    Tensor i = Tensor.arange(2, 11, 3);
    assertEquals(DType.INT32, i.dtype());
    assertArrayEquals(new int[] {2, 5, 8}, i.toIntArray());
    assertArrayEquals(new int[] {5, 3, 1, -1}, Tensor.arange(5, -2, -2).toIntArray());
    assertArrayEquals(new int[] {0, 1, 2, 3}, Tensor.arange(4).toIntArray());
    assertEquals(0, Tensor.arange(3, 3, -1).size());
    Tensor f = Tensor.arange(0, 1, 0.1);
    assertEquals(DType.FLOAT32, f.dtype());
    float[] fv = f.toFloatArray();
    assertEquals(10, fv.length); // torch.arange(0, 1, 0.1): 10 values
    for (int k = 0; k < fv.length; k++) {
      assertEquals((float) (k * 0.1), fv[k], 0, "arange at " + k);
    }
    // torch.linspace(-3.3, 7.1, 11), within float32 rounding; both ends exact
    float[] l = Tensor.linspace(-3.3, 7.1, 11).toFloatArray();
    assertEquals(-3.3f, l[0], 0);
    assertEquals(7.1f, l[10], 0);
    for (int k = 0; k < 11; k++) {
      assertEquals(-3.3 + k * 1.04, l[k], 2e-7 * 8, "linspace at " + k);
    }
    assertArrayEquals(new double[] {2}, Tensor.linspace(2, 5, 1, DType.FLOAT64).toDoubleArray());
    assertEquals(0, Tensor.linspace(2, 5, 0).size());
    assertEquals("arange(0.0, 5.0, -1.0): a negative step never reaches end from start; give a "
        + "step of the other sign (or swap start and end)", assertThrows(
            IllegalArgumentException.class, () -> Tensor.arange(0, 5, -1)).getMessage());
    assertEquals("arange(0.0, 1.0, 0.0): step must not be 0", assertThrows(
        IllegalArgumentException.class, () -> Tensor.arange(0, 1, 0.0)).getMessage());
    assertEquals("linspace(0.0, 1.0, -1): steps must be >= 0", assertThrows(
        IllegalArgumentException.class, () -> Tensor.linspace(0, 1, -1)).getMessage());
  }

  @Test
  void likeFactoriesCopyShapeDtypeAndBackend() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, DType.FLOAT64, 2, 3);
    Tensor ones = Tensor.onesLike(x);
    assertEquals(x.shape(), ones.shape());
    assertEquals(DType.FLOAT64, ones.dtype());
    assertSame(x.backend(), ones.backend());
    assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, ones.toDoubleArray());
    assertArrayEquals(new double[6], Tensor.zerosLike(x).toDoubleArray());
    Tensor labels = Tensor.fullLike(Tensor.indices(new int[] {4, 5}), 7);
    assertEquals(DType.INT32, labels.dtype());
    assertArrayEquals(new int[] {7, 7}, labels.toIntArray());
  }

  @Test
  void docsPytorchRecipesForMissingOpsWork() {
    // docs/pytorch.md: masked_fill, and the stand-ins for a Frobenius norm and einsum, written
    // with what exists
    Tensor x = vec(-2, 0, 3, -0.5);
    Tensor mask = x.less(Tensor.zerosLike(x));
    assertArrayEquals(new double[] {9, 0, 3, 9},
        Tensor.where(mask, Tensor.fullLike(x, 9), x).toDoubleArray());
    Tensor m = Tensor.of(new double[] {1, 5, 2, 7, 0, 3}, DType.FLOAT64, 2, 3);
    assertEquals(Math.sqrt(1 + 25 + 4 + 49 + 9), m.norm().item(), 1e-14); // Frobenius
    Tensor w = Tensor.of(new double[] {1, 0, 0, 1, 1, 1}, DType.FLOAT64, 3, 2);
    assertArrayEquals(new double[] {3, 7, 10, 3}, m.matmul(w).toDoubleArray()); // einsum ij,jk
  }
}
