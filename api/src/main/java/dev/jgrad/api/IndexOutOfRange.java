package dev.jgrad.api;

/**
 * An index outside {@code [0, bound)} in an index buffer ({@link ArgumentChecks#indexError}), with
 * the index, its position and the bound as values, so that a caller can restate the error in its
 * own words (a loss naming a label out of range) without reading them back out of the message.
 */
public final class IndexOutOfRange extends IndexOutOfBoundsException {
  private static final long serialVersionUID = 1L;

  private final String index;
  private final long position;
  private final long bound;

  IndexOutOfRange(String message, String index, long position, long bound) {
    super(message);
    this.index = index;
    this.position = position;
    this.bound = bound;
  }

  /** The index as the message shows it (a whole number, or a double too large for a long). */
  public String index() {
    return index;
  }

  /** Its position in the index buffer. */
  public long position() {
    return position;
  }

  /** The exclusive upper bound the index missed. */
  public long bound() {
    return bound;
  }
}
