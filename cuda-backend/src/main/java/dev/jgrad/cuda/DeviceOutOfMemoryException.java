package dev.jgrad.cuda;

import dev.jgrad.api.BackendOutOfMemoryException;

/**
 * The GPU has no room for an allocation, even after the allocator emptied its cache and retried.
 * The message says how much was asked for and how much live buffers hold, which usually points at
 * buffers that were never closed or a batch that is too large. A {@link
 * BackendOutOfMemoryException}, as the CPU backend's heap running out is.
 */
public final class DeviceOutOfMemoryException extends BackendOutOfMemoryException {
  private static final long serialVersionUID = 1L;

  DeviceOutOfMemoryException(String message, long requestedBytes, long bytesInUse) {
    super(message, requestedBytes, bytesInUse);
  }

  private DeviceOutOfMemoryException(String message, long requestedBytes, long bytesInUse,
      Throwable cause) {
    super(message, requestedBytes, bytesInUse, cause);
  }

  @Override
  public DeviceOutOfMemoryException in(String where) {
    return new DeviceOutOfMemoryException(where + ": " + getMessage(), requestedBytes(),
        bytesInUse(), this);
  }
}
