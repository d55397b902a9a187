package dev.jgrad.cpu;

import dev.jgrad.api.ArgumentChecks;
import dev.jgrad.api.DeviceBuffer;

/**
 * The CPU backend's side of the argument checks: casting a buffer to its {@link CpuBuffer} and
 * the shared {@link ArgumentChecks} with this backend's name. The primitives' contract itself is
 * {@link dev.jgrad.api.BackendContract}.
 */
final class Checks {
  private Checks() {}

  /** {@code buffer} as a live CPU buffer, or the contract's error for it. */
  static CpuBuffer cpu(String primitive, String role, DeviceBuffer buffer) {
    if (buffer instanceof CpuBuffer cb && !cb.isClosed()) {
      return cb; // the common case, on every primitive call: no string comparison
    }
    ArgumentChecks.usable(CpuBackend.NAME, primitive, role, buffer);
    if (!(buffer instanceof CpuBuffer cb)) {
      throw new IllegalArgumentException(ArgumentChecks.where(CpuBackend.NAME, primitive) + role
          + " (" + buffer.getClass().getName() + ") claims backend 'cpu' but is not one of its "
          + "buffers");
    }
    return cb;
  }

  /** Fails unless {@code other} has the dtype of {@code first}. */
  static void sameDtype(String primitive, String firstRole, CpuBuffer first, String otherRole,
      CpuBuffer other) {
    ArgumentChecks.sameDtype(CpuBackend.NAME, primitive, firstRole, first, otherRole, other);
  }

  /** Fails unless {@code buffer} holds exactly {@code expected} elements. */
  static void length(String primitive, String role, CpuBuffer buffer, long expected) {
    ArgumentChecks.length(CpuBackend.NAME, primitive, role, buffer, expected);
  }

  /** {@code value}, read at {@code position} of an index buffer, if it lies in {@code [0, bound)}. */
  static int index(String primitive, int value, int position, int bound) {
    return ArgumentChecks.index(CpuBackend.NAME, primitive, value, position, bound);
  }
}
