package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgrad.api.Backends;
import dev.jgrad.api.GpuRequirement;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The parity suite skips without a second backend, unless the run requires a GPU. */
class BackendParityRequirementTest {
  @Test
  void withoutASecondBackendParitySkipsOrFailsAsTheRunAsks() {
    assumeTrue(Backends.discover().stream().noneMatch(
        f -> !f.provider().name().equals("cpu") && f.availability().isAvailable()),
        "a backend besides the CPU is available here");
    try (var notRequired = GpuRequirement.override(false)) {
      assertThrows(TestAbortedException.class, BackendParityTest::requireOthers);
    }
    try (var required = GpuRequirement.override(true)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, BackendParityTest::requireOthers);
      assertTrue(e.getMessage().contains("cuda: "), e.getMessage());
    }
  }
}
