package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;

/**
 * Bad values in index buffers (indexSelect, indexAdd, oneHot): out of range is an
 * {@link IndexOutOfBoundsException} naming the index and the bound; not a whole number (a
 * fraction, NaN) an {@link IllegalArgumentException}. A synchronous backend throws before
 * writing anything; an asynchronous one may throw at the next synchronisation instead
 * ({@link Rejection#orAtSynchronize()}).
 */
final class BadIndexChecks {
  private static final double[] OUT_OF_RANGE = {-1, 3, 100};
  private static final double[] NOT_WHOLE = {0.5, -0.25, Double.NaN};

  private BadIndexChecks() {}

  static void addTo(CheckRunner r) {
    for (DType dtype : DType.values()) {
      for (double bad : OUT_OF_RANGE) {
        String index = "index " + (long) bad;
        add(r, dtype, bad, IndexOutOfBoundsException.class, index, "bound 3");
      }
      for (double bad : NOT_WHOLE) {
        add(r, dtype, bad, IllegalArgumentException.class, "not a whole number");
      }
    }
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
              b.upload(dtype, 0, bad), out));
    });
    r.check("rejects indexAdd:" + which, b -> {
      DeviceBuffer dst = b.upload(dtype, 1, 2, 3);
      return Rejection.of(k, type, "indexAdd").saying(words).leaving(dst).orAtSynchronize()
          .check(b, () -> k.indexAdd(b.upload(dtype, 5, 5), b.upload(dtype, 0, bad), dst, 1, 3,
              1));
    });
    r.check("rejects oneHot:" + which, b -> {
      DeviceBuffer out = b.filled(dtype, 6, 7);
      return Rejection.of(k, type, "oneHot").saying(words).leaving(out).orAtSynchronize()
          .check(b, () -> k.oneHot(b.upload(dtype, 0, bad), 3, out));
    });
  }
}
