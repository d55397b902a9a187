package dev.jgrad.autograd;

import dev.jgrad.api.Backend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/** Backends for tests that need a second one without a GPU. */
final class TestBackends {
  private TestBackends() {}

  /**
   * A new CPU backend under another name: the same primitives, but none of the CPU's own kernels
   * or optional capabilities, so ops take their portable path on it.
   */
  static Backend renamedCpu(String name) {
    Backend cpu = new dev.jgrad.cpu.CpuBackendProvider().create();
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, (p, m, args) -> {
          if (m.getName().equals("name")) {
            return name;
          }
          try {
            return m.invoke(cpu, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
