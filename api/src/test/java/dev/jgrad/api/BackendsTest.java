package dev.jgrad.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BackendsTest {
  @Test
  void discoverProbesEveryProviderBestPriorityFirst() {
    List<Backends.Found> found = Backends.discover();
    assertEquals(List.of("throws", "nohw", "good"),
        found.stream().map(f -> f.provider().name()).toList());
    assertTrue(found.get(0).availability().reason().contains("libnothing.so"));
    assertFalse(found.get(1).availability().isAvailable());
  }

  @Test
  void theBestAvailableBackendIsSelectedWhenNoneIsNamed() {
    // -Djgrad.backend is not set by the build for this module
    assertEquals("good", Backends.current().name());
  }

  @Test
  void anUnavailableBackendFailsWithEveryReason() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Backends.byName("nohw"));
    assertTrue(e.getMessage().contains("no accelerator card in this machine"), e.getMessage());
    assertTrue(e.getMessage().contains("good"), e.getMessage());
    assertTrue(e.getMessage().contains("libnothing.so"), e.getMessage());
  }

  @Test
  void anUnknownBackendListsTheBackendsFound() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Backends.byName("tpu"));
    assertTrue(e.getMessage().contains("No backend named 'tpu'"), e.getMessage());
    assertTrue(e.getMessage().contains("nohw (priority 50, unavailable: no accelerator"),
        e.getMessage());
  }

  @Test
  void aRequestedBackendThatIsUnavailableSaysSoOnceInOneLineNamingTheSetting() {
    String m = assertThrows(IllegalStateException.class,
        () -> Backends.byName("nohw", "-Djgrad.backend")).getMessage();
    assertTrue(m.startsWith("-Djgrad.backend=nohw: Backend 'nohw' is unavailable: no accelerator"),
        m);
    assertEquals(m.indexOf("no accelerator card"), m.lastIndexOf("no accelerator card"), m);
    assertTrue(m.contains("Other backends found: [throws"), m);
    assertTrue(m.endsWith("; leave -Djgrad.backend unset to use the best available"), m);
    assertFalse(m.contains("\n"), m);
  }

  @Test
  void aRequestedBackendThatIsMissingNamesTheSettingAndTheArtifact() {
    String m = assertThrows(IllegalArgumentException.class,
        () -> Backends.byName("cuda", "$JGRAD_BACKEND")).getMessage();
    assertTrue(m.startsWith("$JGRAD_BACKEND=cuda: No backend named 'cuda'. Backends found: ["), m);
    assertTrue(m.contains("the cuda backend is the jgrad-cuda-backend artifact"), m);
    assertTrue(m.endsWith("leave $JGRAD_BACKEND unset to use the best available"), m);
  }

  @Test
  void namesAreCaseInsensitiveAndCached() {
    assertSame(Backends.byName("GOOD"), Backends.byName("good"));
  }

  @Test
  void useScopesTheCurrentBackendToThisThreadAndNests() throws Exception {
    Backend good = Backends.current();
    Backend other = new FakeProviders.Good().create();
    try (Backends.Scope outer = Backends.use(other)) {
      assertSame(other, Backends.current());
      Backend seenElsewhere = java.util.concurrent.CompletableFuture
          .supplyAsync(Backends::current).get();
      assertSame(good, seenElsewhere, "other threads keep the JVM's backend");
      Backend third = new FakeProviders.Good().create();
      try (Backends.Scope inner = Backends.use(third)) {
        assertSame(third, Backends.current());
      }
      assertSame(other, Backends.current());
    }
    assertSame(good, Backends.current());
  }
}
