package dev.jgrad.cuda;

import dev.jgrad.api.Availability;
import dev.jgrad.api.Backend;
import dev.jgrad.api.BackendProvider;

/**
 * Registers the CUDA backend (name "cuda", priority 100, so it wins over the CPU backend's 0
 * wherever a usable GPU is present). The probe's answer is computed once per JVM: the hardware
 * and the libraries do not change while it runs, and the probe loads native code.
 */
public final class CudaBackendProvider implements BackendProvider {
  /** Priority {@value}, above the CPU backend's 0. */
  public static final int PRIORITY = 100;

  private static volatile Availability cached;

  @Override
  public String name() {
    return CudaBackend.NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public Availability probe() {
    Availability a = cached;
    if (a == null) {
      synchronized (CudaBackendProvider.class) {
        if (cached == null) {
          cached = CudaProbe.system().probe();
        }
        a = cached;
      }
    }
    return a;
  }

  @Override
  public Backend create() {
    Availability a = probe();
    if (!a.isAvailable()) {
      throw new IllegalStateException("the cuda backend is unavailable: " + a.reason());
    }
    return CudaBackend.create();
  }
}
