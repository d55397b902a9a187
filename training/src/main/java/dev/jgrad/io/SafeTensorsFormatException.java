package dev.jgrad.io;

/**
 * A safetensors file that is malformed: header length out of range, JSON that does not parse, an
 * unknown dtype, data offsets that overlap or leave gaps, or a byte count that does not match the
 * shape. The message names the tensor when the problem concerns one.
 */
public final class SafeTensorsFormatException extends FileFormatException {
  /** See {@link FileFormatException#FileFormatException(String, long, String, String)}. */
  public SafeTensorsFormatException(String source, long offset, String problem, String detail) {
    super(source, offset, problem, detail);
  }
}
