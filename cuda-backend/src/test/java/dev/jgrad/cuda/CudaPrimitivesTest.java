package dev.jgrad.cuda;

import static dev.jgrad.cuda.GpuFixture.assertClose;
import static dev.jgrad.cuda.GpuFixture.download;
import static dev.jgrad.cuda.GpuFixture.elementwiseTol;
import static dev.jgrad.cuda.GpuFixture.random;
import static dev.jgrad.cuda.GpuFixture.reductionTol;
import static dev.jgrad.cuda.GpuFixture.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every primitive of the CUDA backend against a reference loop, for FLOAT32 and FLOAT64. Needs a
 * GPU; elsewhere every test is reported as skipped with the probe's reason.
 */
class CudaPrimitivesTest {
  private CudaBackend b;

  @BeforeEach
  void gpu() {
    b = GpuFixture.backend();
  }

  // ---- references ----------------------------------------------------------------------------

  static double unaryRef(UnaryOp op, double x) {
    return switch (op) {
      case NEG -> -x;
      case EXP -> Math.exp(x);
      case LOG -> Math.log(x);
      case SQRT -> Math.sqrt(x);
      case ABS -> Math.abs(x);
      case TANH -> Math.tanh(x);
      case SIGMOID -> 1 / (1 + Math.exp(-x));
      case RELU -> Math.max(x, 0);
      case STEP -> x > 0 ? 1 : Double.isNaN(x) ? x : 0;
    };
  }

  static double binaryRef(BinaryOp op, double a, double c) {
    return switch (op) {
      case ADD -> a + c;
      case SUB -> a - c;
      case MUL -> a * c;
      case DIV -> a / c;
      case POW -> Math.pow(a, c);
      case MAXIMUM -> Math.max(a, c);
      case MINIMUM -> Math.min(a, c);
      case GREATER -> a > c ? 1 : 0;
      case EQUAL -> a == c ? 1 : 0;
    };
  }

  /** The reference result of a broadcast binary op, computed naively index by index. */
  static double[] broadcastRef(BinaryOp op, double[] a, Shape as, double[] c, Shape cs,
      Shape out, DType dt) {
    double[] r = new double[(int) out.size()];
    int rank = out.rank();
    for (int i = 0; i < r.length; i++) {
      int[] idx = new int[rank];
      int rem = i;
      for (int d = rank - 1; d >= 0; d--) {
        idx[d] = rem % out.dim(d);
        rem /= out.dim(d);
      }
      r[i] = binaryRef(op, a[offset(as, idx)], c[offset(cs, idx)]);
    }
    return GpuFixture.round(dt, r);
  }

  private static int offset(Shape s, int[] idx) {
    int off = 0;
    int shift = idx.length - s.rank();
    for (int d = 0; d < s.rank(); d++) {
      off = off * s.dim(d) + (s.dim(d) == 1 ? 0 : idx[d + shift]);
    }
    return off;
  }

