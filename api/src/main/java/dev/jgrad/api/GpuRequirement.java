package dev.jgrad.api;

import java.util.Locale;

/**
 * Whether this run must have a GPU backend (any available backend besides {@code cpu}), so that
 * checks which would otherwise be skipped for want of one fail instead. Set on the GPU machine
 * with {@code -D}{@value #PROPERTY}{@code =true} or {@code $}{@value #ENV}{@code =true}: a GPU
 * run whose GPU checks were all skipped must never look green. Unset (the default), such checks
 * are reported as skipped, never as passed.
 *
 * <p>Read at each call, not cached, so a test can set and clear the property.
 */
public final class GpuRequirement {
  /** The system property ({@value}) that, set to {@code true}, makes a missing GPU a failure. */
  public static final String PROPERTY = "jgrad.test.requireGpu";
  /** The environment variable ({@value}) read when {@link #PROPERTY} is unset. */
  public static final String ENV = "JGRAD_TEST_REQUIRE_GPU";

  private GpuRequirement() {}

  /**
   * True when {@value #PROPERTY} (else {@value #ENV}) is {@code true}.
   *
   * @throws IllegalArgumentException when the value is neither {@code true} nor {@code false}
   */
  public static boolean isRequired() {
    String v = System.getProperty(PROPERTY);
    String source = "-D" + PROPERTY;
    if (v == null || v.isBlank()) {
      v = System.getenv(ENV);
      source = "$" + ENV;
    }
    if (v == null || v.isBlank()) {
      return false;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(source + "=" + v + " is not understood: "
          + "use true (a missing GPU fails the GPU checks) or false (they are skipped)");
    };
  }

  /**
   * Sets {@value #PROPERTY} until the scope closes, then restores what was there (for tests of
   * the checks that obey it): {@code try (var s = GpuRequirement.override(true)) { ... }}.
   */
  public static Backends.Scope override(boolean required) {
    String saved = System.getProperty(PROPERTY);
    System.setProperty(PROPERTY, Boolean.toString(required));
    return () -> {
      if (saved == null) {
        System.clearProperty(PROPERTY);
      } else {
        System.setProperty(PROPERTY, saved);
      }
    };
  }

  /**
   * Called where a check is about to be skipped because no GPU backend is available: throws when
   * a GPU is required, else returns and the caller skips.
   *
   * @param whyUnavailable the probes' reasons, for the message
   * @throws IllegalStateException when a GPU is required
   */
  public static void failIfRequired(String whyUnavailable) {
    if (isRequired()) {
      throw new IllegalStateException("a GPU is required (" + PROPERTY + "=true) but no backend "
          + "besides the CPU is available: " + whyUnavailable);
    }
  }
}
