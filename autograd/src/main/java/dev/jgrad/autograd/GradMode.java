package dev.jgrad.autograd;

/**
 * Whether ops record graph nodes on this thread. Recording is on by default; a {@link NoGrad}
 * scope turns it off for evaluation, optimizer updates and gradient rules, an {@link EnableGrad}
 * scope back on (and {@link Autograd#grad} with {@link GradOptions#createGraph()} while its
 * gradient rules run). Each scope restores the mode it found, so scopes nest.
 */
public final class GradMode {
  private static final ThreadLocal<boolean[]> enabled =
      ThreadLocal.withInitial(() -> new boolean[] {true});

  private GradMode() {}

  /** True when ops on this thread record graph nodes. */
  public static boolean isEnabled() {
    return enabled.get()[0];
  }

  /** Sets this thread's mode, returning the one it replaces for the scope to restore. */
  static boolean set(boolean on) {
    boolean[] mode = enabled.get();
    boolean previous = mode[0];
    mode[0] = on;
    return previous;
  }
}
