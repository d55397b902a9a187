package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;

/**
 * The INT32 index dtype: uploads and downloads exact over the whole int range (16777217, which
 * FLOAT32 cannot hold, among them), whole-number fills, {@code convert} between every pair of
 * dtypes with its edge cases (toward zero, NaN to 0, saturation; ints beyond 2^24 rounded to
 * FLOAT32), and the contract's rejections: arithmetic on INT32, a non-whole fill, an int[]
 * download of a float buffer and a float ARGMAX output. Copies, axis ranges and gathers of INT32
 * are in {@link LayoutChecks} and {@link IndexChecks}.
 */
final class Int32Checks {
  private static final DType I = DType.INT32;
  private static final DType F = DType.FLOAT32;
  private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
  private static final int[] EXTREMES = {0, -1, 1, 16_777_217, -16_777_217, Integer.MAX_VALUE,
      Integer.MIN_VALUE, 123_456_789};
  /** Floats to INT32 as Java's (int) cast converts them; each pair {value, int}. */
  private static final double[][] TO_INT = {{2.7, 2}, {-2.7, -2}, {-0.0, 0}, {0.49, 0},
      {Double.NaN, 0}, {1e10, Integer.MAX_VALUE}, {-1e10, Integer.MIN_VALUE},
      {Double.POSITIVE_INFINITY, Integer.MAX_VALUE}, {Double.NEGATIVE_INFINITY, Integer.MIN_VALUE},
      {16_777_216, 16_777_216}, {-5, -5}};

  private Int32Checks() {}

  /** Upload and download, among the kit's first checks ({@link MemoryChecks#addRoundTripsTo}). */
  static void addRoundTripTo(CheckRunner r) {
    Backend k = r.backend();
    r.check(BackendTestReport.ROUND_TRIP + " INT32", b -> {
      int[] sent = EXTREMES.clone();
      DeviceBuffer buffer = b.keep(k.upload(sent));
      sent[0] = 99; // the buffer holds a copy
      int[] got = new int[EXTREMES.length];
      k.download(buffer, got);
      Compare.exact("download to int[]", asDoubles(EXTREMES), asDoubles(got));
      Compare.exact("download to double[]", asDoubles(EXTREMES), b.read(buffer));
      float[] f = new float[EXTREMES.length];
      k.download(buffer, f);
      Compare.exact("download to float[] rounds as a cast does",
          Values.stored(F, asDoubles(EXTREMES)), floats(f));
      return "the int range's edges and 16777217 exact; float[] rounded as a cast";
    });
  }

  static void addTo(CheckRunner r) {
    Backend k = r.backend();
    r.check("fill INT32", b -> {
      for (int v : EXTREMES) {
        double[] want = new double[1000];
        java.util.Arrays.fill(want, v);
        Compare.exact("fill(" + v + ")", want, b.read(b.filled(I, 1000, v)));
      }
      return EXTREMES.length + " values, exact";
    });
    r.check("convert", b -> {
      int pairs = 0;
      for (DType from : DType.values()) {
        for (DType to : DType.values()) {
          double[] v = from == I ? asDoubles(EXTREMES) : new double[] {1.5, -0.0, 3e38, 0.1,
              -7, 16_777_217, Double.NaN, Double.NEGATIVE_INFINITY};
          v = Values.stored(from, v);
          DeviceBuffer dst = b.filled(to, v.length, 0);
          k.convert(b.upload(from, v), dst);
          Compare.bits(from + " to " + to, Values.stored(to, v), b.read(dst));
          pairs++;
        }
      }
      floatEdgeCases(k, b, I, TO_INT);
      return pairs + " dtype pairs as Java's casts; to INT32 toward zero, NaN to 0, saturating";
    });
    rejections(r, k);
  }

  private static void rejections(CheckRunner r, Backend k) {
    String[] arithmetic = {"INT32", "FLOAT32 or FLOAT64", ".to(DType.FLOAT32)"};
    r.check("rejects unary: INT32", b -> Rejection.of(k, IAE, "unary(NEG)").saying(arithmetic)
        .check(b, () -> k.unary(UnaryOp.NEG, b.indices(1, 2), b.allocate(I, 2))));
    r.check("rejects binary: INT32", b -> Rejection.of(k, IAE, "binary(ADD)").saying(arithmetic)
        .check(b, () -> k.binary(BinaryOp.ADD, b.indices(1, 2), Shape.of(2), b.indices(1, 2),
            Shape.of(2), b.allocate(I, 2), Shape.of(2))));
    r.check("rejects scalar: INT32", b -> Rejection.of(k, IAE, "scalar(MUL)").saying(arithmetic)
        .check(b, () -> k.scalar(BinaryOp.MUL, b.indices(1, 2), 2, b.allocate(I, 2))));
    r.check("rejects matmul: INT32", b -> Rejection.of(k, IAE, "matmul").saying(arithmetic)
        .check(b, () -> k.matmul(b.indices(1), false, b.indices(1), false, b.allocate(I, 1), 1,
            1, 1)));
    r.check("rejects reduce: INT32 x", b -> Rejection.of(k, IAE, "reduce(SUM)").saying(arithmetic)
        .check(b, () -> k.reduce(ReduceOp.SUM, b.indices(1, 2), 1, 2, 1, b.allocate(I, 1))));
    r.check("rejects transpose: INT32", b -> Rejection.of(k, IAE, "transpose").saying(arithmetic)
        .check(b, () -> k.transpose(b.indices(1, 2, 3, 4), 1, 2, 2, b.allocate(I, 4))));
    r.check("rejects reduce(ARGMAX): a float out", b -> {
      DeviceBuffer out = b.filled(F, 2, 7);
      return Rejection.of(k, IAE, "reduce(ARGMAX)").saying("out is FLOAT32", "must be INT32")
          .leaving(out).check(b, () -> k.reduce(ReduceOp.ARGMAX, b.upload(F, 1, 2, 3, 4), 2, 2, 1,
              out));
    });
    r.check("rejects fill: a non-whole INT32 value", b -> {
      DeviceBuffer dst = b.indices(5, 5);
      for (double bad : new double[] {2.5, Double.NaN, 3e9}) {
        Rejection.of(k, IAE, "fill").saying("INT32").leaving(dst).check(b, () -> k.fill(dst, bad));
      }
      return "2.5, NaN and 3e9 rejected, dst untouched";
    });
    r.check("rejects download: a float buffer into int[]", b -> Rejection.of(k, IAE, "download")
        .saying("src is FLOAT32", ".to(DType.INT32)")
        .check(b, () -> k.download(b.upload(F, 1, 2), new int[2])));
    r.check("rejects convert: lengths differ", b -> Rejection.of(k, IAE, "convert")
        .saying("length 3", "length 2")
        .check(b, () -> k.convert(b.upload(F, 1, 2, 3), b.allocate(I, 2))));
  }

  /**
   * Each float dtype's values {@code cases[i][0]} converted to {@code to} are exactly
   * {@code cases[i][1]}.
   */
  static void floatEdgeCases(Backend k, Buffers b, DType to, double[][] cases) {
    for (DType from : Values.FLOATS) {
      double[] v = new double[cases.length];
      double[] want = new double[cases.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = cases[i][0];
        want[i] = cases[i][1];
      }
      DeviceBuffer dst = b.filled(to, v.length, 7);
      k.convert(b.upload(from, v), dst);
      Compare.exact(from + " to " + to + " edge cases", want, b.read(dst));
    }
  }

  private static double[] asDoubles(int[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static double[] floats(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}
