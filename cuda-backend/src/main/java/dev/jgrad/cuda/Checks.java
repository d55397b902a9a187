package dev.jgrad.cuda;

import dev.jgrad.api.ArgumentChecks;
import dev.jgrad.api.DeviceBuffer;

/**
 * The shared {@link ArgumentChecks} with this backend's name, for the fused kernels; the
 * primitives' contract is {@link dev.jgrad.api.BackendContract}. All checks run on the host
 * before anything is launched: a kernel given a wrong length reads or writes out of bounds and
 * can take the whole CUDA context down.
 */
final class Checks {
  private static final String B = CudaBackend.NAME;

  private Checks() {}

  static void sameDType(String primitive, String firstName, DeviceBuffer first, String name,
      DeviceBuffer other) {
    ArgumentChecks.sameDtype(B, primitive, firstName, first, name, other);
  }

  /** Fails unless {@code buffer}, an index operand, is INT32. */
  static void indexDtype(String primitive, String name, DeviceBuffer buffer) {
    ArgumentChecks.indexDtype(B, primitive, name, buffer);
  }

  static void length(String primitive, String name, DeviceBuffer buffer, long expected) {
    ArgumentChecks.length(B, primitive, name, buffer, expected);
  }

  static void nonNegative(String primitive, String name, long value) {
    ArgumentChecks.nonNegative(B, primitive, name, value);
  }

  static void positive(String primitive, String name, long value) {
    ArgumentChecks.atLeastOne(B, primitive, name, value);
  }

  static long product(String primitive, long... factors) {
    return ArgumentChecks.product(B, primitive, factors);
  }

  static void distinct(String primitive, String outName, DeviceBuffer out, String inName,
      DeviceBuffer in) {
    ArgumentChecks.distinct(B, primitive, outName, out, inName, in);
  }
}
