package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The native helper is used, or not, as the run asks. The build runs this class twice: with the
 * native helper, and without it (pom.xml); testkit runs the conformance kit's matrix products
 * both ways too.
 */
class NativePathTest {
  @Test
  void runsOnThePathThisRunAsksFor() {
    if ("false".equals(System.getProperty("jgrad.cpu.native"))) {
      assertFalse(NativeCpu.available());
      assertEquals("disabled by -Djgrad.cpu.native=false", NativeCpu.unavailableReason());
    } else if (System.getProperty("os.name").startsWith("Linux")
        && System.getProperty("os.arch").equals("amd64")) {
      assertTrue(NativeCpu.available(), NativeCpu.unavailableReason());
    }
  }
}
