package dev.jgrad.autograd;

/**
 * A try-with-resources scope in which no op records a graph node, so nothing is kept alive for a
 * backward pass that will never come.
 *
 * <pre>{@code
 * try (NoGrad ignored = NoGrad.scope()) {
 *   Tensor prediction = model.forward(x);   // no graph recorded
 * }
 * }</pre>
 */
public final class NoGrad extends GradModeScope {
  private NoGrad() {
    super(false);
  }

  /**
   * Turns recording off on this thread until {@link #close()}, which restores the previous mode (so
   * scopes nest).
   */
  public static NoGrad scope() {
    return new NoGrad();
  }
}
