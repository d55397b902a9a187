package dev.jgrad.autograd;

/**
 * Whether ops record graph nodes on this thread. Recording is on by default; a {@link NoGrad}
 * scope turns it off for evaluation, optimizer updates and gradient rules.
 */
public final class GradMode {
  private static final ThreadLocal<int[]> disabledDepth = ThreadLocal.withInitial(() -> new int[1]);

  private GradMode() {}

  /** True when ops on this thread record graph nodes. */
  public static boolean isEnabled() {
    return disabledDepth.get()[0] == 0;
  }

  static void disable() {
    disabledDepth.get()[0]++;
  }

  static void restore() {
    disabledDepth.get()[0]--;
  }
}
