package dev.jgrad.cuda;

import dev.jgrad.api.DeviceBuffer;

/**
 * Host-side validation of every primitive's arguments, done before anything is launched: a GPU
 * kernel given a wrong length reads or writes out of bounds and can take the whole CUDA context
 * down. Every message names the primitive, the backend and what was expected.
 */
final class Checks {
  private Checks() {}

  private static String where(String primitive) {
    return primitive + " on the cuda backend: ";
  }

  /** All buffers of one call share one dtype; the first one sets it. */
  static void sameDType(String primitive, String firstName, DeviceBuffer first, String name,
      DeviceBuffer other) {
    if (first.dtype() != other.dtype()) {
      throw new IllegalArgumentException(where(primitive) + firstName + " is " + first.dtype()
          + " but " + name + " is " + other.dtype()
          + "; all buffers of one call must have the same dtype");
    }
  }

  static void length(String primitive, String name, DeviceBuffer buffer, long expected) {
    if (buffer.length() != expected) {
      throw new IllegalArgumentException(where(primitive) + name + " has length "
          + buffer.length() + " but " + expected + " was expected");
    }
  }

  static void nonNegative(String primitive, String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(where(primitive) + name + " must be >= 0, got " + value);
    }
  }

  static void positive(String primitive, String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(where(primitive) + name + " must be >= 1, got " + value);
    }
  }

  /** {@code [start, start + count)} lies within {@code [0, size)}. */
  static void range(String primitive, String what, long start, long count, long size) {
    if (start < 0 || count < 0 || start > size - count) {
      throw new IndexOutOfBoundsException(where(primitive) + what + " [" + start + ", "
          + (start + count) + ") is outside [0, " + size + ")");
    }
  }

  /** The product of non-negative factors, failing clearly instead of overflowing. */
  static long product(String primitive, long... factors) {
    long p = 1;
    for (long f : factors) {
      try {
        p = Math.multiplyExact(p, f);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(where(primitive) + "sizes " + java.util.Arrays
            .toString(factors) + " overflow a 64-bit element count", e);
      }
    }
    return p;
  }

  /** {@code out} must not be the same buffer as an input the kernel reads while writing out. */
  static void distinct(String primitive, String outName, DeviceBuffer out, String inName,
      DeviceBuffer in) {
    if (out == in) {
      throw new IllegalArgumentException(where(primitive) + outName + " and " + inName
          + " are the same buffer; this primitive cannot work in place");
    }
  }

  /**
   * The checks indexSelect and indexAdd share: {@code table} is {@code [outer, axis, inner]},
   * {@code slices} is {@code [outer, indices.length(), inner]}, all of one dtype. Returns the
   * number of slice elements.
   */
  static long gatherScatter(String primitive, String tableName, DeviceBuffer table,
      DeviceBuffer indices, String slicesName, DeviceBuffer slices, int outer, int axis,
      int inner) {
    sameDType(primitive, tableName, table, "indices", indices);
    sameDType(primitive, tableName, table, slicesName, slices);
    nonNegative(primitive, "outer", outer);
    nonNegative(primitive, "axis", axis);
    nonNegative(primitive, "inner", inner);
    length(primitive, tableName + " ([outer, axis, inner])", table,
        product(primitive, outer, axis, inner));
    long n = product(primitive, outer, indices.length(), inner);
    length(primitive, slicesName + " ([outer, indices.length(), inner])", slices, n);
    return n;
  }
}
