package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * abs, clamp, min/argmin, where, gather/scatterAdd, stack, logSumExp/logSoftmax, var/std and
 * item(index): forward values against plain Java loops, special values, gradients at the edges
 * central differences cannot check (kinks, ties, bounds), and bad input.
 */
class SelectionStatisticsTest {
  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;

  private static void assertMessage(Class<? extends Throwable> type, Executable call,
      String... parts) {
    Throwable t = assertThrows(type, call);
    for (String p : parts) {
      assertTrue(t.getMessage().contains(p), "message '" + t.getMessage() + "' lacks '" + p + "'");
    }
  }

  private static double[] random(Random rnd, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextGaussian();
    }
    return v;
  }

  private static double tolerance(DType dt) {
    return dt == DType.FLOAT32 ? 1e-5 : 1e-12;
  }

  // ---- abs and clamp -------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void absAndItsGradientZeroAtZero(DType dt) {
    Tensor x = Tensor.of(new double[] {-2, 0, 3, -0.5}, dt).requiresGrad(true);
    assertArrayEquals(new double[] {2, 0, 3, 0.5}, x.abs().toDoubleArray(), 0);
    x.abs().sum().backward();
    assertArrayEquals(new double[] {-1, 0, 1, -1}, x.grad().toDoubleArray(), 0);
    assertTrue(Double.isNaN(Tensor.of(new double[] {NAN}, dt).abs().item()));
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void clampAgreesWithLoopsKeepsNanAndPassesGradientInsideTheBounds(DType dt) {
    double[] v = {-5, -1, 0.5, 2, 3, NAN, -INF, INF};
    Tensor x = Tensor.of(v, dt);
    double[] both = new double[v.length];
    double[] low = new double[v.length];
    double[] high = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      both[i] = Double.isNaN(v[i]) ? NAN : Math.min(Math.max(v[i], -1), 2);
      low[i] = Double.isNaN(v[i]) ? NAN : Math.max(v[i], 0.5);
      high[i] = Double.isNaN(v[i]) ? NAN : Math.min(v[i], 0.5);
    }
    assertArrayEquals(both, x.clamp(-1, 2).toDoubleArray(), 0);
    assertArrayEquals(low, x.clampMin(0.5).toDoubleArray(), 0);
    assertArrayEquals(high, x.clampMax(0.5).toDoubleArray(), 0);

    Tensor w = Tensor.of(new double[] {-5, -1, 0.5, 2, 3}, dt).requiresGrad(true);
    w.clamp(-1, 2).sum().backward();
    assertArrayEquals(new double[] {0, 1, 1, 1, 0}, w.grad().toDoubleArray(), 0,
        "1 where min <= x <= max, bounds included");
  }

  @Test
  void clampRejectsCrossedOrNanBounds() {
    Tensor x = Tensor.zeros(2, 3);
    assertMessage(IllegalArgumentException.class, () -> x.clamp(2, 1), "jgrad::clamp", "2.0",
        "1.0", "[2, 3]", "min <= max");
    assertMessage(IllegalArgumentException.class, () -> x.clampMin(NAN), "clampMin: ", "NaN");
  }

  // ---- min and argmin ------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void minAndArgminAgreeWithLoops(DType dt) {
    double[] v = random(new Random(1), 12);
    Tensor x = Tensor.of(v, dt, 3, 4);
    double[] x32 = x.toDoubleArray(); // the values as stored
    double[] rowMin = new double[3];
    int[] rowArg = new int[3];
    double[] colMin = new double[4];
    double all = INF;
    java.util.Arrays.fill(colMin, INF);
    for (int i = 0; i < 3; i++) {
      rowMin[i] = INF;
      for (int j = 0; j < 4; j++) {
        double e = x32[i * 4 + j];
        if (e < rowMin[i]) {
          rowMin[i] = e;
          rowArg[i] = j;
        }
        colMin[j] = Math.min(colMin[j], e);
        all = Math.min(all, e);
      }
    }
    assertArrayEquals(rowMin, x.min(1, false).toDoubleArray(), 0);
    assertArrayEquals(colMin, x.min(true, 0).toDoubleArray(), 0);
    assertEquals(Shape.of(1, 4), x.min(true, 0).shape());
    assertEquals(all, x.min().item(), 0);
    assertArrayEquals(rowArg, x.argmin(1).toIntArray());
    assertEquals(DType.INT32, x.argmin(1).dtype());
  }

  @Test
  void argminTakesTheFirstMinimumAndMinSharesTheGradientLikeMax() {
    Tensor x = Tensor.of(new double[] {3, 1, 1, 2, 2, 5}, 2, 3).requiresGrad(true);
    assertArrayEquals(new int[] {1, 0}, x.argmin(1).toIntArray());
    x.min(1, false).sum().backward();
    assertArrayEquals(new double[] {0, 0.5, 0.5, 0.5, 0.5, 0}, x.grad().toDoubleArray(), 0);
  }

  // ---- where ---------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void whereSelectsWithoutLeakingInfOrNanFromTheOtherBranch(DType dt) {
    Tensor a = Tensor.of(new double[] {1, INF, 3, NAN}, dt, 2, 2);
    Tensor b = Tensor.of(new double[] {NAN, 20, -INF, 40}, dt, 2, 2);
    Tensor cond = Tensor.of(new double[] {1, 0, 1, 0}, dt, 2, 2);
    assertArrayEquals(new double[] {1, 20, 3, 40}, Tensor.where(cond, a, b).toDoubleArray(), 0);
    Tensor fromCompare = a.greater(Tensor.of(new double[] {2}, dt)); // NaN > 2 is false
    assertArrayEquals(new double[] {NAN, INF, 3, 40},
        Tensor.where(fromCompare, a, b).toDoubleArray(), 0);
  }

  @Test
  void whereBroadcastsAllThreeAndTakesInt32Conditions() {
    Tensor cond = Tensor.indices(new int[] {0, 7, 1}); // [3]: any nonzero is true
    Tensor a = Tensor.of(new double[] {1, 2}, 2, 1);
    Tensor b = Tensor.scalar(-1, DType.FLOAT64);
    Tensor out = Tensor.where(cond, a, b);
    assertEquals(Shape.of(2, 3), out.shape());
    double[] expected = new double[6];
    int[] c = {0, 7, 1};
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        expected[i * 3 + j] = c[j] != 0 ? i + 1 : -1;
      }
    }
    assertArrayEquals(expected, out.toDoubleArray(), 0);
  }

  @Test
  void whereSendsTheGradientToTheTakenBranchSummedOverBroadcastAxes() {
    Tensor cond = Tensor.of(new double[] {1, 0, 0, 1, 1, 0}, 2, 3);
    Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
    Tensor b = Tensor.of(new double[] {INF}).requiresGrad(true);
    Tensor.where(cond, a, b).mul(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3)).sum()
        .backward();
    assertArrayEquals(new double[] {1, 0, 0, 4, 5, 0}, a.grad().toDoubleArray(), 0);
    assertArrayEquals(new double[] {2 + 3 + 6}, b.grad().toDoubleArray(), 0);
  }

  @Test
  void whereRejectsMixedDtypesAndShapesThatDoNotBroadcast() {
    Tensor cond = Tensor.of(new double[] {1, 0});
    assertMessage(IllegalArgumentException.class, () -> Tensor.where(cond,
        Tensor.zeros(DType.FLOAT32, 2), Tensor.zeros(DType.FLOAT64, 2)), "where", "FLOAT32",
        "FLOAT64");
    assertMessage(IllegalArgumentException.class, () -> Tensor.where(cond, Tensor.zeros(3),
        Tensor.zeros(3)), "where", "[2]", "[3]");
  }

  // ---- gather and scatterAdd -----------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void gatherAndScatterAddAgreeWithLoopsOnEveryAxis(DType dt) {
    Random rnd = new Random(7);
    int[] xd = {3, 4, 5};
    double[] xv = Tensor.of(random(rnd, 60), dt, xd).toDoubleArray();
    Tensor x = Tensor.of(xv, dt, xd);
    for (int axis = 0; axis < 3; axis++) {
      int[] id = {2, 3, 4}; // smaller than x off the axis, as PyTorch allows
      id[axis] = 6; // more entries than the axis has: repeats
      int[] idx = new int[id[0] * id[1] * id[2]];
      double[] src = random(rnd, idx.length);
      for (int i = 0; i < idx.length; i++) {
        idx[i] = rnd.nextInt(xd[axis]);
      }
      double[] gathered = new double[idx.length];
      double[] scattered = xv.clone();
      for (int i = 0; i < id[0]; i++) {
        for (int j = 0; j < id[1]; j++) {
          for (int k = 0; k < id[2]; k++) {
            int q = (i * id[1] + j) * id[2] + k;
            int[] p = {i, j, k};
            p[axis] = idx[q];
            int flat = (p[0] * xd[1] + p[1]) * xd[2] + p[2];
            gathered[q] = xv[flat];
            scattered[flat] += dt == DType.FLOAT32 ? (float) src[q] : src[q];
          }
        }
      }
      Tensor index = Tensor.indices(idx).reshape(id);
      Tensor g = x.gather(axis, index);
      assertEquals(Shape.of(id), g.shape());
      assertArrayEquals(gathered, g.toDoubleArray(), 0, "gather axis " + axis);
      assertArrayEquals(scattered, x.scatterAdd(axis, index, Tensor.of(src, dt, id))
          .toDoubleArray(), tolerance(dt), "scatterAdd axis " + axis);
    }
  }

  @Test
  void gatherIsPyTorchsOnAMatrix() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
    Tensor index = Tensor.indices(new int[] {0, 0, 1, 0}).reshape(2, 2);
    // torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]]))
    assertArrayEquals(new double[] {1, 1, 4, 3}, x.gather(1, index).toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 2, 3, 2}, x.gather(0, index).toDoubleArray(), 0);
    assertArrayEquals(new double[] {3, 0, 4, 3}, Tensor.zeros(DType.FLOAT64, 2, 2)
        .scatterAdd(1, index, x).toDoubleArray(), 0, "repeated indices accumulate");
  }

  @Test
  void gatherAndScatterAddRejectBadIndices() {
    Tensor x = Tensor.zeros(DType.FLOAT64, 2, 3);
    Tensor tooBig = Tensor.indices(new int[] {0, 3}).reshape(2, 1);
    assertMessage(IndexOutOfBoundsException.class, () -> x.gather(1, tooBig), "index 3",
        "bound 3");
    Tensor negative = Tensor.indices(new int[] {-1, 0}).reshape(2, 1);
    assertMessage(IndexOutOfBoundsException.class, () -> x.gather(1, negative), "index -1",
        "bound 3");
    // 3 along axis 1 is still inside the flat buffer: the check is per axis, not per buffer
    assertMessage(IndexOutOfBoundsException.class, () -> x.scatterAdd(1, tooBig,
        Tensor.ones(DType.FLOAT64, 2, 1)), "index 3", "bound 3");
    assertMessage(IllegalArgumentException.class, () -> x.gather(1, Tensor.indices(
        new int[] {0, 1})), "jgrad::gather", "[2]", "[2, 3]", "same rank");
    assertMessage(IllegalArgumentException.class, () -> x.gather(1, Tensor.indices(
        new int[] {0, 1, 0}).reshape(3, 1)), "jgrad::gather", "[3, 1]", "[2, 3]");
    assertMessage(IllegalArgumentException.class, () -> x.gather(1, Tensor.zeros(2, 1)),
        "jgrad::gather", "INT32");
    assertMessage(IllegalArgumentException.class, () -> x.scatterAdd(1, tooBig,
        Tensor.ones(DType.FLOAT64, 2, 2)), "jgrad::scatter_add", "[2, 2]", "[2, 1]");
  }

  // ---- stack ---------------------------------------------------------------------------------

  @Test
  void stackAddsAnAxis() {
    Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor b = a.mul(10);
    Tensor s0 = Tensor.stack(0, a, b);
    assertEquals(Shape.of(2, 2, 3), s0.shape());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60},
        s0.toDoubleArray(), 0);
    Tensor last = Tensor.stack(-1, List.of(a, b));
    assertEquals(Shape.of(2, 3, 2), last.shape());
    assertArrayEquals(new double[] {1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60},
        last.toDoubleArray(), 0);
    assertEquals(Shape.of(2, 2, 3), Tensor.stack(1, a, b).shape());
  }

  @Test
  void stackRejectsShapesThatDifferAndBadAxes() {
    assertMessage(IllegalArgumentException.class, () -> Tensor.stack(0, Tensor.zeros(2, 3),
        Tensor.zeros(2, 3), Tensor.zeros(3, 2)), "stack", "tensor 2", "[3, 2]", "[2, 3]");
    assertMessage(IllegalArgumentException.class, () -> Tensor.stack(3, Tensor.zeros(2, 3)),
        "stack", "axis 3", "[2, 3]");
    assertMessage(IllegalArgumentException.class, () -> Tensor.stack(0, new ArrayList<>()),
        "stack", "at least one");
  }

  // ---- logSumExp and logSoftmax --------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void logSumExpAgreesWithLoopsAlongEitherAxis(DType dt) {
    double[] v = Tensor.of(random(new Random(3), 12), dt).toDoubleArray();
    Tensor x = Tensor.of(v, dt, 3, 4);
    double[] rows = new double[3];
    double[] cols = new double[4];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        rows[i] += Math.exp(v[i * 4 + j]);
        cols[j] += Math.exp(v[i * 4 + j]);
      }
    }
    for (int i = 0; i < 3; i++) {
      rows[i] = Math.log(rows[i]);
    }
    for (int j = 0; j < 4; j++) {
      cols[j] = Math.log(cols[j]);
    }
    assertArrayEquals(rows, x.logSumExp(1, false).toDoubleArray(), tolerance(dt));
    assertArrayEquals(cols, x.logSumExp(0, true).toDoubleArray(), tolerance(dt));
    assertEquals(Shape.of(1, 4), x.logSumExp(0, true).shape());
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void logSumExpAndLogSoftmaxStayFiniteOnHugeLogitsAndMinusInfRows(DType dt) {
    Tensor x = Tensor.of(new double[] {1e4, 0, -1e4, -INF, -INF, -INF, INF, 1, 2, 5, NAN, 1},
        dt, 4, 3);
    double[] lse = x.logSumExp(1, false).toDoubleArray();
    assertEquals(1e4, lse[0], 1e-3);
    assertEquals(-INF, lse[1], "an all -Inf row");
    assertEquals(INF, lse[2]);
    assertTrue(Double.isNaN(lse[3]));
    double[] ls = Tensor.of(new double[] {1e4, 0, -1e4}, dt).logSoftmax(0).toDoubleArray();
    assertArrayEquals(new double[] {0, -1e4, -2e4}, ls, 1e-3);
    Tensor y = Tensor.of(random(new Random(4), 6), dt, 2, 3).logSoftmax(-1);
    assertArrayEquals(new double[] {1, 1}, y.exp().sum(1, false).toDoubleArray(), tolerance(dt));
  }

  @Test
  void logSoftmaxGradientIsFiniteOnHugeLogits() {
    Tensor x = Tensor.of(new double[] {1e4, 0, -1e4}).requiresGrad(true);
    x.logSoftmax(0).mul(Tensor.of(new double[] {1, 2, 3})).sum().backward();
    // g - sum(g) softmax(x), softmax = [1, 0, 0]
    assertArrayEquals(new double[] {1 - 6, 2, 3}, x.grad().toDoubleArray(), 1e-12);
  }

  @Test
  void logSumExpRejectsABadAxis() {
    assertMessage(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).logSumExp(2, false),
        "jgrad::log_sum_exp", "axis 2", "[2, 3]");
  }

  // ---- var and std ---------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void varAndStdAgreeWithLoops(DType dt) {
    double[] v = Tensor.of(random(new Random(5), 24), dt).toDoubleArray();
    Tensor x = Tensor.of(v, dt, 2, 3, 4);
    // along axis 2, and over axes 0 and 2 together
    double[] var2 = new double[6];
    for (int r = 0; r < 6; r++) {
      double mean = 0;
      for (int k = 0; k < 4; k++) {
        mean += v[r * 4 + k] / 4;
      }
      for (int k = 0; k < 4; k++) {
        var2[r] += (v[r * 4 + k] - mean) * (v[r * 4 + k] - mean) / 3;
      }
    }
    double[] var02 = new double[3];
    for (int j = 0; j < 3; j++) {
      double mean = 0;
      for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 4; k++) {
          mean += v[(i * 3 + j) * 4 + k] / 8;
        }
      }
      for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 4; k++) {
          double d = v[(i * 3 + j) * 4 + k] - mean;
          var02[j] += d * d / 8; // correction 0
        }
      }
    }
    double tol = dt == DType.FLOAT32 ? 1e-5 : 1e-12;
    assertArrayEquals(var2, x.var(2, false).toDoubleArray(), tol);
    assertArrayEquals(var02, x.var(false, 0, 0, 2).toDoubleArray(), tol);
    assertEquals(Shape.of(1, 3, 1), x.var(true, 0, 0, 2).shape());
    double[] std2 = new double[6];
    for (int r = 0; r < 6; r++) {
      std2[r] = Math.sqrt(var2[r]);
    }
    assertArrayEquals(std2, x.std(-1, false).toDoubleArray(), tol);
  }

  @Test
  void varRejectsACorrectionThatLeavesNoDegreesOfFreedom() {
    Tensor x = Tensor.zeros(1, 3);
    assertMessage(IllegalArgumentException.class, () -> x.var(0, false), "var", "[1, 3]",
        "correction 1", "0 degrees of freedom");
    assertMessage(IllegalArgumentException.class, () -> x.std(false, -1, 1), "var",
        "correction -1");
    assertMessage(IllegalArgumentException.class, () -> x.var(false, 0, 2), "var", "axis 2");
  }

  // ---- item(index) ---------------------------------------------------------------------------

  @Test
  void itemReadsOneElementWithNegativeIndices() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertEquals(6, x.item(1, 2), 0);
    assertEquals(4, x.item(-1, 0), 0);
    assertEquals(3, x.item(0, -1), 0);
    assertEquals(7, Tensor.indices(new int[] {5, 7}).item(1), 0);
  }

  @Test
  void itemDownloadsOneElementOnly() {
    List<Integer> downloaded = new ArrayList<>();
    Backend cpu = new dev.jgrad.cpu.CpuBackendProvider().create();
    Backend counting = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, (p, m, args) -> {
          if (m.getName().equals("download")) {
            downloaded.add(java.lang.reflect.Array.getLength(args[1]));
          }
          try {
            return m.invoke(cpu, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Tensor x = Tensor.of(new double[1000], 10, 100).to(counting);
    assertEquals(0, x.item(9, 99), 0);
    assertEquals(List.of(1), downloaded);
  }

  @Test
  void itemRejectsBadIndices() {
    Tensor x = Tensor.zeros(2, 3);
    assertMessage(IndexOutOfBoundsException.class, () -> x.item(0, 3), "index 3", "axis 1",
        "[2, 3]");
    assertMessage(IndexOutOfBoundsException.class, () -> x.item(-3, 0), "index -3", "axis 0",
        "[2, 3]");
    assertMessage(IllegalArgumentException.class, () -> x.item(1), "item", "[2, 3]", "rank 2");
  }
}
