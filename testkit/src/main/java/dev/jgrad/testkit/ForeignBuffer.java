package dev.jgrad.testkit;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;

/**
 * A buffer no backend made: it claims a backend by name only. Claiming another backend, it
 * must be rejected as that backend's; claiming the backend under test, as not really its own.
 */
record ForeignBuffer(DType dtype, long length, String backendName) implements DeviceBuffer {
  @Override
  public boolean isClosed() {
    return false;
  }

  @Override
  public void close() {}
}
