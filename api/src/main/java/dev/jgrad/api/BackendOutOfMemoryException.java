package dev.jgrad.api;

/**
 * A backend has no room for a buffer: the Java heap for the CPU backend, the device for a GPU
 * (whose own subclass says more). The message says how much was asked for, how much is in use
 * and what to do, and once the op that asked is known, which op and shapes that was
 * ({@link #in}). One type for every backend, so that a service can turn away a request that is
 * too large for the machine the same way wherever it runs, and go on serving the others: the
 * failed allocation took nothing.
 */
public class BackendOutOfMemoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** See {@link #requestedBytes()}. */
  private final long requestedBytes;
  /** See {@link #bytesInUse()}. */
  private final long bytesInUse;

  /** A backend's error: {@code message} says what was asked, what is in use, what to do. */
  public BackendOutOfMemoryException(String message, long requestedBytes, long bytesInUse) {
    this(message, requestedBytes, bytesInUse, null);
  }

  /** For {@link #in} and subclasses: the same error restated, {@code cause} the original. */
  protected BackendOutOfMemoryException(String message, long requestedBytes, long bytesInUse,
      Throwable cause) {
    super(message, cause);
    this.requestedBytes = requestedBytes;
    this.bytesInUse = bytesInUse;
  }

  /** The bytes the failed allocation asked for. */
  public long requestedBytes() {
    return requestedBytes;
  }

  /** The bytes in use when it failed (live buffers on a device; the used heap on the CPU). */
  public long bytesInUse() {
    return bytesInUse;
  }

  /**
   * This error with {@code where} (the op and its shapes) in front of its message, of the same
   * type, with this one as its cause. Subclasses return their own type.
   */
  public BackendOutOfMemoryException in(String where) {
    return new BackendOutOfMemoryException(where + ": " + getMessage(), requestedBytes,
        bytesInUse, this);
  }
}
