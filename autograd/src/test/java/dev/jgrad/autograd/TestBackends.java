package dev.jgrad.autograd;

import dev.jgrad.api.Backend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** Backends for tests that need a second one without a GPU. */
public final class TestBackends {
  private TestBackends() {}

  /**
   * A new CPU backend under another name: the same primitives, but none of the CPU's own kernels
   * or optional capabilities, so ops take their portable path on it.
   */
  public static Backend renamedCpu(String name) {
    return renamedCpu(name, method -> { });
  }

  /** {@link #renamedCpu(String)} that tells {@code onCall} the name of every method called. */
  public static Backend renamedCpu(String name, Consumer<String> onCall) {
    return renamedCpu(name, onCall, (method, result) -> { });
  }

  /**
   * {@link #renamedCpu(String, Consumer)} that also hands {@code onResult} each call's method
   * name and result once it returned (e.g. to record the buffers a computation makes).
   */
  public static Backend renamedCpu(String name, Consumer<String> onCall,
      BiConsumer<String, Object> onResult) {
    Backend cpu = new dev.jgrad.cpu.CpuBackendProvider().create();
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, (p, m, args) -> {
          onCall.accept(m.getName());
          if (m.getName().equals("name")) {
            return name;
          }
          Object result;
          try {
            result = m.invoke(cpu, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          onResult.accept(m.getName(), result);
          return result;
        });
  }
}
