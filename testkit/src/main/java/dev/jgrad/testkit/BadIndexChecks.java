package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;

/**
 * Bad index operands (indexSelect, indexAdd, oneHot): a value out of range is an
 * {@link IndexOutOfBoundsException} naming the index and the bound (a synchronous backend throws
 * before writing anything; an asynchronous one may throw at the next synchronisation instead,
 * {@link Rejection#orAtSynchronize()}); indices of a float dtype are an
 * {@link IllegalArgumentException} pointing to INT32, at the call.
 */
final class BadIndexChecks {
  private static final double[] OUT_OF_RANGE = {-1, 3, 100, Integer.MIN_VALUE};

  private BadIndexChecks() {}

  static void addTo(CheckRunner r) {
    for (DType dtype : Values.FLOATS) {
      for (double bad : OUT_OF_RANGE) {
        String index = "index " + (long) bad;
        add(r, dtype, bad, IndexOutOfBoundsException.class, index, "bound 3");
      }
      floatIndices(r, dtype);
    }
  }

  /** Indices of the data's float dtype, as before INT32: rejected, whole numbers or not. */
  private static void floatIndices(CheckRunner r, DType dtype) {
    Backend k = r.backend();
    String[] words = {"indices is " + dtype, "must be INT32", "Tensor.indices(...)",
        ".to(DType.INT32)"};
    Class<IllegalArgumentException> iae = IllegalArgumentException.class;
    r.check("rejects indexSelect: " + dtype + " indices", b -> {
      DeviceBuffer out = b.upload(dtype, 5, 5);
      return Rejection.of(k, iae, "indexSelect").saying(words).leaving(out)
          .check(b, () -> k.indexSelect(b.upload(dtype, 1, 2, 3), 1, 3, 1,
              b.upload(dtype, 0, 1), out));
    });
    r.check("rejects indexAdd: " + dtype + " indices", b -> {
      DeviceBuffer dst = b.upload(dtype, 1, 2, 3);
      return Rejection.of(k, iae, "indexAdd").saying(words).leaving(dst)
          .check(b, () -> k.indexAdd(b.upload(dtype, 5, 5), b.upload(dtype, 0, 1), dst, 1, 3, 1));
    });
    r.check("rejects oneHot: " + dtype + " indices", b -> {
      DeviceBuffer out = b.filled(dtype, 6, 7);
      return Rejection.of(k, iae, "oneHot").saying(words).leaving(out)
          .check(b, () -> k.oneHot(b.upload(dtype, 0, 1), 3, out));
    });
  }

  /** The three primitives with indices {0, bad} into an axis of 3. */
  private static void add(CheckRunner r, DType dtype, double bad,
      Class<? extends RuntimeException> type, String... words) {
    Backend k = r.backend();
    String shown = bad == Math.rint(bad) ? Long.toString((long) bad) : Double.toString(bad);
    String which = " index " + shown + " " + dtype;
    r.check("rejects indexSelect:" + which, b -> {
      DeviceBuffer out = b.upload(dtype, 5, 5);
      return Rejection.of(k, type, "indexSelect").saying(words).leaving(out).orAtSynchronize()
          .check(b, () -> k.indexSelect(b.upload(dtype, 1, 2, 3), 1, 3, 1,
              b.indices(0, bad), out));
    });
    r.check("rejects indexAdd:" + which, b -> {
      DeviceBuffer dst = b.upload(dtype, 1, 2, 3);
      return Rejection.of(k, type, "indexAdd").saying(words).leaving(dst).orAtSynchronize()
          .check(b, () -> k.indexAdd(b.upload(dtype, 5, 5), b.indices(0, bad), dst, 1, 3,
              1));
    });
    r.check("rejects oneHot:" + which, b -> {
      DeviceBuffer out = b.filled(dtype, 6, 7);
      return Rejection.of(k, type, "oneHot").saying(words).leaving(out).orAtSynchronize()
          .check(b, () -> k.oneHot(b.indices(0, bad), 3, out));
    });
  }
}
