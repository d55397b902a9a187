package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import dev.jgrad.autograd.ops.ActivationOps;
import java.util.Arrays;
import java.util.Random;

/**
 * NaN, the infinities, zeros of both signs and subnormals through the elementwise primitives and
 * the reductions, held to the rules of {@link Reference}: IEEE arithmetic, NaN kept by RELU and
 * STEP, MAXIMUM and MINIMUM NaN when either input is, MAX and ARGMAX taking the first NaN; the
 * elementwise results' zeros with their signs, as Java's arithmetic and {@code Math} give them
 * (NEG(0.0) is -0.0; ABS, RELU and MAXIMUM give 0.0 over -0.0). Also relu's gradient as its
 * portable kernel composes it from the primitives, against PyTorch's answers.
 * Results where C's and Java's pow disagree (1 to a NaN or infinite power, -1 to an infinite
 * one) are left out: the contract says nothing there.
 */
final class SpecialValueChecks {
  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;

  /** {a, b} pairs for every binary op but POW. */
  private static final double[][] PAIRS = {
      {NAN, 1}, {1, NAN}, {NAN, NAN}, {INF, 1}, {-INF, 1}, {1, INF}, {1, -INF}, {INF, INF},
      {INF, -INF}, {-INF, -INF}, {0.0, -0.0}, {-0.0, 0.0}, {0, 0}, {1, 0}, {-1, 0}, {2, -3}};

  /** {a, b} pairs for POW. */
  private static final double[][] POW_PAIRS = {
      {NAN, 2}, {2, NAN}, {NAN, 0}, {INF, 2}, {INF, -1}, {-INF, 3}, {-INF, 2}, {0, -1},
      {2, INF}, {0.5, INF}, {2, -INF}, {-2, 0.5}, {0, 0}, {-2, 3}};

  private SpecialValueChecks() {}

  static void addTo(CheckRunner r) {
    for (DType dtype : Values.FLOATS) {
      for (UnaryOp op : UnaryOp.values()) {
        unary(r, op, dtype);
      }
      for (BinaryOp op : BinaryOp.values()) {
        binaryAndScalar(r, op, dtype);
      }
      reduce(r, dtype);
      reluGradient(r, dtype);
    }
  }

