package dev.jgrad.api.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backends;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Choosing a backend starts loading the op registry on a thread of its own ({@link
 * OpRegistry#preload}), with the chooser's context class loader, and the first {@link
 * OpRegistry#global()} gets that registry. In a fresh JVM, since the registry is loaded once per
 * JVM.
 */
class OpRegistryPreloadTest {
  @Test
  void choosingABackendLoadsTheRegistryOnItsOwnThread() throws Exception {
    Process child = new ProcessBuilder(List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", System.getProperty("java.class.path"), Child.class.getName()))
        .redirectErrorStream(true).start();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM hung (a deadlock?)");
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.exitValue(), output);
    assertTrue(output.contains("registered on jgrad-op-registry with the chooser's loader"),
        output);
  }

  /** Chooses a backend, then asks for the registry; exits 1 when it was loaded elsewhere. */
  static final class Child {
    public static void main(String[] args) {
      ClassLoader marked = new URLClassLoader(new URL[0],
          Thread.currentThread().getContextClassLoader());
      Thread.currentThread().setContextClassLoader(marked);
      Backends.current();
      OpRegistry registry = OpRegistry.global();
      boolean ok = registry.isDefined("test::fine") && registry == OpRegistry.global()
          && "jgrad-op-registry".equals(TestOpProviders.Fine.registeredOn)
          && TestOpProviders.Fine.registeredWith == marked;
      System.out.println(ok ? "registered on jgrad-op-registry with the chooser's loader"
          : "registered on " + TestOpProviders.Fine.registeredOn + " with "
              + TestOpProviders.Fine.registeredWith + ", defined: "
              + registry.isDefined("test::fine"));
      System.exit(ok ? 0 : 1);
    }
  }
}
