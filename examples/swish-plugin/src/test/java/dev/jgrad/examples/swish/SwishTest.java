package dev.jgrad.examples.swish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.op.Attrs;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.testkit.OpTestKit;
import dev.jgrad.testkit.OpTestReport;
import org.junit.jupiter.api.Test;

/** The plugin is tested with the jgrad test kit alone, as a third-party author would. */
class SwishTest {
  @Test
  void swishPassesTheTestKit() {
    for (double beta : new double[] {1.0, 1.7}) {
      OpTestReport report = OpTestKit.forOp(SwishOps.SWISH).attrs(Attrs.of("beta", beta))
          .shapes(new int[] {7}, new int[] {3, 4}, new int[] {2, 3, 5})
          .inputRange(-4, 4)
          .reference(x -> x / (1 + Math.exp(-beta * x)))   // the formula, not the kernel
          .run();
      System.out.println(report);
      report.assertPassed();
    }
  }

  @Test
  void theGradientOpPassesTheTestKitToo() {
    OpTestKit.forOp(SwishOps.SWISH_GRAD).attrs(Attrs.of("beta", 1.3))
        .inputShapes(new int[] {4, 5}, new int[] {4, 5})
        .badInputShapes(new int[] {4, 5}, new int[] {5})
        .run().assertPassed();
  }

  @Test
  void typedHelperComputesSwish() {
    Tensor y = Swish.apply(Tensor.of(new double[] {2}), 1.0);
    assertEquals(2 / (1 + Math.exp(-2)), y.item(), 1e-15);
  }

  /** beta is declared: a misspelt name fails instead of computing swish with beta 1. */
  @Test
  void aMisspeltAttributeIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ops.call(SwishOps.SWISH, Attrs.of("Beta", 2.0), Tensor.of(new double[] {2})));
    assertTrue(e.getMessage().contains(SwishOps.SWISH) && e.getMessage().contains("Beta"),
        e.getMessage());
  }
}
