package dev.jgrad.io;

/**
 * An IDX file (the MNIST format) that is malformed: bad magic number, unknown element type, bad
 * dimensions, truncated data or trailing garbage. For gzip files the offset counts bytes of the
 * decompressed stream.
 */
public final class IdxFormatException extends FileFormatException {
  /** See {@link FileFormatException#FileFormatException(String, long, String, String)}. */
  public IdxFormatException(String source, long offset, String problem, String detail) {
    super(source, offset, problem, detail);
  }
}
