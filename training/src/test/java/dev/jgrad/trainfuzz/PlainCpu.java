package dev.jgrad.trainfuzz;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/** The CPU backend seen only through {@link Backend}, so optimizers must use the primitives. */
public final class PlainCpu {
  private PlainCpu() {}

  /** The CPU backend without its fused updates ({@code FusedSgd}, {@code FusedAdam}, ...). */
  public static Backend withoutFusion() {
    Backend cpu = Backends.byName("cpu");
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, (p, m, args) -> {
          try {
            return m.invoke(cpu, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
