package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Shape;
import org.junit.jupiter.api.Test;

/**
 * How the CPU backend plans a broadcast binary op; what it computes is the conformance kit's to
 * check (BackendTestKit, run on this backend by testkit's CpuConformanceTest).
 */
class BroadcastPlanTest {
  @Test
  void commonPatternsCollapseToFewDimensions() {
    assertEquals(1, BroadcastPlan.of(Shape.of(2, 3, 4), Shape.of(2, 3, 4), Shape.of(2, 3, 4))
        .collapsedRank(), "same shape is one run");
    assertEquals(1, BroadcastPlan.of(Shape.of(5, 6), Shape.scalar(), Shape.of(5, 6))
        .collapsedRank(), "a scalar is one run");
    assertEquals(2, BroadcastPlan.of(Shape.of(5, 6), Shape.of(6), Shape.of(5, 6))
        .collapsedRank(), "[m,n] op [n]");
    assertEquals(2, BroadcastPlan.of(Shape.of(5, 6), Shape.of(5, 1), Shape.of(5, 6))
        .collapsedRank(), "[m,n] op [m,1]");
    assertEquals(2, BroadcastPlan.of(Shape.of(4, 5, 6), Shape.of(6), Shape.of(4, 5, 6))
        .collapsedRank(), "leading dims of [a,b,n] op [n] merge");
    assertEquals(3, BroadcastPlan.of(Shape.of(2, 3, 4), Shape.of(2, 1, 4), Shape.of(2, 3, 4))
        .collapsedRank(), "middle broadcast keeps three dims");
  }

  /**
   * The conformance kit's largest elementwise cases (300,007 elements; [800, 701] broadcasts)
   * must reach the threaded loops, or the CPU run of the kit would check only the serial ones.
   */
  @Test
  void theConformanceKitsLargeCasesTakeTheThreadedPath() {
    assertTrue(300_007 >= Elementwise.CHEAP_THRESHOLD && 800 * 701 >= Elementwise.CHEAP_THRESHOLD,
        "raise the kit's large cases above the threshold " + Elementwise.CHEAP_THRESHOLD);
    assertTrue(1000 < Elementwise.COSTLY_THRESHOLD && 4099 >= Elementwise.COSTLY_THRESHOLD,
        "the kit's sizes 1000 and 4099 lie either side of " + Elementwise.COSTLY_THRESHOLD);
  }
}
