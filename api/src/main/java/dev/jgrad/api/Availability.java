package dev.jgrad.api;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The answer of a backend's availability probe: available, or unavailable with the reason
 * (for example "no libcuda.so.1 on the library path").
 */
public final class Availability {
  private static final Availability AVAILABLE = new Availability(true, "available");

  private final boolean available;
  private final String reason;

  private Availability(boolean available, String reason) {
    this.available = available;
    this.reason = reason;
  }

  /** The backend can run here. */
  public static Availability available() {
    return AVAILABLE;
  }

  /**
   * The backend cannot run here, for {@code reason} (shown to the user when it is asked for by
   * name); a null reason is a NullPointerException.
   */
  public static Availability unavailable(String reason) {
    return new Availability(false, checkNotNull(reason, "say why the backend is unavailable"));
  }

  /** Whether the probe found everything the backend needs. */
  public boolean isAvailable() {
    return available;
  }

  /** Why the backend is unavailable, or "available". */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return available ? "available" : "unavailable: " + reason;
  }
}
