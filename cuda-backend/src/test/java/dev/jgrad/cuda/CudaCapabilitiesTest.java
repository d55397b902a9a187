package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Without a GPU: the CUDA backend implements every optional capability of the api (its
 * {@code Fused*} interfaces). On a GPU the conformance kit reports a capability a backend lacks
 * as a skipped check, and a GPU run must skip nothing, so a capability added to the api without a
 * CUDA implementation (a kernel, or a documented decline) would fail the first GPU run there;
 * here it fails at once.
 */
class CudaCapabilitiesTest {
  private static final String PACKAGE = "dev/jgrad/api/";

  @Test
  void theCudaBackendImplementsEveryFusedCapabilityOfTheApi() throws Exception {
    List<Class<?>> capabilities = fusedCapabilities();
    assertTrue(capabilities.size() >= 3, "found the api's capabilities: " + capabilities);
    List<String> missing = new ArrayList<>();
    for (Class<?> c : capabilities) {
      if (!c.isAssignableFrom(CudaBackend.class)) {
        missing.add(c.getSimpleName());
      }
    }
    assertTrue(missing.isEmpty(), "CudaBackend does not implement " + missing + " of "
        + capabilities.stream().map(Class::getSimpleName).toList());
  }

  /** The interfaces dev.jgrad.api.Fused*, from the api's jar or classes folder. */
  private static List<Class<?>> fusedCapabilities() throws Exception {
    URL url = Backend.class.getResource("Backend.class");
    List<String> names = new ArrayList<>();
    if ("jar".equals(url.getProtocol())) {
      JarURLConnection connection = (JarURLConnection) url.openConnection();
      connection.setUseCaches(false);
      try (JarFile jar = connection.getJarFile()) {
        for (JarEntry e : Collections.list(jar.entries())) {
          String name = e.getName();
          if (name.startsWith(PACKAGE) && name.indexOf('/', PACKAGE.length()) < 0) {
            names.add(name.substring(PACKAGE.length()));
          }
        }
      }
    } else {
      try (Stream<Path> files = Files.list(Path.of(url.toURI()).getParent())) {
        files.forEach(p -> names.add(p.getFileName().toString()));
      }
    }
    List<Class<?>> capabilities = new ArrayList<>();
    for (String file : names) {
      if (file.startsWith("Fused") && file.endsWith(".class") && !file.contains("$")) {
        Class<?> c = Class.forName("dev.jgrad.api." + file.substring(0, file.length() - 6));
        if (c.isInterface()) {
          capabilities.add(c);
        }
      }
    }
    return capabilities;
  }
}
