package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jgrad.api.GpuRequirement;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Without a GPU the GPU tests skip, unless the run requires a GPU: then they fail. */
class GpuFixtureTest {
  @Test
  void aMissingGpuSkipsOrFailsAsTheRunAsks() {
    assumeFalse(new CudaBackendProvider().probe().isAvailable(), "this machine has a GPU");
    try (var notRequired = GpuRequirement.override(false)) {
      assertThrows(TestAbortedException.class, GpuFixture::backend);
    }
    try (var required = GpuRequirement.override(true)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, GpuFixture::backend);
      assertTrue(e.getMessage().contains("a GPU is required"), e.getMessage());
      assertTrue(e.getMessage().contains("cuda: "), e.getMessage());
    }
  }
}
