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
    assertEquals(List.of("throws", "nohw", "good", "alias", "failstart", "twin", "twin",
        "nullprobe", "counted", "badsetting"), found.stream().map(f -> f.provider().name()).toList());
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

  @Test
  void aProbeThatAnswersNullIsUnavailableNamingItsClass() {
    String m = assertThrows(IllegalStateException.class, () -> Backends.byName("nullprobe"))
        .getMessage();
    assertTrue(m.contains("FakeProviders$NullProbe.probe() returned null"), m);
  }

  @Test
  void twoProvidersOfOneNameFailNamingBoth() {
    String m = assertThrows(IllegalStateException.class,
        () -> Backends.byName("twin", "-Djgrad.backend")).getMessage();
    assertTrue(m.startsWith("-Djgrad.backend=twin: 2 backend providers are named 'twin': "), m);
    assertTrue(m.contains("FakeProviders$TwinA from file:"), m);
    assertTrue(m.contains("FakeProviders$TwinB from file:"), m);
  }

  @Test
  void aBackendThatFailsToStartIsNamedWithItsProvider() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Backends.byName("failstart"));
    assertTrue(e.getMessage().startsWith("Backend 'failstart' (dev.jgrad.api.FakeProviders"
        + "$FailingStart from "), e.getMessage());
    assertTrue(e.getMessage().contains("passed its probe but failed to start: "
        + "java.lang.IllegalStateException: device init returned -3"), e.getMessage());
    assertEquals("device init returned -3", e.getCause().getMessage());
  }

  /** A setting the backend refuses is the backend's own line, not buried behind its provider. */
  @Test
  void aBackendRefusingASettingSaysSoInItsOwnWords() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Backends.byName("badsetting"));
    assertEquals("-Dbadsetting.threads=four is not a whole number", e.getMessage());
  }

  @Test
  void aProviderWhoseBackendHasAnotherNameFails() {
    String m = assertThrows(IllegalStateException.class, () -> Backends.byName("alias"))
        .getMessage();
    assertTrue(m.contains("created a backend named 'good': BackendProvider.name() and "
        + "Backend.name() must be the same"), m);
  }

  @Test
  void providersThatCannotBeUsedAreSkippedAndNamedWhenABackendIsMissing() {
    String m = assertThrows(IllegalArgumentException.class, () -> Backends.byName("broken"))
        .getMessage();
    assertTrue(m.contains("dev.jgrad.api.BackendProvider: Provider "
        + "dev.jgrad.api.FakeProviders$BrokenConstructor could not be instantiated: "
        + "java.lang.IllegalStateException: libbroken.so is missing"), m);
    assertTrue(m.contains("FakeProviders$Nameless.name() returned null"), m);
    assertTrue(m.contains("META-INF/services/dev.jgrad.api.BackendProvider (a named module: "
        + "provides dev.jgrad.api.BackendProvider with ...)"), m);
  }

  @Test
  void aSelectionRunsEachProbeOnce() {
    int before = FakeProviders.Counted.PROBES.get();
    assertEquals("good", Backends.select().name());
    assertEquals(1, FakeProviders.Counted.PROBES.get() - before);
  }
}