  // ---- memory and copies -----------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(DType.class)
  void uploadDownloadAndConversions(DType dt) {
    double[] v = random(dt, 1001, 1, -5, 5);
    try (DeviceBuffer buf = upload(b, dt, v)) {
      assertEquals(dt, buf.dtype());
      assertEquals(1001, buf.length());
      assertArrayEquals(v, download(b, buf));
      float[] f = new float[v.length];
      b.download(buf, f);
      for (int i = 0; i < v.length; i++) {
        assertEquals((float) v[i], f[i]);
      }
    }
    try (DeviceBuffer empty = b.allocate(dt, 0)) {
      assertArrayEquals(new double[0], download(b, empty));
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void fillWritesEveryElement(DType dt) {
    for (double value : new double[] {0, -0.0, 1.5, -3.25e7, Double.NaN}) {
      try (DeviceBuffer buf = b.allocate(dt, 1027)) {
        b.fill(buf, value);
        double[] want = new double[1027];
        java.util.Arrays.fill(want, dt == DType.FLOAT32 ? (float) value : value);
        assertClose(want, download(b, buf), 0, "fill " + value);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void copyHandlesOffsetsAndOverlap(DType dt) {
    double[] v = random(dt, 100, 2, -1, 1);
    try (DeviceBuffer src = upload(b, dt, v); DeviceBuffer dst = b.allocate(dt, 50)) {
      b.fill(dst, 0);
      b.copy(src, 10, dst, 5, 30);
      double[] want = new double[50];
      System.arraycopy(v, 10, want, 5, 30);
      assertArrayEquals(want, download(b, dst));
      b.copy(src, 0, src, 20, 50); // overlapping, forwards
      double[] moved = v.clone();
      System.arraycopy(v, 0, moved, 20, 50);
      assertArrayEquals(moved, download(b, src));
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void copyAxisRangeConcatenatesAndSlices(DType dt) {
    // src [3, 4, 5] -> rows 1..3 of axis 1 into dst [3, 6, 5] at 2
    double[] v = random(dt, 60, 3, -1, 1);
    try (DeviceBuffer src = upload(b, dt, v); DeviceBuffer dst = b.allocate(dt, 90)) {
      b.fill(dst, 7);
      b.copyAxisRange(src, 4, 1, dst, 6, 2, 3, 3, 5);
      double[] want = new double[90];
      java.util.Arrays.fill(want, 7);
      for (int o = 0; o < 3; o++) {
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 5; j++) {
            want[(o * 6 + 2 + i) * 5 + j] = v[(o * 4 + 1 + i) * 5 + j];
          }
        }
      }
      assertArrayEquals(want, download(b, dst));
      // within one buffer: shift axis range 0..2 to 1..3 of the same [3, 4, 5] buffer
      b.copyAxisRange(src, 4, 0, src, 4, 1, 3, 2, 5);
      double[] self = v.clone();
      for (int o = 0; o < 3; o++) {
        for (int i = 0; i < 2; i++) {
          for (int j = 0; j < 5; j++) {
            self[(o * 4 + 1 + i) * 5 + j] = v[(o * 4 + i) * 5 + j];
          }
        }
      }
      assertArrayEquals(self, download(b, src));
    }
  }

  // ---- elementwise -----------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(DType.class)
  void unaryMatchesTheReference(DType dt) {
    for (UnaryOp op : UnaryOp.values()) {
      boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT;
      double[] x = random(dt, 4099, op.ordinal(), positive ? 0.01 : -20, positive ? 50 : 20);
      double[] want = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        want[i] = unaryRef(op, x[i]);
      }
      want = GpuFixture.round(dt, want);
      try (DeviceBuffer in = upload(b, dt, x); DeviceBuffer out = b.allocate(dt, x.length)) {
        b.unary(op, in, out);
        assertClose(want, download(b, out), elementwiseTol(dt), "unary " + op + " " + dt);
        b.unary(op, in, in); // in place
        assertClose(want, download(b, in), elementwiseTol(dt), "in-place unary " + op);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void binaryMatchesTheReferenceWithBroadcasting(DType dt) {
    int[][][] cases = {
        {{3, 5, 7}, {3, 5, 7}}, {{100, 10}, {10}}, {{100, 10}, {100, 1}}, {{5, 1}, {1, 6}},
        {{}, {4, 3}}, {{2, 1, 3, 1, 2}, {1, 4, 1, 5, 1}}, {{1, 1, 7}, {3, 1}}, {{2049}, {1}}};
    for (BinaryOp op : BinaryOp.values()) {
      for (int[][] c : cases) {
        Shape as = Shape.of(c[0]);
        Shape cs = Shape.of(c[1]);
        Shape out = Shape.broadcast(as, cs, "test");
        boolean pow = op == BinaryOp.POW;
        double[] a = random(dt, (int) as.size(), 11, pow ? 0.1 : -3, 3);
        double[] bv = random(dt, (int) cs.size(), 12, pow ? -2 : -3, 3);
        if (op == BinaryOp.EQUAL && bv.length > 0 && a.length > 0) {
          bv[0] = a[0]; // some equal pairs
        }
        double[] want = broadcastRef(op, a, as, bv, cs, out, dt);
        try (DeviceBuffer da = upload(b, dt, a); DeviceBuffer db = upload(b, dt, bv);
            DeviceBuffer dout = b.allocate(dt, out.size())) {
          b.binary(op, da, as, db, cs, dout, out);
          assertClose(want, download(b, dout), elementwiseTol(dt),
              "binary " + op + " " + as + " with " + cs + " " + dt);
          if (as.size() == out.size()) { // in place into a
            b.binary(op, da, as, db, cs, da, out);
            assertClose(want, download(b, da), elementwiseTol(dt), "in-place binary " + op);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void binaryPropagatesNanThroughMaximumAndMinimum(DType dt) {
    double[] a = {Double.NaN, 1, 2};
    double[] c = {0, Double.NaN, 3};
    try (DeviceBuffer da = upload(b, dt, a); DeviceBuffer dc = upload(b, dt, c);
        DeviceBuffer out = b.allocate(dt, 3)) {
      b.binary(BinaryOp.MAXIMUM, da, Shape.of(3), dc, Shape.of(3), out, Shape.of(3));
      assertClose(new double[] {Double.NaN, Double.NaN, 3}, download(b, out), 0, "maximum");
      b.binary(BinaryOp.MINIMUM, da, Shape.of(3), dc, Shape.of(3), out, Shape.of(3));
      assertClose(new double[] {Double.NaN, Double.NaN, 2}, download(b, out), 0, "minimum");
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void scalarMatchesTheReference(DType dt) {
    double[] a = random(dt, 3001, 21, 0.1, 4);
    for (BinaryOp op : BinaryOp.values()) {
      double s = op == BinaryOp.EQUAL ? a[5] : 1.75;
      double sd = dt == DType.FLOAT32 ? (float) s : s;
      double[] want = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        want[i] = binaryRef(op, a[i], sd);
      }
      want = GpuFixture.round(dt, want);
      try (DeviceBuffer da = upload(b, dt, a); DeviceBuffer out = b.allocate(dt, a.length)) {
        b.scalar(op, da, s, out);
        assertClose(want, download(b, out), elementwiseTol(dt), "scalar " + op + " " + dt);
      }
    }
  }

  // ---- matmul, reductions, transpose ---------------------------------------------------------

  @ParameterizedTest
  @EnumSource(DType.class)
  void matmulMatchesTheReferenceForEveryTransposeCombination(DType dt) {
    int[][] sizes = {{1, 1, 1}, {17, 33, 65}, {100, 10, 784}, {3, 1, 2}, {64, 64, 64}};
    for (int[] s : sizes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          double[] a = random(dt, m * k, m + k, -1, 1);
          double[] c = random(dt, k * n, n + k, -1, 1);
          double[] want = new double[m * n];
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              double sum = 0;
              for (int l = 0; l < k; l++) {
                sum += (ta ? a[l * m + i] : a[i * k + l]) * (tb ? c[j * k + l] : c[l * n + j]);
              }
              want[i * n + j] = sum;
            }
          }
          try (DeviceBuffer da = upload(b, dt, a); DeviceBuffer dc = upload(b, dt, c);
              DeviceBuffer out = b.allocate(dt, (long) m * n)) {
            b.matmul(da, ta, dc, tb, out, m, n, k);
            assertClose(want, download(b, out), reductionTol(dt), "matmul " + m + "x" + n + "x"
                + k + " transA=" + ta + " transB=" + tb + " " + dt);
          }
        }
      }
    }
    try (DeviceBuffer a = b.allocate(dt, 0); DeviceBuffer c = b.allocate(dt, 0);
        DeviceBuffer out = b.allocate(dt, 6)) {
      b.matmul(a, false, c, false, out, 2, 3, 0);
      assertArrayEquals(new double[6], download(b, out), "k = 0 is an empty sum");
    }
  }

  static double[] reduceRef(ReduceOp op, double[] x, int outer, int axis, int inner) {
    double[] r = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double best = Double.NEGATIVE_INFINITY;
        int arg = -1;
        double sum = 0;
        for (int j = 0; j < axis; j++) {
          double v = x[(o * axis + j) * inner + i];
          sum += v;
          if (arg < 0 || (!Double.isNaN(best) && (Double.isNaN(v) || v > best))) {
            best = v;
            arg = j;
          }
        }
        r[o * inner + i] = switch (op) {
          case SUM -> sum;
          case MAX -> best;
          case ARGMAX -> arg;
        };
      }
    }
    return r;
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void reduceMatchesTheReferenceForEveryKernelShape(DType dt) {
    int[][] shapes = {
        {1, 200_000, 1}, // rows: a full sum
        {100, 784, 1}, // rows: per-row
        {1, 6000, 100}, // tiled: a column sum
        {3, 500, 33}, // tiled with a partial tile
        {7, 13, 5}, // cols
        {3, 1, 4}, // axis of one
        {5000, 40, 1}, // cols: many outputs
    };
    for (int[] s : shapes) {
      double[] x = random(dt, s[0] * s[1] * s[2], s[1], -1, 1);
      // ties for argmax: repeat the first element of each reduced line at its end
      for (int o = 0; o < s[0]; o++) {
        for (int i = 0; i < s[2]; i++) {
          x[(o * s[1] + s[1] - 1) * s[2] + i] = 2;
          x[(o * s[1]) * s[2] + i] = 2;
        }
      }
      for (ReduceOp op : ReduceOp.values()) {
        double[] want = GpuFixture.round(dt, reduceRef(op, x, s[0], s[1], s[2]));
        try (DeviceBuffer dx = upload(b, dt, x);
            DeviceBuffer out = b.allocate(dt, (long) s[0] * s[2])) {
          b.reduce(op, dx, s[0], s[1], s[2], out);
          double tol = op == ReduceOp.SUM ? reductionTol(dt) : 0;
          assertClose(want, download(b, out), tol, "reduce " + op + " "
              + java.util.Arrays.toString(s) + " " + dt);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void maxAndArgmaxPropagateTheFirstNan(DType dt) {
    double[] x = {1, Double.NaN, 5, Double.NaN, 2};
    try (DeviceBuffer dx = upload(b, dt, x); DeviceBuffer out = b.allocate(dt, 1)) {
      b.reduce(ReduceOp.MAX, dx, 1, 5, 1, out);
      assertClose(new double[] {Double.NaN}, download(b, out), 0, "max with NaN");
      b.reduce(ReduceOp.ARGMAX, dx, 1, 5, 1, out);
      assertArrayEquals(new double[] {1}, download(b, out), "argmax picks the first NaN");
    }
    double[] ones = new double[1000]; // a long axis: the block-reduction kernel
    java.util.Arrays.fill(ones, 1);
    ones[700] = Double.NaN;
    ones[900] = Double.NaN;
    try (DeviceBuffer dx = upload(b, dt, ones); DeviceBuffer out = b.allocate(dt, 1)) {
      b.reduce(ReduceOp.ARGMAX, dx, 1, 1000, 1, out);
      assertArrayEquals(new double[] {700}, download(b, out), "argmax over a long axis");
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void transposeSwapsTheLastTwoAxes(DType dt) {
    int[][] shapes = {{1, 33, 65}, {3, 1, 7}, {2, 64, 32}, {5, 100, 3}, {4, 31, 31}};
    for (int[] s : shapes) {
      int batch = s[0];
      int rows = s[1];
      int cols = s[2];
      double[] x = random(dt, batch * rows * cols, rows * cols, -1, 1);
      double[] want = new double[x.length];
      for (int q = 0; q < batch; q++) {
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            want[(q * cols + c) * rows + r] = x[(q * rows + r) * cols + c];
          }
        }
      }
      try (DeviceBuffer dx = upload(b, dt, x); DeviceBuffer out = b.allocate(dt, x.length)) {
        b.transpose(dx, batch, rows, cols, out);
        assertArrayEquals(want, download(b, out), "transpose " + java.util.Arrays.toString(s));
      }
    }
  }

  // ---- indexing --------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(DType.class)
  void indexSelectAndIndexAddAreAdjoint(DType dt) {
    int outer = 2;
    int axis = 6;
    int inner = 3;
    double[] src = random(dt, outer * axis * inner, 31, -1, 1);
    double[] idx = {5, 0, 0, 3, 5, 1, 5};
    int count = idx.length;
    double[] selected = new double[outer * count * inner];
    double[] added = new double[outer * axis * inner];
    double[] slices = random(dt, outer * count * inner, 32, -1, 1);
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < count; i++) {
        for (int j = 0; j < inner; j++) {
          selected[(o * count + i) * inner + j] = src[(o * axis + (int) idx[i]) * inner + j];
          added[(o * axis + (int) idx[i]) * inner + j] += slices[(o * count + i) * inner + j];
        }
      }
    }
    try (DeviceBuffer ds = upload(b, dt, src); DeviceBuffer di = upload(b, dt, idx);
        DeviceBuffer out = b.allocate(dt, selected.length);
        DeviceBuffer dsl = upload(b, dt, slices); DeviceBuffer acc = b.allocate(dt, added.length)) {
      b.indexSelect(ds, outer, axis, inner, di, out);
      assertArrayEquals(selected, download(b, out), "indexSelect");
      b.fill(acc, 0);
      b.indexAdd(dsl, di, acc, outer, axis, inner);
      assertClose(GpuFixture.round(dt, added), download(b, acc), elementwiseTol(dt) * 4,
          "indexAdd with repeated indices");
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void oneHotEncodes(DType dt) {
    double[] idx = {2, 0, 9, 2};
    double[] want = new double[4 * 10];
    for (int r = 0; r < 4; r++) {
      want[r * 10 + (int) idx[r]] = 1;
    }
    try (DeviceBuffer di = upload(b, dt, idx); DeviceBuffer out = b.allocate(dt, 40)) {
      b.oneHot(di, 10, out);
      assertArrayEquals(want, download(b, out));
    }
  }
}