  private static void unary(CheckRunner r, UnaryOp op, DType dtype) {
    Backend backend = r.backend();
    double tiny = Values.tiny(dtype);
    double[] x = {NAN, INF, -INF, 0.0, -0.0, 1, -1, 1000, -1000, tiny, -tiny, 3};
    r.check("special values unary(" + op + ") " + dtype, b -> {
      DeviceBuffer out = b.filled(dtype, x.length, 12345);
      backend.unary(op, b.upload(dtype, x), out);
      double[] want = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        want[i] = Values.stored(dtype, Reference.unary(op, x[i]));
      }
      return Compare.closeSigned(Arrays.toString(x), want, b.read(out),
          Compare.elementwise(dtype));
    });
  }

  private static void binaryAndScalar(CheckRunner r, BinaryOp op, DType dtype) {
    Backend backend = r.backend();
    double[][] pairs = op == BinaryOp.POW ? POW_PAIRS : PAIRS;
    double tol = Compare.elementwise(dtype);
    r.check("special values binary(" + op + ") " + dtype, b -> {
      double[] a = new double[pairs.length];
      double[] c = new double[pairs.length];
      double[] want = new double[pairs.length];
      for (int i = 0; i < pairs.length; i++) {
        a[i] = pairs[i][0];
        c[i] = pairs[i][1];
        want[i] = Values.stored(dtype, Reference.binary(op, a[i], c[i]));
      }
      Shape s = Shape.of(pairs.length);
      DeviceBuffer out = b.filled(dtype, pairs.length, 12345);
      backend.binary(op, b.upload(dtype, a), s, b.upload(dtype, c), s, out, s);
      Compare.closeSigned("pairs " + Arrays.deepToString(pairs), want, b.read(out), tol);
      for (double scalar : op == BinaryOp.POW ? new double[0] : new double[] {NAN, INF, 0}) {
        double[] wantScalar = new double[pairs.length]; // a special value broadcast
        for (int i = 0; i < pairs.length; i++) {
          wantScalar[i] = Values.stored(dtype, Reference.binary(op, a[i], scalar));
        }
        backend.binary(op, b.upload(dtype, a), s, b.upload(dtype, scalar), Shape.scalar(), out, s);
        Compare.closeSigned("broadcast " + scalar, wantScalar, b.read(out), tol);
      }
      return "IEEE results, NaN where either input is NaN for MAXIMUM and MINIMUM: "
          + pairs.length + " pairs";
    });
    r.check("special values scalar(" + op + ") " + dtype, b -> {
      double[] a = {NAN, INF, -INF, 0.0, -0.0, 2, -2};
      double[] scalars = op == BinaryOp.POW ? new double[] {2, 3, -1, 0}
          : new double[] {NAN, INF, 0, 1.5};
      DeviceBuffer out = b.filled(dtype, a.length, 12345);
      for (double s : scalars) {
        double[] want = new double[a.length];
        for (int i = 0; i < a.length; i++) {
          want[i] = Values.stored(dtype, Reference.binary(op, a[i], s));
        }
        backend.scalar(op, b.upload(dtype, a), s, out);
        Compare.closeSigned("scalar " + s, want, b.read(out), tol);
      }
      return "special inputs with scalars " + Arrays.toString(scalars);
    });
  }

  /**
   * relu's gradient as its portable kernel composes it from this backend's primitives (STEP, MUL
   * and ADD by a scalar, NEG, MINIMUM, MAXIMUM), for each g against every x: PyTorch 2.13's
   * answers (g where x &gt; 0, +0 where x &lt;= 0 even for an infinite or negative g), and NaN where
   * x or g is NaN (PyTorch: g where x is NaN, 0 for a NaN g where x &lt;= 0; jgrad lets NaN
   * through).
   */
  private static void reluGradient(CheckRunner r, DType dtype) {
    Backend backend = r.backend();
    double[] x = {1, 0, -1, -0.0, INF, -INF, Values.tiny(dtype), NAN};
    double[] gs = {INF, -INF, -2, -0.0, NAN};
    double[][] want = {
        {INF, 0, 0, 0, INF, 0, INF, NAN},
        {-INF, 0, 0, 0, -INF, 0, -INF, NAN},
        {-2, 0, 0, 0, -2, 0, -2, NAN},
        {-0.0, 0, 0, 0, -0.0, 0, -0.0, NAN},
        {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN}};
    r.check("special values relu gradient " + dtype, b -> {
      Shape s = Shape.of(x.length);
      DeviceBuffer xs = b.upload(dtype, x);
      for (int k = 0; k < gs.length; k++) {
        double[] g = new double[x.length];
        Arrays.fill(g, gs[k]);
        DeviceBuffer out = b.filled(dtype, x.length, 12345);
        ActivationOps.reluGrad(backend, b.upload(dtype, g), xs, out, s);
        Compare.closeSigned("g " + gs[k] + " at x " + Arrays.toString(x), want[k], b.read(out),
            0);
      }
      return "g where x > 0, +0 where x <= 0 (an infinite g too), NaN through";
    });
  }

  /** {outer, axis, inner}: short and long axes, one output and many, strided (inner > 1). */
  private static final int[][] REDUCE_VIEWS = {
      {1, 5, 1}, {1, 1000, 1}, {2, 6, 3}, {7, 13, 5}, {1, 6000, 100}, {100, 784, 1},
      {3, 500, 33}};

  private static void reduce(CheckRunner r, DType dtype) {
    Backend backend = r.backend();
    for (ReduceOp op : ReduceOp.values()) {
      String name = "special values reduce(" + op + ") " + dtype;
      r.check(name, b -> {
        Random random = r.random(name);
        for (int[] v : REDUCE_VIEWS) {
          double[] x = specialLines(random, op, dtype, v[0], v[1], v[2]);
          DeviceBuffer out = b.filled(op == ReduceOp.ARGMAX ? DType.INT32 : dtype,
              (long) v[0] * v[2], 12345);
          backend.reduce(op, b.upload(dtype, x), v[0], v[1], v[2], out);
          double[] want = Values.stored(dtype, Reference.reduce(op, x, v[0], v[1], v[2]));
          double tol = op == ReduceOp.SUM ? Compare.accumulated(dtype) : 0;
          Compare.close(Arrays.toString(v), want, b.read(out), tol);
        }
        return op == ReduceOp.SUM ? "NaN anywhere in a line makes its sum NaN"
            : "the first NaN of a line wins; a line of -Infinity gives -Infinity at 0";
      });
    }
  }

  /**
   * Random lines of {@code [outer, axis, inner]} where, by line number: a NaN early and one late;
   * a NaN last; every element -Infinity; +Infinity twice; or nothing special. SUM sees no
   * infinities: a sum of both is NaN, and compensated sums make NaN of one infinity too.
   */
  private static double[] specialLines(Random random, ReduceOp op, DType dtype, int outer,
      int axis, int inner) {
    double[] x = Values.uniform(random, dtype, outer * axis * inner, -1, 1);
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int line = o * inner + j;
        int first = o * axis * inner + j; // element a of the line is first + a * inner
        boolean infinite = line % 5 == 2 || line % 5 == 3;
        switch (op == ReduceOp.SUM && infinite ? 4 : line % 5) {
          case 0 -> {
            x[first + (axis / 3) * inner] = NAN;
            x[first + (axis - 1) * inner] = NAN;
          }
          case 1 -> x[first + (axis - 1) * inner] = NAN;
          case 2 -> {
            for (int a = 0; a < axis; a++) {
              x[first + a * inner] = -INF;
            }
          }
          case 3 -> {
            x[first + (axis / 2) * inner] = INF;
            x[first + (axis - 1) * inner] = INF;
          }
          default -> { }
        }
      }
    }
    return x;
  }
}
