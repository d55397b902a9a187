package dev.jgrad.api;

/**
 * Service interface through which backends are found with {@link java.util.ServiceLoader}. A
 * backend jar lists its provider in {@code META-INF/services/dev.jgrad.api.BackendProvider}.
 *
 * <p>{@link #probe()} must never throw and never crash the JVM: a machine without the hardware
 * simply answers {@link Availability#unavailable(String)} with the reason.
 */
public interface BackendProvider {
  /** The name users select with {@code -Djgrad.backend=NAME}, e.g. "cpu" or "cuda". */
  String name();

  /** Higher wins when no backend is named; the CPU backend uses 0. */
  int priority();

  /** Whether this backend can run here, and if not, why. Cheap enough to call at start-up. */
  Availability probe();

  /** Creates the backend; only called after {@link #probe()} said it is available. */
  Backend create();
}
