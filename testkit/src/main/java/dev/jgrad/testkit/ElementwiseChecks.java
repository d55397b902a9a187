package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import java.util.Arrays;
import java.util.Random;

/**
 * unary, binary (with broadcasting) and scalar against the reference on random inputs, and in
 * place (out the same buffer as an input), which the contract allows for these three.
 */
final class ElementwiseChecks {
  /** Lengths: tiny, odd, and above the sizes where backends split work over threads or blocks. */
  private static final int[] SIZES = {1, 7, 1000, 4099, 300_007};

  /**
   * Pairs of input shapes: same shape, a trailing vector, a column, both sides broadcast,
   * scalars, rank differences, an empty tensor, middle axes, and large ones of each kind.
   */
  private static final int[][][] SHAPES = {
      {{2, 3}, {2, 3}}, {{2, 3}, {3}}, {{3}, {2, 3}}, {{2, 3}, {2, 1}}, {{2, 1}, {2, 3}},
      {{2, 1}, {1, 3}}, {{2, 3}, {}}, {{}, {2, 3}}, {{2, 3}, {1}}, {{1, 1}, {2, 3}}, {{}, {}},
      {{2, 3, 4}, {2, 1, 4}}, {{2, 1, 4}, {2, 3, 4}}, {{4, 1, 5}, {3, 1}},
      {{2, 3, 4, 5}, {3, 1, 5}}, {{0, 3}, {3}}, {{3, 5, 7}, {3, 5, 7}}, {{100, 10}, {10}},
      {{100, 10}, {100, 1}}, {{5, 1}, {1, 6}}, {{2, 1, 3, 1, 2}, {1, 4, 1, 5, 1}},
      {{1, 1, 7}, {3, 1}}, {{2049}, {1}}, {{300, 701}, {701}}, {{300, 701}, {300, 1}},
      {{1, 701}, {300, 1}}, {{800, 701}, {701}}, {{800, 701}, {800, 1}},
      {{800, 701}, {800, 701}}, {{40, 30, 71}, {40, 1, 71}}};

  private ElementwiseChecks() {}

  static void addTo(CheckRunner r) {
    for (DType dtype : Values.FLOATS) {
      for (UnaryOp op : UnaryOp.values()) {
        unary(r, op, dtype);
      }
      for (BinaryOp op : BinaryOp.values()) {
        binary(r, op, dtype);
        scalar(r, op, dtype);
      }
    }
  }

  /**
   * Inputs where {@code op} is defined: positive for LOG and SQRT, above -1 for LOG1P; small and
   * large values; for SIN and COS large arguments (|x| up to 1e4), where a kernel's argument
   * reduction shows; for ERF |x| up to 6, beyond which it is +-1 in both dtypes.
   */
  private static double[] unaryInputs(Random random, UnaryOp op, DType dtype, int n) {
    boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT;
    double reach = op == UnaryOp.SIN || op == UnaryOp.COS ? 1e4 : op == UnaryOp.ERF ? 6 : 20;
    double low = positive ? 0.01 : op == UnaryOp.LOG1P ? -0.99 : -2;
    double[] x = Values.uniform(random, dtype, n, low, 2);
    double[] wide = Values.uniform(random, dtype, n / 2, positive || op == UnaryOp.LOG1P ? low
        : -reach, positive ? 50 : reach);
    System.arraycopy(wide, 0, x, n - wide.length, wide.length);
    if (n > 3 && !positive) {
      x[3] = 0; // the kink of RELU and STEP
    }
    return x;
  }

  private static void unary(CheckRunner r, UnaryOp op, DType dtype) {
    Backend backend = r.backend();
    String name = "unary(" + op + ") " + dtype;
    r.check(name, b -> {
      Random random = r.random(name);
      StringBuilder detail = new StringBuilder();
      for (int n : SIZES) {
        double[] x = unaryInputs(random, op, dtype, n);
        DeviceBuffer out = b.filled(dtype, n, Double.NaN);
        backend.unary(op, b.upload(dtype, x), out);
        detail.setLength(0);
        detail.append(Compare.close("n=" + n, want(op, dtype, x), b.read(out),
            Compare.elementwise(dtype)));
      }
      return "sizes " + Arrays.toString(SIZES) + "; largest " + detail;
    });
    String inPlace = "in place unary(" + op + ") " + dtype;
    r.check(inPlace, b -> {
      Random random = r.random(inPlace);
      for (int n : new int[] {7, SIZES[SIZES.length - 1]}) {
        double[] x = unaryInputs(random, op, dtype, n);
        DeviceBuffer buffer = b.upload(dtype, x);
        backend.unary(op, buffer, buffer);
        Compare.close("n=" + n + " with out = x", want(op, dtype, x), b.read(buffer),
            Compare.elementwise(dtype));
      }
      return "out = x gives the same results";
    });
  }

