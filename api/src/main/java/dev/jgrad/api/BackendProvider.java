package dev.jgrad.api;

/**
 * Service interface through which backends are found with {@link java.util.ServiceLoader}. A
 * backend jar lists its provider in {@code META-INF/services/dev.jgrad.api.BackendProvider}.
 *
 * <p>{@link #probe()} must never throw and never crash the JVM: a machine without the hardware
 * simply answers {@link Availability#unavailable(String)} with the reason.
 */
public interface BackendProvider {
  /**
   * The name users select with {@code -Djgrad.backend=NAME}, e.g. "cpu" or "cuda": the
   * {@link Backend#name()} of the backend {@link #create()} returns, and no other provider's.
   */
  String name();

  /** Higher wins when no backend is named; the CPU backend uses 0. */
  int priority();

  /**
   * Whether this backend can run here, and if not, why; never null. Runs once per selection and
   * per {@link Backends#isAvailable} call, so it is cheap: leave the device's start to
   * {@link #create()}. It runs on a thread of its own, and one that has not answered within
   * {@code -Djgrad.backend.probeTimeout} seconds (default 30) counts as unavailable, saying so.
   */
  Availability probe();

  /**
   * Creates the backend; only called after {@link #probe()} said it is available. An exception
   * here fails the selection, naming this provider.
   */
  Backend create();
}
