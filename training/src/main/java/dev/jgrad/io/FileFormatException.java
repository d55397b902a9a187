package dev.jgrad.io;

import java.io.IOException;

/**
 * A file that does not follow its format. The message names the file, the byte offset where the
 * problem was found and what was wrong, e.g. {@code "weights.safetensors: bad header at byte 8:
 * ..."}; {@link #source()} and {@link #offset()} give the same facts to code.
 */
public class FileFormatException extends IOException {
  /** See {@link #source()}. */
  private final String source;
  /** See {@link #offset()}. */
  private final long offset;

  /**
   * @param source the file name or resource path, as the caller gave it
   * @param offset byte offset of the problem, or -1 if it concerns no single position
   * @param problem what was wrong, starting with a short phrase ("truncated", "bad magic number")
   * @param detail what was expected and what was found; what to do if that is not obvious
   */
  public FileFormatException(String source, long offset, String problem, String detail) {
    super(source + ": " + problem + (offset >= 0 ? " at byte " + offset : "") + ": " + detail);
    this.source = source;
    this.offset = offset;
  }

  /** The file name or resource path the problem was found in. */
  public String source() {
    return source;
  }

  /** Byte offset of the problem, or -1 if it concerns no single position. */
  public long offset() {
    return offset;
  }
}
