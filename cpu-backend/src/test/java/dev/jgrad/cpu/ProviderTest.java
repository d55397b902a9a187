package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.BackendProvider;
import dev.jgrad.api.Backends;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ProviderTest {
  @Test
  void serviceLoaderFindsTheCpuProvider() {
    BackendProvider cpu = ServiceLoader.load(BackendProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("cpu")).findFirst()
        .orElseThrow(() -> new AssertionError("no 'cpu' provider in META-INF/services"));
    assertEquals(0, cpu.priority());
    assertTrue(cpu.probe().isAvailable());
    assertInstanceOf(CpuBackend.class, cpu.create());
  }

  @Test
  void backendsSelectsItByName() {
    assertEquals("cpu", Backends.byName("cpu").name());
    assertTrue(Backends.isAvailable("cpu"));
  }
}
