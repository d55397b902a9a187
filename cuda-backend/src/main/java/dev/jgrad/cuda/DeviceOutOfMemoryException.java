package dev.jgrad.cuda;

/**
 * The GPU has no room for an allocation, even after the allocator emptied its cache and retried.
 * The message says how much was asked for and how much live buffers hold, which usually points at
 * buffers that were never closed or a batch that is too large.
 */
public final class DeviceOutOfMemoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** See {@link #requestedBytes()}. */
  private final long requestedBytes;
  /** See {@link #bytesInUse()}. */
  private final long bytesInUse;

  DeviceOutOfMemoryException(String message, long requestedBytes, long bytesInUse) {
    super(message);
    this.requestedBytes = requestedBytes;
    this.bytesInUse = bytesInUse;
  }

  /** The bytes the failed allocation asked for. */
  public long requestedBytes() {
    return requestedBytes;
  }

  /** The bytes held by live buffers when it failed. */
  public long bytesInUse() {
    return bytesInUse;
  }
}
