package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.ops.ConvOps;
import dev.jgrad.autograd.ops.PoolOps;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * conv2d and pooling against direct loops (the gradient check only ties gradients to the
 * forward), on the CPU backend's kernels and on the portable ones; ties; bad input.
 */
class ConvPoolOpsTest {
  private static final Backend[] BACKENDS = {Backends.byName("cpu"),
      TestBackends.renamedCpu("portable")};

  /** x, weight, stride, padding: square and not, strides 1 and 2, paddings 0 to 2. */
  private static final int[][][] CONVS = {
      {{2, 3, 5, 6}, {4, 3, 3, 2}, {1, 1}, {0, 0}},
      {{3, 2, 7, 5}, {3, 2, 3, 3}, {2, 2}, {1, 1}},
      {{2, 1, 4, 4}, {2, 1, 5, 5}, {1, 1}, {2, 2}},
      {{1, 2, 6, 7}, {5, 2, 2, 3}, {2, 1}, {0, 2}},
      {{4, 1, 28, 28}, {30, 1, 5, 5}, {1, 1}, {0, 0}},
      // 20x20 outputs: the CPU kernels take 3 samples a block, so 5 a thread make a full and a
      // partial block
      {{10, 2, 22, 22}, {3, 2, 3, 3}, {1, 1}, {0, 0}},
      // DeepConvNet-like: the CPU's FLOAT32 kernels correlate directly (16 channels in, 20 out, a
      // vector's tail; padding 1, and 2 past the window's centre)
      {{3, 16, 9, 11}, {20, 16, 3, 3}, {1, 1}, {1, 1}},
      {{2, 12, 6, 5}, {9, 12, 3, 3}, {1, 1}, {2, 1}}};

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void conv2dEqualsDirectLoopsOnEveryKernel(DType dtype) {
    Random r = new Random(3);
    for (int[][] v : CONVS) {
      Tensor x = Tensor.randn(r, dtype, v[0]);
      Tensor w = Tensor.randn(r, dtype, v[1]);
      Tensor b = Tensor.randn(r, dtype, v[1][0]);
      double[] expected = directConv(x.toDoubleArray(), v[0], w.toDoubleArray(), v[1],
          b.toDoubleArray(), v[2], v[3]);
      for (Backend be : BACKENDS) {
        double[] got = ConvOps.conv2d(x.to(be), w.to(be), b.to(be), v[2], v[3]).toDoubleArray();
        assertClose(expected, got, dtype, be.name() + " conv2d " + java.util.Arrays.deepToString(v));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void poolingEqualsDirectLoopsOnEveryKernel(DType dtype) {
    Random r = new Random(5);
    int[][][] pools = {{{2, 3, 4, 6}, {2, 2}, {2, 2}, {0, 0}}, {{1, 2, 5, 5}, {3, 3}, {2, 2}, {1, 1}},
        {{2, 2, 5, 7}, {2, 3}, {1, 2}, {1, 0}}, {{3, 30, 24, 24}, {2, 2}, {2, 2}, {0, 0}}};
    for (int[][] v : pools) {
      Tensor x = Tensor.randn(r, dtype, v[0]);
      for (boolean max : new boolean[] {true, false}) {
        double[] expected = directPool(x.toDoubleArray(), v[0], v[1], v[2], v[3], max);
        for (Backend be : BACKENDS) {
          Tensor xb = x.to(be);
          double[] got = (max ? PoolOps.maxPool2d(xb, v[1], v[2], v[3])
              : PoolOps.avgPool2d(xb, v[1], v[2], v[3])).toDoubleArray();
          assertClose(expected, got, dtype, be.name() + (max ? " max" : " avg") + " pool "
              + java.util.Arrays.deepToString(v));
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void cpuKernelsAndPortableKernelsGiveTheSameGradients(DType dtype) {
    Random r = new Random(9);
    for (int[][] v : CONVS) {
      Tensor x = Tensor.randn(r, dtype, v[0]);
      Tensor w = Tensor.randn(r, dtype, v[1]);
      Tensor b = Tensor.randn(r, dtype, v[1][0]);
      double[][][] grads = new double[2][][];
      for (int i = 0; i < 2; i++) {
        Backend be = BACKENDS[i];
        Tensor xi = x.to(be).detach().requiresGrad(true);
        Tensor wi = w.to(be).detach().requiresGrad(true);
        Tensor bi = b.to(be).detach().requiresGrad(true);
        Tensor y = ConvOps.conv2d(xi, wi, bi, v[2], v[3]);
        Tensor p = PoolOps.maxPool2d(y, new int[] {1, 2}, new int[] {1, 2}, new int[] {0, 1});
        Tensor q = PoolOps.avgPool2d(y, new int[] {2, 1}, new int[] {1, 1}, new int[] {1, 0});
        p.sum().add(q.mul(q).sum()).backward();
        grads[i] = new double[][] {xi.grad().toDoubleArray(), wi.grad().toDoubleArray(),
            bi.grad().toDoubleArray()};
      }
      for (int k = 0; k < 3; k++) {
        assertCloseToScale(grads[1][k], grads[0][k], dtype, "gradient " + k + " of "
            + java.util.Arrays.deepToString(v));
      }
    }
  }

  @Test
  void everyOpHasAPortableAndACpuKernel() {
    for (String op : new String[] {OpNames.CONV2D, OpNames.CONV2D_INPUT_GRAD,
        OpNames.CONV2D_WEIGHT_GRAD, OpNames.MAX_POOL2D, OpNames.MAX_POOL2D_GRAD,
        OpNames.AVG_POOL2D, OpNames.AVG_POOL2D_GRAD}) {
      assertEquals(java.util.List.of("*", "cpu"), OpRegistry.global().backendsWithKernel(op), op);
    }
  }

  @Test
  void twoByTwoMaxPoolGradientsMatchThePortableKernelOnOddSizesTiesAndReusedArrays() {
    // the CPU's 2x2 FLOAT32 loops write the whole gradient plane when the windows tile it: the
    // uncovered last row and column must come out zero even in a reused (stale) pooled array
    Random r = new Random(11);
    for (int stride : new int[] {2, 1}) {
      for (int round = 0; round < 3; round++) {
        float[] v = new float[2 * 3 * 5 * 7];
        for (int i = 0; i < v.length; i++) {
          v[i] = r.nextInt(4) - 1.5f; // few levels: many tied windows
        }
        double[][] grads = new double[2][];
        double[][] values = new double[2][];
        for (int i = 0; i < 2; i++) {
          Tensor x = Tensor.of(v, 2, 3, 5, 7).to(BACKENDS[i]).requiresGrad(true);
          // a closed buffer of x's size full of garbage: its array is what the gradient gets next
          Tensor.full(7, DType.FLOAT32, v.length).to(BACKENDS[i]).buffer().close();
          try (TensorScope scope = TensorScope.open()) {
            Tensor y = PoolOps.maxPool2d(x, new int[] {2, 2}, new int[] {stride, stride},
                new int[] {0, 0});
            values[i] = y.toDoubleArray();
            y.mul(Tensor.randn(new Random(round), DType.FLOAT32, y.shape().dims())
                .to(BACKENDS[i])).sum().backward();
            grads[i] = x.grad().toDoubleArray();
          }
        }
        // values exact; gradients summed in another order where windows overlap (stride 1)
        assertArrayEquals(values[1], values[0], 0.0, "values, stride " + stride);
        assertClose(grads[1], grads[0], DType.FLOAT32, "gradients, stride " + stride + " round "
            + round);
      }
    }
  }

  @Test
  void maxPoolGradientFollowsXChangedInPlaceAfterThePooling() {
    // the CPU keeps the pooling's winners on x for the gradient: a change of x must drop them
    Random r = new Random(13);
    int[] two = {2, 2};
    int[] none = {0, 0};
    Tensor x = Tensor.randn(r, DType.FLOAT32, 4, 3, 8, 6).to(BACKENDS[0]);
    Tensor g = Tensor.randn(r, DType.FLOAT32, 4, 3, 4, 3).to(BACKENDS[0]);
    dev.jgrad.api.op.Attrs pooling = dev.jgrad.api.op.Conv2dGeometry.attrs(two, two, none);
    for (int change = 0; change < 2; change++) {
      PoolOps.maxPool2d(x, two, two, none); // winners of x as it is now
      if (change == 1) {
        x.assign(Tensor.randn(r, DType.FLOAT32, 4, 3, 8, 6).to(BACKENDS[0]));
      }
      Tensor fresh = x.copy(); // the same values in a buffer never pooled
      assertArrayEquals(PoolOps.maxPool2dGrad(fresh, g, pooling).toDoubleArray(),
          PoolOps.maxPool2dGrad(x, g, pooling).toDoubleArray(), 0.0,
          change == 1 ? "x assigned after pooling" : "x unchanged");
    }
  }

  @Test
  void maxPoolGivesATiedWindowsGradientToItsFirstMaximum() {
    for (Backend be : BACKENDS) {
      // windows 2x2, stride 1: every entry 1 but one 2, so most windows tie
      double[] data = new double[9];
      java.util.Arrays.fill(data, 1);
      data[8] = 2;
      Tensor x = Tensor.of(data, DType.FLOAT64, 1, 1, 3, 3).to(be).requiresGrad(true);
      PoolOps.maxPool2d(x, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}).sum()
          .backward();
      // windows at (0,0), (0,1), (1,0) pick their top-left; (1,1) picks the 2 at (2,2)
      assertArrayEquals(new double[] {1, 1, 0, 1, 0, 0, 0, 0, 1}, x.grad().toDoubleArray(),
          be.name());
    }
  }

  @Test
  void maxPoolingPropagatesNanAndKeepsInfinitiesOnEveryKernel() {
    // a window holding a NaN pools to NaN, its gradient to its first NaN; else the first
    // maximum, infinities included: on every kernel (native and Java 2x2, the direct loops, the
    // padded table, FLOAT64, the portable one). Found by the op fuzzer: FLOAT64 pooled
    // [1, NaN, 2, 3] to 3, and the portable kernel turned infinities into NaN.
    double n = Double.NaN;
    double inf = Double.POSITIVE_INFINITY;
    double[] plane = {
        1, n, 2, 3, -inf,
        4, 5, inf, 0, -1,
        -inf, -inf, -2, n, 6,
        7, -3, 8, 9, -inf,
        2.5, n, -4, -5, 10};
    int[][] windows = {{2, 2, 2, 0}, {2, 2, 1, 0}, {3, 3, 1, 0}, {2, 2, 2, 1}, {3, 3, 2, 1},
        {1, 3, 1, 0}};
    for (int[] k : windows) {
      int[] kernel = {k[0], k[1]};
      int[] stride = {k[2], k[2]};
      int[] padding = {k[3], k[3]};
      double[][] want = firstMaxPooling(plane, 5, 5, kernel, k[2], k[3]);
      for (Backend be : BACKENDS) {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
          String where = java.util.Arrays.toString(k) + " " + dtype + " on " + be.name();
          Tensor x = Tensor.of(plane, dtype, 1, 1, 5, 5).to(be).requiresGrad(true);
          Tensor y = PoolOps.maxPool2d(x, kernel, stride, padding);
          assertArrayEquals(want[0], y.toDoubleArray(), 0.0, "values, " + where);
          y.backward(Tensor.ones(dtype, y.shape().dims()).to(be));
          assertArrayEquals(want[1], x.grad().toDoubleArray(), 0.0, "gradient, " + where);
        }
      }
    }
  }

  /**
   * Max pooling of one {@code h x w} plane by loops: each window's value (NaN if it holds one)
   * and, summed, the gradient of ones sent to each window's first NaN, else first maximum.
   */
  private static double[][] firstMaxPooling(double[] x, int h, int w, int[] kernel, int stride,
      int pad) {
    int oh = (h + 2 * pad - kernel[0]) / stride + 1;
    int ow = (w + 2 * pad - kernel[1]) / stride + 1;
    double[] out = new double[oh * ow];
    double[] grad = new double[h * w];
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        int best = -1;
        for (int i = 0; i < kernel[0]; i++) {
          for (int j = 0; j < kernel[1]; j++) {
            int y = oy * stride - pad + i;
            int xx = ox * stride - pad + j;
            if (y < 0 || y >= h || xx < 0 || xx >= w) {
              continue;
            }
            int at = y * w + xx;
            if (best < 0 || (!Double.isNaN(x[best]) && (Double.isNaN(x[at]) || x[at] > x[best]))) {
              best = at;
            }
          }
        }
        out[oy * ow + ox] = x[best];
        grad[best] += 1;
      }
    }
    return new double[][] {out, grad};
  }

  @Test
  void convolutionGradientsOfInfiniteEntriesAgreeWithThePortableKernels() {
    // FLOAT32, stride 1, 8 channels and filters: the CPU's direct kernels. They multiply zeros
    // that stand for no term (the extra columns of the weight gradient's runs, the padding of g
    // in the input gradient) by x or w: 0 * inf made NaN of gradients that do not depend on the
    // infinity. Found by the op fuzzer (KernelAgreement).
    Random r = new Random(17);
    for (int trial = 0; trial < 4; trial++) {
      float[] xv = new float[2 * 8 * 6 * 7];
      float[] wv = new float[8 * 8 * 3 * 3];
      float[] gv = new float[2 * 8 * 6 * 7];
      for (float[] a : new float[][] {xv, wv, gv}) {
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) r.nextGaussian();
        }
      }
      float special = trial % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
      (trial < 2 ? xv : wv)[r.nextInt(trial < 2 ? xv.length : wv.length)] = special;
      double[][][] grads = new double[2][][];
      for (int b = 0; b < 2; b++) {
        Tensor x = Tensor.of(xv, 2, 8, 6, 7).to(BACKENDS[b]).requiresGrad(true);
        Tensor w = Tensor.of(wv, 8, 8, 3, 3).to(BACKENDS[b]).requiresGrad(true);
        ConvOps.conv2d(x, w, null, new int[] {1, 1}, new int[] {1, 1})
            .backward(Tensor.of(gv, 2, 8, 6, 7).to(BACKENDS[b]));
        grads[b] = new double[][] {x.grad().toDoubleArray(), w.grad().toDoubleArray()};
      }
      for (int k = 0; k < 2; k++) {
        for (int i = 0; i < grads[0][k].length; i++) {
          double cpu = grads[0][k][i];
          double portable = grads[1][k][i];
          assertTrue(Double.isNaN(cpu) ? Double.isNaN(portable) : !Double.isFinite(cpu)
              ? cpu == portable : Math.abs(cpu - portable) < 1e-4 * (1 + Math.abs(cpu)),
              (k == 0 ? "dx" : "dw") + "[" + i + "] trial " + trial + ": cpu " + cpu
                  + ", portable " + portable);
        }
      }
    }
  }

  @Test
  void maxPoolGradientOfAnInfiniteGradientGoesToTheWinnerAlone() {
    // the portable kernel multiplied each window's 0/1 winner mask by g: 0 * inf made NaN of
    // the entries that did not win. Found by the op fuzzer (KernelAgreement).
    double[] x = {1, 2, 3, 4};
    for (Backend be : BACKENDS) {
      for (double g : new double[] {Double.POSITIVE_INFINITY, Double.NaN}) {
        Tensor dx = PoolOps.maxPool2dGrad(Tensor.of(x, DType.FLOAT64, 1, 1, 2, 2).to(be),
            Tensor.of(new double[] {g}, DType.FLOAT64, 1, 1, 1, 1).to(be),
            dev.jgrad.api.op.Conv2dGeometry.attrs(new int[] {2, 2}, new int[] {2, 2},
                new int[] {0, 0}));
        assertArrayEquals(new double[] {0, 0, 0, g}, dx.toDoubleArray(), 0.0,
            "g " + g + " on " + be.name());
      }
    }
  }

  @Test
  void badInputFailsNamingTheOpTheShapesAndWhatToChange() {
    Tensor x = Tensor.zeros(DType.FLOAT32, 2, 3, 8, 8);
    Tensor w = Tensor.zeros(DType.FLOAT32, 4, 3, 3, 3);
    int[] one = {1, 1};
    int[] zero = {0, 0};
    assertMessage(() -> ConvOps.conv2d(Tensor.zeros(DType.FLOAT32, 3, 8, 8), w, null, one, zero),
        "jgrad::conv2d", "[batch, channels, height, width]", "[3, 8, 8]");
    assertMessage(() -> ConvOps.conv2d(Tensor.zeros(DType.FLOAT32, 2, 1, 8, 8), w, null, one,
        zero), "jgrad::conv2d", "has 1 channels", "expects 3");
    assertMessage(() -> ConvOps.conv2d(Tensor.zeros(DType.FLOAT32, 2, 3, 2, 2), w, null, one,
        zero), "kernel 3x3 is larger than the padded input 2x2", "more padding");
    assertMessage(() -> ConvOps.conv2d(x, w, null, new int[] {0, 1}, zero), "stride [0, 1]",
        "at least 1");
    assertMessage(() -> ConvOps.conv2d(x, w, Tensor.zeros(DType.FLOAT32, 3), one, zero),
        "bias [3] must be [4]");
    assertMessage(() -> PoolOps.maxPool2d(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {2, 2}),
        "jgrad::max_pool2d", "more than half the window");
    assertMessage(() -> PoolOps.avgPool2d(x, new int[] {9, 2}, new int[] {1, 1}, zero),
        "jgrad::avg_pool2d", "kernel 9x2 is larger");
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call,
      String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }
  }

