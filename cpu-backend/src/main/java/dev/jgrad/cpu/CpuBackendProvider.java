package dev.jgrad.cpu;

import dev.jgrad.api.Availability;
import dev.jgrad.api.Backend;
import dev.jgrad.api.BackendProvider;

/**
 * Makes the CPU backend findable through {@link java.util.ServiceLoader}. It runs on every
 * machine, so it is always available and has the lowest priority (0): any accelerator wins.
 */
public final class CpuBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return CpuBackend.NAME;
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public Availability probe() {
    return Availability.available();
  }

  @Override
  public Backend create() {
    return new CpuBackend();
  }
}
