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

  public static Availability available() {
    return AVAILABLE;
  }

  public static Availability unavailable(String reason) {
    return new Availability(false, checkNotNull(reason, "say why the backend is unavailable"));
  }

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
