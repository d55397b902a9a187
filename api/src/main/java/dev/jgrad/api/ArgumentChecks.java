package dev.jgrad.api;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The argument checks behind {@link BackendContract}, for backends' own kernels too (fused ops,
 * plugin kernels): one wording for every backend. Each failure reads
 * {@code "<primitive> on the <backend> backend: <what is wrong>"}, so a wrong call is found from
 * the message alone. Messages are built only on failure: primitives run many times a step.
 */
public final class ArgumentChecks {
  private ArgumentChecks() {}

  /** The message prefix, e.g. "matmul on the cpu backend: ". */
  public static String where(String backend, String primitive) {
    return primitive + " on the " + backend + " backend: ";
  }

  /**
   * Fails unless {@code buffer} is non-null, claims {@code backend} and is open. (A backend
   * checks beyond the name that the buffer is really its own, when it casts it.)
   */
  public static void usable(String backend, String primitive, String role, DeviceBuffer buffer) {
    if (buffer == null) {
      throw new NullPointerException(where(backend, primitive) + role + " is null");
    }
    if (!backend.equals(buffer.backendName())) {
      throw new IllegalArgumentException(where(backend, primitive) + role + " belongs to backend '"
          + buffer.backendName() + "' (" + buffer + "); copy it to this backend first");
    }
    if (buffer.isClosed()) {
      throw closed(backend, primitive, role, buffer);
    }
  }

  /** The error for a closed buffer passed as {@code role}. */
  public static IllegalStateException closed(String backend, String primitive, String role,
      DeviceBuffer buffer) {
    return new IllegalStateException(where(backend, primitive) + role + " (" + buffer.dtype()
        + "[" + buffer.length() + "]) is closed");
  }

  /** Fails unless {@code other} has the dtype of {@code first}. */
  public static void sameDtype(String backend, String primitive, String firstRole,
      DeviceBuffer first, String otherRole, DeviceBuffer other) {
    if (first.dtype() != other.dtype()) {
      throw new IllegalArgumentException(where(backend, primitive) + firstRole + " is "
          + first.dtype() + " but " + otherRole + " is " + other.dtype()
          + "; all buffers of one call must have the same dtype");
    }
  }

  /**
   * Fails unless {@code buffer} holds a floating-point dtype: arithmetic primitives do not
   * compute on INT32 index buffers.
   */
  public static void floating(String backend, String primitive, String role,
      DeviceBuffer buffer) {
    if (!buffer.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(where(backend, primitive) + role + " is "
          + buffer.dtype() + " but this primitive computes in FLOAT32 or FLOAT64 only; convert "
          + "it with .to(DType.FLOAT32)");
    }
  }

  /** Fails unless {@code buffer}, an index operand, is INT32: indices are never floats. */
  public static void indexDtype(String backend, String primitive, String role,
      DeviceBuffer buffer) {
    if (buffer.dtype() != DType.INT32) {
      throw new IllegalArgumentException(where(backend, primitive) + role + " is "
          + buffer.dtype() + " but index operands must be INT32; use Tensor.indices(...) or "
          + ".to(DType.INT32)");
    }
  }

  /** Fails unless {@code buffer} holds exactly {@code expected} elements. */
  public static void length(String backend, String primitive, String role, DeviceBuffer buffer,
      long expected) {
    if (buffer.length() != expected) {
      throw lengthError(backend, primitive, role, buffer.length(), expected);
    }
  }

  /** As {@link #length}, with a role that spells out the shape, built only on failure. */
  public static void length(String backend, String primitive, Supplier<String> role,
      DeviceBuffer buffer, long expected) {
    if (buffer.length() != expected) {
      throw lengthError(backend, primitive, role.get(), buffer.length(), expected);
    }
  }

  /** The error for {@code role} holding {@code actual} elements where {@code expected} belong. */
  public static IllegalArgumentException lengthError(String backend, String primitive,
      String role, long actual, long expected) {
    return new IllegalArgumentException(where(backend, primitive) + role + " must have length "
        + expected + " but has length " + actual);
  }

  /** Fails unless {@code value >= 0}. */
  public static void nonNegative(String backend, String primitive, String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(where(backend, primitive) + name + " must be >= 0 but is "
          + value);
    }
  }

  /** Fails unless {@code value >= 1}. */
  public static void atLeastOne(String backend, String primitive, String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(where(backend, primitive) + name
          + " must be at least 1 but is " + value);
    }
  }

  /** Fails unless {@code [start, start + count)} lies within {@code [0, size)}. */
  public static void range(String backend, String primitive, String what, long start, long count,
      long size) {
    if (start < 0 || count < 0 || start > size - count) {
      throw new IndexOutOfBoundsException(where(backend, primitive) + what + " [" + start + ", "
          + (start + count) + ") is outside [0, " + size + ")");
    }
  }

  /** The product of non-negative sizes, failing clearly instead of overflowing. */
  public static long product(String backend, String primitive, long... factors) {
    long p = 1;
    for (long f : factors) {
      try {
        p = Math.multiplyExact(p, f);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(where(backend, primitive) + "sizes "
            + Arrays.toString(factors) + " are too large for one buffer (they overflow a 64-bit "
            + "element count)", e);
      }
    }
    return p;
  }

  /** Fails when {@code out} is the buffer {@code in}: the primitive reads in while writing out. */
  public static void distinct(String backend, String primitive, String outRole, DeviceBuffer out,
      String inRole, DeviceBuffer in) {
    if (out == in) {
      throw new IllegalArgumentException(where(backend, primitive) + outRole + " and " + inRole
          + " are the same buffer; this primitive cannot work in place");
    }
  }

  /** The index {@code value} at {@code position} of an INT32 index buffer, if in {@code [0, bound)}. */
  public static int index(String backend, String primitive, int value, long position,
      long bound) {
    if (value < 0 || value >= bound) {
      throw indexError(backend, primitive, value, position, bound);
    }
    return value;
  }

  /**
   * The error for a class label outside {@code [0, classes)} given to the loss {@code op}, in the
   * loss's words (PyTorch's "Target 3 is out of bounds"), the same on every backend: the index's
   * text as {@link IndexOutOfRange#index()} gives it, its position, and the class count as the
   * bound.
   */
  public static IndexOutOfRange labelError(String op, String label, long position,
      long classes) {
    // -100 is PyTorch's default ignore_index: a ported data set's padding, not a class
    String ignored = label.equals("-100") ? " (-100 is PyTorch's default ignore_index: "
        + "Losses.crossEntropy with CrossEntropyOptions.defaults().ignoreIndex(-100) skips those "
        + "samples)" : "";
    return new IndexOutOfRange(op + ": label " + label + " at position " + position + " is out "
        + "of bounds for " + classes + " classes; labels are class indices in [0, " + classes
        + ")" + ignored, label, position, classes);
  }

  /**
   * The error for a bad index: {@link IllegalArgumentException} when it is not a whole number,
   * {@link IndexOutOfRange} when it is outside {@code [0, bound)}.
   */
  public static RuntimeException indexError(String backend, String primitive, double value,
      long position, long bound) {
    if (value != Math.rint(value)) {
      return new IllegalArgumentException(where(backend, primitive) + "index " + value
          + " at position " + position + " is not a whole number; index buffers hold whole "
          + "numbers in [0, " + bound + ")");
    }
    String shown = Math.abs(value) < 9.0e18 ? Long.toString((long) value) : Double.toString(value);
    return new IndexOutOfRange(where(backend, primitive) + "index " + shown
        + " at position " + position + " is out of range for bound " + bound + ": valid indices "
        + "are [0, " + bound + ")", shown, position, bound);
  }
}