  private static double[] want(UnaryOp op, DType dtype, double[] x) {
    double[] want = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      want[i] = Values.stored(dtype, Reference.unary(op, x[i]));
    }
    return want;
  }

  /** Random inputs of a binary op: a positive base for POW, an equal pair for the ties. */
  private static double[][] binaryInputs(Random random, BinaryOp op, DType dtype, int aSize,
      int bSize) {
    boolean pow = op == BinaryOp.POW;
    double[] a = Values.uniform(random, dtype, aSize, pow ? 0.1 : -3, 3);
    double[] b = Values.uniform(random, dtype, bSize, pow ? -2 : -3, 3);
    if (aSize > 0 && bSize > 0) {
      b[0] = a[0]; // out[0] pairs a[0] with b[0] under any broadcast: EQUAL, and the ties
    }
    return new double[][] {a, b};
  }

  private static void binary(CheckRunner r, BinaryOp op, DType dtype) {
    Backend backend = r.backend();
    String name = "binary(" + op + ") " + dtype;
    r.check(name, b -> {
      Random random = r.random(name);
      for (int[][] s : SHAPES) {
        Shape as = Shape.of(s[0]);
        Shape bs = Shape.of(s[1]);
        Shape os = Shape.broadcast(as, bs, name);
        double[][] in = binaryInputs(random, op, dtype, as.intSize(), bs.intSize());
        DeviceBuffer out = b.filled(dtype, os.size(), Double.NaN);
        backend.binary(op, b.upload(dtype, in[0]), as, b.upload(dtype, in[1]), bs, out, os);
        Compare.close(as + " with " + bs, want(op, dtype, in[0], as, in[1], bs, os),
            b.read(out), Compare.elementwise(dtype));
      }
      return SHAPES.length + " pairs of shapes within " + Compare.elementwise(dtype)
          + " relative";
    });
    String inPlace = "in place binary(" + op + ") " + dtype;
    r.check(inPlace, b -> {
      Random random = r.random(inPlace);
      Shape big = Shape.of(400, 333);
      Shape row = Shape.of(333);
      double[][] in = binaryInputs(random, op, dtype, big.intSize(), row.intSize());
      double tol = Compare.elementwise(dtype);
      DeviceBuffer a = b.upload(dtype, in[0]);
      backend.binary(op, a, big, b.upload(dtype, in[1]), row, a, big);
      Compare.close("out = a " + big + " with " + row, want(op, dtype, in[0], big, in[1], row,
          big), b.read(a), tol);
      double[][] flipped = binaryInputs(random, op, dtype, row.intSize(), big.intSize());
      DeviceBuffer c = b.upload(dtype, flipped[1]);
      backend.binary(op, b.upload(dtype, flipped[0]), row, c, big, c, big);
      Compare.close("out = b " + row + " with " + big, want(op, dtype, flipped[0], row,
          flipped[1], big, big), b.read(c), tol);
      DeviceBuffer x = b.upload(dtype, in[0]);
      backend.binary(op, x, big, x, big, x, big);
      Compare.close("out = a = b " + big, want(op, dtype, in[0], big, in[0], big, big),
          b.read(x), tol);
      return "out = a, out = b and out = a = b give the same results";
    });
  }

  private static double[] want(BinaryOp op, DType dtype, double[] a, Shape as, double[] b,
      Shape bs, Shape os) {
    return Values.stored(dtype, Reference.broadcast(op, a, as, b, bs, os));
  }

  private static void scalar(CheckRunner r, BinaryOp op, DType dtype) {
    Backend backend = r.backend();
    String name = "scalar(" + op + ") " + dtype;
    // exactly representable, so both dtypes see the same scalar; POW also takes the exponents
    // backends like to special-case, on negative bases and zero too
    double[] scalars = op == BinaryOp.POW ? new double[] {1.5, 2, 1, 0, -1, 3, 0.5, -2}
        : new double[] {-0.75, 2.5};
    r.check(name, b -> {
      Random random = r.random(name);
      for (double s : scalars) {
        for (int n : SIZES) {
          boolean wholeExponent = op == BinaryOp.POW && s == Math.rint(s);
          double[] a = Values.uniform(random, dtype, n, op != BinaryOp.POW ? -2
              : wholeExponent ? -3 : 0.1, op == BinaryOp.POW ? 4 : 2);
          if (n > 2) {
            a[2] = s; // EQUAL, and the ties of MAXIMUM, MINIMUM and GREATER
          }
          if (n > 3 && wholeExponent) {
            a[3] = 0;
          }
          DeviceBuffer out = b.filled(dtype, n, Double.NaN);
          backend.scalar(op, b.upload(dtype, a), s, out);
          Compare.close("scalar " + s + ", n=" + n, want(op, dtype, a, s), b.read(out),
              Compare.elementwise(dtype));
        }
      }
      return "scalars " + Arrays.toString(scalars) + ", sizes "
          + Arrays.toString(SIZES);
    });
    String inPlace = "in place scalar(" + op + ") " + dtype;
    r.check(inPlace, b -> {
      double s = scalars[0];
      double[] a = Values.uniform(r.random(inPlace), dtype, SIZES[SIZES.length - 1],
          op == BinaryOp.POW ? 0.1 : -2, 2);
      DeviceBuffer buffer = b.upload(dtype, a);
      backend.scalar(op, buffer, s, buffer);
      Compare.close("out = a", want(op, dtype, a, s), b.read(buffer), Compare.elementwise(dtype));
      return "out = a gives the same results";
    });
  }

  private static double[] want(BinaryOp op, DType dtype, double[] a, double s) {
    double[] want = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      want[i] = Values.stored(dtype, Reference.binary(op, a[i], s));
    }
    return want;
  }
}
