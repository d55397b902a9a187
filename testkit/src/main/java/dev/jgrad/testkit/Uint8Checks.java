package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;

/**
 * The UINT8 dtype of stored pixels: every byte uploads and downloads as its unsigned value
 * (128..255 too, which a signed byte would turn negative), fills of 0..255, conversions to UINT8
 * as the low 8 bits of Java's {@code (int)} cast, and the contract's rejections: arithmetic on
 * UINT8, a fill outside 0..255 or not whole, an int[] download, UINT8 indices. Copies, axis
 * ranges, strided views, gathers and the conversions between every pair of dtypes are in
 * {@link LayoutChecks}, {@link IndexChecks} and {@link Int32Checks}, which run over every dtype.
 */
final class Uint8Checks {
  private static final DType U = DType.UINT8;
  private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
  /** Values to UINT8 as {@code (byte) (int) v} keeps them, read unsigned; each {value, byte}. */
  private static final double[][] TO_UINT8 = {{2.7, 2}, {-2.7, 254}, {255.9, 255}, {256, 0},
      {300, 44}, {-1, 255}, {Double.NaN, 0}, {1e10, 255}, {-1e10, 0},
      {Double.POSITIVE_INFINITY, 255}, {Double.NEGATIVE_INFINITY, 0}, {-0.0, 0}, {128, 128}};

  private Uint8Checks() {}

  /** Upload and download, among the kit's first checks ({@link MemoryChecks#addRoundTripsTo}). */
  static void addRoundTripTo(CheckRunner r) {
    Backend k = r.backend();
    r.check(BackendTestReport.ROUND_TRIP + " UINT8", b -> {
      byte[] sent = new byte[256];
      double[] want = new double[256];
      for (int i = 0; i < 256; i++) {
        sent[i] = (byte) i;
        want[i] = i;
      }
      DeviceBuffer buffer = b.keep(k.upload(sent));
      sent[0] = 99; // the buffer holds a copy
      Compare.exact("download to double[]", want, b.read(buffer));
      float[] f = new float[256];
      k.download(buffer, f);
      double[] got = new double[256];
      for (int i = 0; i < 256; i++) {
        got[i] = f[i];
      }
      Compare.exact("download to float[]", want, got);
      return "all 256 byte values read back unsigned, as doubles and floats";
    });
  }

  static void addTo(CheckRunner r) {
    Backend k = r.backend();
    r.check("fill UINT8", b -> {
      for (int v : new int[] {0, 1, 127, 128, 255}) {
        double[] want = new double[1000];
        java.util.Arrays.fill(want, v);
        Compare.exact("fill(" + v + ")", want, b.read(b.filled(U, 1000, v)));
      }
      return "0, 1, 127, 128 and 255, exact";
    });
    r.check("convert to UINT8", b -> {
      Int32Checks.floatEdgeCases(k, b, U, TO_UINT8);
      DeviceBuffer dst = b.filled(U, 4, 7);
      k.convert(b.upload(DType.INT32, 256, -1, 511, Integer.MIN_VALUE), dst);
      Compare.exact("INT32 to UINT8", new double[] {0, 255, 255, 0}, b.read(dst));
      return "floats toward zero then the low 8 bits (300 -> 44, -1 -> 255, NaN -> 0), ints alike";
    });
    rejections(r, k);
  }

  private static void rejections(CheckRunner r, Backend k) {
    String[] arithmetic = {"UINT8", "FLOAT32 or FLOAT64", ".to(DType.FLOAT32)"};
    r.check("rejects unary: UINT8", b -> Rejection.of(k, IAE, "unary(NEG)").saying(arithmetic)
        .check(b, () -> k.unary(UnaryOp.NEG, b.upload(U, 1, 2), b.allocate(U, 2))));
    r.check("rejects binary: UINT8", b -> Rejection.of(k, IAE, "binary(ADD)").saying(arithmetic)
        .check(b, () -> k.binary(BinaryOp.ADD, b.upload(U, 1, 2), Shape.of(2), b.upload(U, 1, 2),
            Shape.of(2), b.allocate(U, 2), Shape.of(2))));
    r.check("rejects scalar: UINT8", b -> Rejection.of(k, IAE, "scalar(DIV)").saying(arithmetic)
        .check(b, () -> k.scalar(BinaryOp.DIV, b.upload(U, 1, 2), 255, b.allocate(U, 2))));
    r.check("rejects matmul: UINT8", b -> Rejection.of(k, IAE, "matmul").saying(arithmetic)
        .check(b, () -> k.matmul(b.upload(U, 1), false, b.upload(U, 1), false, b.allocate(U, 1),
            1, 1, 1)));
    r.check("rejects reduce: UINT8 x", b -> Rejection.of(k, IAE, "reduce(SUM)").saying(arithmetic)
        .check(b, () -> k.reduce(ReduceOp.SUM, b.upload(U, 1, 2), 1, 2, 1, b.allocate(U, 1))));
    r.check("rejects fill: a UINT8 value outside 0..255 or not whole", b -> {
      DeviceBuffer dst = b.filled(U, 2, 5);
      for (double bad : new double[] {256, -1, 2.5, Double.NaN}) {
        Rejection.of(k, IAE, "fill").saying("UINT8").leaving(dst).check(b, () -> k.fill(dst, bad));
      }
      return "256, -1, 2.5 and NaN rejected, dst untouched";
    });
    r.check("rejects download: a UINT8 buffer into int[]", b -> Rejection.of(k, IAE, "download")
        .saying("src is UINT8", ".to(DType.INT32)")
        .check(b, () -> k.download(b.upload(U, 1, 2), new int[2])));
    r.check("rejects indexSelect: UINT8 indices", b -> Rejection.of(k, IAE, "indexSelect")
        .saying("indices is UINT8", "must be INT32")
        .check(b, () -> k.indexSelect(b.upload(DType.FLOAT32, 1, 2), 1, 2, 1, b.upload(U, 1),
            b.allocate(DType.FLOAT32, 1))));
  }
}
