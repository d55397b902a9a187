package dev.jgrad.autograd;

/**
 * A try-with-resources scope that sets this thread's {@link GradMode} and restores, on close, the
 * mode it found: the one mechanism of {@link NoGrad} and {@link EnableGrad}.
 */
abstract class GradModeScope implements AutoCloseable {
  private final boolean previous;
  private boolean closed;

  GradModeScope(boolean recording) {
    previous = GradMode.set(recording);
  }

  /** Restores the mode this scope found; closing twice does nothing. */
  @Override
  public final void close() {
    if (!closed) {
      closed = true;
      GradMode.set(previous);
    }
  }
}
