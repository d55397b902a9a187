package dev.jgrad.examples.mnist;

/**
 * A bad command line found only after parsing, once the file system or the data can be looked at
 * (an {@code --export-onnx} onto the run's own outputs, a {@code --limit} beyond the data): one
 * line naming the option and what to give instead. {@link MnistMain} exits with status 2 on it,
 * as on picocli's usage errors; to library callers it is an {@link IllegalArgumentException}.
 */
public final class BadOptionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public BadOptionException(String message) {
    super(message);
  }
}
