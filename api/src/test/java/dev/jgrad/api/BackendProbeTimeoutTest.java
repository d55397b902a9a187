package dev.jgrad.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend whose probe never answers makes selection report it unavailable after the limit,
 * instead of hanging it (and the program's first tensor op) forever.
 */
class BackendProbeTimeoutTest {
  /** Released after each test, so its probe threads end. */
  static final CountDownLatch RELEASE = new CountDownLatch(1);

  /** A probe that blocks until the test ends: a driver waiting on a wedged device. */
  public static final class Hanging extends FakeProviders.Named {
    public Hanging() {
      super("hanging", 90);
    }

    @Override
    public Availability probe() {
      try {
        RELEASE.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Availability.available();
    }
  }

  @AfterEach
  void release() {
    System.clearProperty(BackendProbes.PROPERTY);
  }

  @Test
  void aHangingProbeIsUnavailableAfterTheLimitAndARequestForItSaysSoInOneLine(@TempDir Path dir)
      throws Exception {
    System.setProperty(BackendProbes.PROPERTY, "1");
    ClassLoader onlyHanging = servicesOf(dir, Hanging.class);
    Thread caller = Thread.currentThread();
    ClassLoader previous = caller.getContextClassLoader();
    caller.setContextClassLoader(onlyHanging);
    try {
      List<Backends.Found> found = assertTimeoutPreemptively(Duration.ofSeconds(20),
          Backends::discover);
      assertEquals(1, found.size(), found.toString());
      assertEquals("probe of backend 'hanging' did not answer within 1 s; set"
          + " -Djgrad.backend.probeTimeout=<seconds> to wait longer",
          found.get(0).availability().reason());
      // the thread still blocked in the probe must not keep the JVM alive
      Thread probe = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("jgrad-probe-hanging")).findFirst().orElseThrow();
      assertTrue(probe.isAlive() && probe.isDaemon(), probe.toString());

      // asked for by name, as -Djgrad.backend=hanging does: one line naming the setting; the
      // probe still running is not started again, so this answers at once
      String m = assertThrows(IllegalStateException.class, () -> assertTimeoutPreemptively(
          Duration.ofMillis(900), () -> Backends.byName("hanging", "-Djgrad.backend")))
          .getMessage();
      assertTrue(m.startsWith("-Djgrad.backend=hanging: Backend 'hanging' is unavailable: probe"
          + " of backend 'hanging' did not answer within 1 s; set"
          + " -Djgrad.backend.probeTimeout=<seconds> to wait longer"), m);
      assertTrue(m.endsWith("; leave -Djgrad.backend unset to use the best available"), m);
      assertFalse(m.contains("\n"), m);
      assertEquals(1, Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("jgrad-probe-hanging")).count());
    } finally {
      caller.setContextClassLoader(previous);
      RELEASE.countDown();
    }
  }

  @Test
  void aLimitThatIsNotAWholeNumberIsAMessage() {
    System.setProperty(BackendProbes.PROPERTY, "soon");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BackendProbes.probe(new FakeProviders.Good()));
    assertTrue(e.getMessage().startsWith("-Djgrad.backend.probeTimeout=soon is not a whole"
        + " number"), e.getMessage());
  }

  /** A class loader whose only backend provider is {@code provider}. */
  private static ClassLoader servicesOf(Path dir, Class<?> provider) throws IOException {
    Path services = dir.resolve(BackendProvider.class.getName());
    Files.writeString(services, provider.getName() + "\n");
    URL url = services.toUri().toURL();
    String name = "META-INF/services/" + BackendProvider.class.getName();
    return new ClassLoader(BackendProbeTimeoutTest.class.getClassLoader()) {
      @Override
      public Enumeration<URL> getResources(String resource) throws IOException {
        return resource.equals(name) ? Collections.enumeration(List.of(url))
            : super.getResources(resource);
      }
    };
  }
}
