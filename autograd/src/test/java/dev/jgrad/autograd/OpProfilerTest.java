package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The profiler's table: ops by total time, with shares, calls and time a call. */
class OpProfilerTest {
  @Test
  void reportListsOpsByTotalTimeAndResetForgetsThem() {
    OpProfiler.reset();
    OpProfiler.record("acme::slow", 3_000_000);
    OpProfiler.record("acme::fast", 500_000);
    OpProfiler.record("acme::slow", 1_000_000);
    List<String> lines = OpProfiler.report().lines().toList();
    assertEquals(3, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(1).matches("acme::slow +4\\.0 +88\\.9% +2 +2000\\.0"), lines.get(1));
    assertTrue(lines.get(2).matches("acme::fast +0\\.5 +11\\.1% +1 +500\\.0"), lines.get(2));
    OpProfiler.reset();
    assertEquals(1, OpProfiler.report().lines().count());
  }
}
