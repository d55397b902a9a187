package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.MemoryAccounting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * allocate, upload, download, close and fill: buffers hold what they were given, and closing them
 * gives their memory back.
 */
final class MemoryChecks {
  /** Sizes of one element, a few thousand, and above the size backends start splitting work. */
  private static final int[] SIZES = {1, 1027, 300_007};

  private MemoryChecks() {}

  static void addTo(CheckRunner r) {
    Backend backend = r.backend();
    for (DType dtype : DType.values()) {
      r.check("allocate and close " + dtype, b -> {
        try (DeviceBuffer buffer = backend.allocate(dtype, 5);
            DeviceBuffer empty = backend.allocate(dtype, 0)) {
          describes(buffer, dtype, 5, backend.name());
          describes(empty, dtype, 0, backend.name());
          backend.download(empty, new double[0]);
          buffer.close();
          try {
            buffer.close();
          } catch (RuntimeException e) {
            throw new Mismatch("a second close() threw " + e + "; closing twice must be harmless "
                + "(DeviceBuffer.close()): a TensorScope and the buffer's owner may both close it");
          }
          if (!buffer.isClosed()) {
            throw new Mismatch("isClosed() is false after close()");
          }
        }
        return "dtype, length, backend name and isClosed() as the buffer was made";
      });
    }
    addCloseFreesTo(r);
    for (DType dtype : Values.FLOATS) { // INT32's fill: Int32Checks
      r.check("fill " + dtype, b -> {
        double[] values = {0, -0.0, 1.5, -3.25e7, 0.1, Double.NaN, Double.POSITIVE_INFINITY};
        for (int n : SIZES) {
          for (double value : values) {
            double[] want = new double[n];
            Arrays.fill(want, Values.stored(dtype, value));
            Compare.bits("fill(" + value + ") of " + n, want, b.read(b.filled(dtype, n, value)));
          }
        }
        return "every element set, bit for bit (-0.0 keeps its sign), sizes "
            + Arrays.toString(SIZES);
      });
    }
  }

  /**
   * close() gives the memory back, where the backend says what its buffers hold
   * ({@link MemoryAccounting}): a close that frees nothing passes every result check, and shows
   * only as running out of memory after many training steps.
   */
  private static void addCloseFreesTo(CheckRunner r) {
    String name = "close frees memory";
    if (!(r.backend() instanceof MemoryAccounting memory)) {
      r.skip(name, "the " + r.backend().name() + " backend does not implement MemoryAccounting,"
          + " so the bytes its buffers hold cannot be seen");
      return;
    }
    r.check(name, b -> {
      int count = 4;
      int length = 1 << 16;
      long asked = (long) count * length * DType.FLOAT64.byteSize();
      List<DeviceBuffer> buffers = new ArrayList<>();
      long before = memory.bytesInUse();
      long held;
      try {
        for (int i = 0; i < count; i++) {
          buffers.add(r.backend().allocate(DType.FLOAT64, length));
        }
        held = memory.bytesInUse();
      } finally {
        buffers.forEach(DeviceBuffer::close);
      }
      long after = memory.bytesInUse();
      String what = count + " FLOAT64 buffers of " + length + " (" + asked + " bytes)";
      if (held - before < asked) {
        throw new Mismatch("bytesInUse() grew by " + (held - before) + " bytes while " + what
            + " were open; it must count at least each open buffer's length times its dtype's"
            + " size (MemoryAccounting.bytesInUse())");
      }
      if (held - after < asked) {
        throw new Mismatch("close() freed " + (held - after) + " bytes of " + what + ": bytesInUse()"
            + " was " + held + " with them open and " + after + " after closing them; closing a"
            + " buffer must give its memory back (DeviceBuffer.close())");
      }
      return "bytesInUse() grew by " + (held - before) + " and fell by " + (held - after)
          + " bytes for " + what;
    });
  }

  /**
   * Upload and download of FLOAT32 and FLOAT64: with {@link Int32Checks#addRoundTripTo} and
   * {@link Uint8Checks#addRoundTripTo} the kit's first checks, as every other check reads its
   * results with {@code download}: a broken download is reported as itself before anything else.
   */
  static void addRoundTripsTo(CheckRunner r) {
    Backend backend = r.backend();
    r.check(BackendTestReport.ROUND_TRIP + " FLOAT32", b -> {
      float[] host = {1.5f, -2.25f, 3e-8f, 0.1f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE,
          Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
      float[] sent = host.clone();
      DeviceBuffer buffer = b.keep(backend.upload(sent));
      sent[0] = 99; // the buffer holds a copy
      describes(buffer, DType.FLOAT32, host.length, backend.name());
      float[] asFloat = new float[host.length];
      backend.download(buffer, asFloat);
      double[] want = new double[host.length];
      double[] gotFloat = new double[host.length];
      for (int i = 0; i < host.length; i++) {
        want[i] = host[i];
        gotFloat[i] = asFloat[i];
      }
      Compare.bits("download to float[]", want, gotFloat);
      Compare.bits("download to double[]", want, b.read(buffer));
      return roundTrip(b, DType.FLOAT32, "special values and subnormals");
    });
    r.check(BackendTestReport.ROUND_TRIP + " FLOAT64", b -> {
      double[] host = {0.1, 1e300, -7, 1e-300, -0.0, Double.MIN_VALUE, Double.NaN,
          Double.NEGATIVE_INFINITY};
      double[] sent = host.clone();
      DeviceBuffer buffer = b.keep(backend.upload(sent));
      sent[0] = 99;
      describes(buffer, DType.FLOAT64, host.length, backend.name());
      Compare.bits("download to double[]", host, b.read(buffer));
      float[] asFloat = new float[host.length];
      backend.download(buffer, asFloat);
      double[] got = new double[host.length];
      for (int i = 0; i < host.length; i++) {
        got[i] = asFloat[i];
      }
      Compare.bits("download to float[] rounds as a cast does (1e300 to Infinity)",
          Values.stored(DType.FLOAT32, host), got);
      return roundTrip(b, DType.FLOAT64, "special values, subnormals and rounding to float");
    });
  }

  /** A large random buffer comes back unchanged; returns the check's detail. */
  private static String roundTrip(Buffers b, DType dtype, String what) {
    double[] v = Values.uniform(new java.util.Random(7), dtype, SIZES[2], -1e6, 1e6);
    Compare.bits("round trip of " + v.length, v, b.read(b.upload(dtype, v)));
    return what + " bit for bit; a copy is uploaded; " + v.length + " values round trip";
  }

  private static void describes(DeviceBuffer buffer, DType dtype, long length, String backend) {
    if (buffer.dtype() != dtype || buffer.length() != length
        || !backend.equals(buffer.backendName()) || buffer.isClosed()) {
      throw new Mismatch("a new buffer reports " + buffer.dtype() + "[" + buffer.length()
          + "] of backend '" + buffer.backendName() + "'" + (buffer.isClosed() ? ", closed" : "")
          + "; expected " + dtype + "[" + length + "] of backend '" + backend + "', open");
    }
  }
}