  static void assertClose(double[] expected, double[] actual, DType dtype, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double tol = dtype == DType.FLOAT32 ? 1e-4 : 1e-10;
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Math.abs(expected[i] - actual[i]) <= tol * Math.max(1, Math.abs(expected[i])),
          what + " element " + i + ": expected " + expected[i] + ", got " + actual[i]);
    }
  }

  /**
   * Close relative to the largest entry: the gradients are sums of thousands of products whose
   * entries span four orders of magnitude here, so the small ones carry the rounding of the big
   * terms, which two summation orders (im2col + GEMM, the direct kernel) round differently.
   */
  private static void assertCloseToScale(double[] expected, double[] actual, DType dtype,
      String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = 1;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    double tol = (dtype == DType.FLOAT32 ? 1e-5 : 1e-12) * scale;
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Math.abs(expected[i] - actual[i]) <= tol, what + " element " + i + ": expected "
          + expected[i] + ", got " + actual[i] + " (largest entry " + scale + ")");
    }
  }

  static double[] directConv(double[] x, int[] xs, double[] w, int[] ws, double[] b,
      int[] stride, int[] pad) {
    int n = xs[0];
    int c = xs[1];
    int h = xs[2];
    int wd = xs[3];
    int f = ws[0];
    int kh = ws[2];
    int kw = ws[3];
    int oh = (h + 2 * pad[0] - kh) / stride[0] + 1;
    int ow = (wd + 2 * pad[1] - kw) / stride[1] + 1;
    double[] out = new double[n * f * oh * ow];
    for (int s = 0; s < n; s++) {
      for (int o = 0; o < f; o++) {
        for (int y = 0; y < oh; y++) {
          for (int z = 0; z < ow; z++) {
            double sum = b[o];
            for (int ch = 0; ch < c; ch++) {
              for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                  int yy = y * stride[0] - pad[0] + i;
                  int zz = z * stride[1] - pad[1] + j;
                  if (yy >= 0 && yy < h && zz >= 0 && zz < wd) {
                    sum += x[((s * c + ch) * h + yy) * wd + zz]
                        * w[((o * c + ch) * kh + i) * kw + j];
                  }
                }
              }
            }
            out[((s * f + o) * oh + y) * ow + z] = sum;
          }
        }
      }
    }
    return out;
  }

  static double[] directPool(double[] x, int[] xs, int[] k, int[] stride, int[] pad,
      boolean max) {
    int planes = xs[0] * xs[1];
    int h = xs[2];
    int wd = xs[3];
    int oh = (h + 2 * pad[0] - k[0]) / stride[0] + 1;
    int ow = (wd + 2 * pad[1] - k[1]) / stride[1] + 1;
    double[] out = new double[planes * oh * ow];
    for (int p = 0; p < planes; p++) {
      for (int y = 0; y < oh; y++) {
        for (int z = 0; z < ow; z++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          for (int i = 0; i < k[0]; i++) {
            for (int j = 0; j < k[1]; j++) {
              int yy = y * stride[0] - pad[0] + i;
              int zz = z * stride[1] - pad[1] + j;
              boolean inside = yy >= 0 && yy < h && zz >= 0 && zz < wd;
              double v = inside ? x[(p * h + yy) * wd + zz] : 0;
              if (max && inside) {
                acc = Math.max(acc, v);
              } else if (!max) {
                acc += v;
              }
            }
          }
          out[(p * oh + y) * ow + z] = max ? acc : acc / (k[0] * k[1]);
        }
      }
    }
    return out;
  }
}
