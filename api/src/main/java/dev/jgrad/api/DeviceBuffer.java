package dev.jgrad.api;

/**
 * A block of memory owned by one backend, holding {@link #length()} elements of {@link #dtype()}.
 * Closing it gives the memory back to the backend; closing twice is harmless. Buffers that are
 * never closed are reclaimed by the garbage collector (a safety net, not a plan).
 */
public interface DeviceBuffer extends AutoCloseable {
  /** The element type, fixed at allocation. */
  DType dtype();

  /** Number of elements. */
  long length();

  /** The {@link Backend#name()} of the backend that owns this buffer. */
  String backendName();

  /** Whether {@link #close()} has been called. */
  boolean isClosed();

  @Override
  void close();
}
