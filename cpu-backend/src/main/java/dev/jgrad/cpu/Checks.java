package dev.jgrad.cpu;

import dev.jgrad.api.DeviceBuffer;
import java.util.EnumMap;
import java.util.function.Supplier;

/**
 * Argument checks shared by every primitive. Each failure names the primitive and what was
 * expected versus what was given, so a wrong call is found from the message alone. All checks run
 * before any work starts (and before any native call), so bad input never half-writes an output
 * or reaches OpenBLAS.
 */
final class Checks {
  private Checks() {}

  /** {@code buffer} as a live CPU buffer, or a clear failure. */
  static CpuBuffer cpu(String primitive, String role, DeviceBuffer buffer) {
    if (buffer == null) {
      throw new NullPointerException(primitive + ": " + role + " buffer is null");
    }
    if (!(buffer instanceof CpuBuffer)) {
      throw new IllegalArgumentException(primitive + ": " + role + " buffer belongs to backend '"
          + buffer.backendName() + "', not '" + CpuBackend.NAME + "' (" + buffer + ")");
    }
    if (buffer.isClosed()) {
      throw new IllegalStateException(primitive + ": " + role + " buffer was already closed");
    }
    return (CpuBuffer) buffer;
  }

  /** Fails unless {@code other} has the dtype of {@code first}. */
  static void sameDtype(String primitive, String firstRole, CpuBuffer first, String otherRole,
      CpuBuffer other) {
    if (first.dtype() != other.dtype()) {
      throw new IllegalArgumentException(primitive + ": all buffers must have one dtype, but "
          + firstRole + " is " + first.dtype() + " and " + otherRole + " is " + other.dtype());
    }
  }

  /** Fails unless {@code buffer} holds exactly {@code expected} elements. */
  static void length(String primitive, String role, CpuBuffer buffer, long expected) {
    if (buffer.length() != expected) {
      throw lengthError(primitive, role, buffer, expected);
    }
  }

  /**
   * As {@link #length(String, String, CpuBuffer, long)}, with a role that spells out the shape:
   * built only on failure, since primitives run many times a training step.
   */
  static void length(String primitive, Supplier<String> role, CpuBuffer buffer, long expected) {
    if (buffer.length() != expected) {
      throw lengthError(primitive, role.get(), buffer, expected);
    }
  }

  private static IllegalArgumentException lengthError(String primitive, String role,
      CpuBuffer buffer, long expected) {
    return new IllegalArgumentException(primitive + ": " + role + " buffer must have length "
        + expected + " but has length " + buffer.length());
  }

  /** "kind OP" for every constant of an op enum, built once rather than per call. */
  static <E extends Enum<E>> EnumMap<E, String> primitiveNames(String kind, Class<E> ops) {
    EnumMap<E, String> names = new EnumMap<>(ops);
    for (E op : ops.getEnumConstants()) {
      names.put(op, kind + " " + op);
    }
    return names;
  }

  /** Fails unless {@code value >= 0}. */
  static void nonNegative(String primitive, String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(primitive + ": " + name + " must be >= 0 but is " + value);
    }
  }

  /**
   * The index stored as {@code value} at {@code position} of an index buffer: a whole number in
   * {@code [0, bound)}, or an exception naming the index and the bound.
   */
  static int index(String primitive, double value, int position, int bound) {
    if (value != Math.rint(value)) { // also catches NaN and infinities
      throw new IllegalArgumentException(primitive + ": index " + value + " at position "
          + position + " is not a whole number; index buffers hold whole numbers");
    }
    if (value < 0 || value >= bound) {
      throw new IndexOutOfBoundsException(primitive + ": index " + (long) value + " at position "
          + position + " is out of range for bound " + bound + " (valid: 0 to " + (bound - 1)
          + ")");
    }
    return (int) value;
  }

  /** {@code a * b * c} for non-negative ints, failing clearly instead of overflowing. */
  static long product(String primitive, long a, long b, long c) {
    try {
      return Math.multiplyExact(Math.multiplyExact(a, b), c);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(primitive + ": sizes " + a + " x " + b + " x " + c
          + " are too large for one buffer");
    }
  }
}
