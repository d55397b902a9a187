package dev.jgrad.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GpuRequirementTest {
  private String saved;

  @BeforeEach
  void save() {
    assumeTrue(System.getenv(GpuRequirement.ENV) == null,
        "$" + GpuRequirement.ENV + " is set for this run");
    saved = System.getProperty(GpuRequirement.PROPERTY);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(GpuRequirement.PROPERTY);
    } else {
      System.setProperty(GpuRequirement.PROPERTY, saved);
    }
  }

  @Test
  void unsetMeansSkip() {
    System.clearProperty(GpuRequirement.PROPERTY);
    assertFalse(GpuRequirement.isRequired());
    assertDoesNotThrow(() -> GpuRequirement.failIfRequired("cuda: no libcuda.so.1"));
  }

  @Test
  void requiredMeansFailWithTheReason() {
    System.setProperty(GpuRequirement.PROPERTY, "TRUE");
    assertTrue(GpuRequirement.isRequired());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> GpuRequirement.failIfRequired("cuda: no libcuda.so.1"));
    assertTrue(e.getMessage().contains("cuda: no libcuda.so.1"), e.getMessage());
    assertTrue(e.getMessage().contains(GpuRequirement.PROPERTY), e.getMessage());
  }

  @Test
  void anOverrideRestoresWhatWasThere() {
    System.setProperty(GpuRequirement.PROPERTY, "false");
    try (var s = GpuRequirement.override(true)) {
      assertTrue(GpuRequirement.isRequired());
    }
    assertEquals("false", System.getProperty(GpuRequirement.PROPERTY));
  }

  @Test
  void aValueThatIsNeitherTrueNorFalseIsAnError() {
    System.setProperty(GpuRequirement.PROPERTY, "yes please");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, GpuRequirement::isRequired);
    assertEquals("-Djgrad.test.requireGpu=yes please is not understood: use true (a missing GPU "
        + "fails the GPU checks) or false (they are skipped)", e.getMessage());
  }
}
