package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackpropTest {

  @Test
  void tenThousandOpChainNeedsNoRecursion() {
    Tensor x = Tensor.of(new double[] {1.0}).requiresGrad(true);
    Tensor y = x;
    for (int i = 0; i < 20_000; i++) {
      y = y.mul(1.0001);
    }
    y.sum().backward();
    assertEquals(Math.pow(1.0001, 20_000), x.grad().item(), 1e-6);
  }

  @Test
  void gradientsAccumulateWhenATensorFeedsSeveralOps() {
    Tensor x = Tensor.of(new double[] {2, 3}).requiresGrad(true);
    x.mul(x).add(x).sum().backward(); // d(x^2 + x) = 2x + 1
    assertArrayEquals(new double[] {5, 7}, x.grad().toDoubleArray(), 1e-12);
    x.mul(3).sum().backward(); // a second backward adds to the stored gradient
    assertArrayEquals(new double[] {8, 10}, x.grad().toDoubleArray(), 1e-12);
    x.zeroGrad();
    assertNull(x.grad());
  }

  @Test
  void backwardWithAGradientForNonScalars() {
    Tensor x = Tensor.of(new double[] {1, 2, 3}).requiresGrad(true);
    x.pow(2).backward(Tensor.of(new double[] {1, 10, 100}));
    assertArrayEquals(new double[] {2, 40, 600}, x.grad().toDoubleArray(), 1e-12);
  }

  @Test
  void noGradScopeRecordsNothingAndNests() {
    Tensor w = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    try (NoGrad outer = NoGrad.scope()) {
      try (NoGrad inner = NoGrad.scope()) {
        assertFalse(GradMode.isEnabled());
      }
      assertFalse(GradMode.isEnabled());
      Tensor y = w.mul(2);
      assertFalse(y.requiresGrad());
      assertTrue(y.isLeaf());
    }
    assertTrue(GradMode.isEnabled());
    assertTrue(w.mul(2).requiresGrad());
  }

  @Test
  void detachCutsTheGraph() {
    Tensor w = Tensor.of(new double[] {3}).requiresGrad(true);
    Tensor frozen = w.mul(2).detach();
    assertFalse(frozen.requiresGrad());
    w.mul(frozen).sum().backward(); // frozen is a constant 6
    assertEquals(6, w.grad().item(), 1e-12);
  }

  @Test
  void onlyLeavesKeepGradients() {
    Tensor w = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    Tensor h = w.mul(2);
    h.sum().backward();
    assertNull(h.grad());
    assertArrayEquals(new double[] {2, 2}, w.grad().toDoubleArray(), 0);
  }

  @Test
  void stepIsForwardOnly() {
    Tensor x = Tensor.of(new double[] {-1, 0, 2}).requiresGrad(true);
    Tensor y = x.step();
    assertArrayEquals(new double[] {0, 0, 1}, y.toDoubleArray(), 0);
    assertFalse(y.requiresGrad(), "step has no useful derivative, so it records nothing");
  }

  @Test
  void gradCheckCatchesAWrongGradientRule() {
    // An op whose registered gradient is deliberately 2x too large must fail the check.
    String name = "test::wrong_square";
    if (!OpRegistry.global().isDefined(name)) {
      OpRegistry.global().register("BackpropTest", r -> {
        r.define(OpDef.builder(name).arity(1).shapeRule((in, a) -> in.get(0)).build());
        r.kernel(name, OpRegistry.ANY_BACKEND,
            (CompositeKernel) (in, a) -> in.get(0).mul(in.get(0)));
        r.gradient(name, (dev.jgrad.api.op.GradientRule<Tensor>) ctx ->
            List.of(ctx.gradOutput().mul(ctx.input(0)).mul(4)));
      });
    }
    GradCheck.Result r = GradCheck.gradCheck(in -> Ops.call(name, in.get(0)).sum(),
        List.of(Tensor.of(new double[] {0.5, 1.5, -2}, DType.FLOAT64, 3)));
    assertFalse(r.passed(), r.toString());
    assertEquals(0.5, r.worstRelativeError(), 1e-6); // 4x vs 2x
  }

  @Test
  void aSecondBackwardThroughTheSameGraphFailsInsteadOfDoublingTheGradient() {
    Tensor x = Tensor.of(new double[] {2, 3}).requiresGrad(true);
    Tensor loss = x.mul(x).sum();
    loss.backward();
    assertArrayEquals(new double[] {4, 6}, x.grad().toDoubleArray(), 1e-12);
    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().contains("a second time"), e.getMessage());
    assertTrue(e.getMessage().contains("backward(true)"), e.getMessage());
    assertArrayEquals(new double[] {4, 6}, x.grad().toDoubleArray(), 1e-12); // unchanged
    Tensor h = x.mul(2); // a new graph on a freed part fails too, before writing any gradient
    assertThrows(IllegalStateException.class, () -> h.add(loss).sum().backward());
    assertArrayEquals(new double[] {4, 6}, x.grad().toDoubleArray(), 1e-12);
  }

  @Test
  void backwardFreesTheSavedTensorsUnlessTheGraphIsRetained() {
    Tensor x = Tensor.of(new double[] {2, 3}).requiresGrad(true);
    Tensor y = x.mul(x);
    Tensor loss = y.sum();
    loss.backward(true);
    loss.backward(); // retained, so a second pass adds: 2 * 2x
    assertArrayEquals(new double[] {8, 12}, x.grad().toDoubleArray(), 1e-12);
    assertTrue(y.creator().isFreed());
    assertTrue(y.creator().inputs().isEmpty()); // nothing keeps x alive through the graph
    assertTrue(loss.toDot().contains("freed by backward()"), loss.toDot());
  }

  @Test
  void graphExportNamesOpsShapesAndGradFlags() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).named("x");
    Tensor w = Tensor.ones(3, 2).requiresGrad(true).named("W");
    String dot = x.matmul(w).relu().sum().toDot();
    assertTrue(dot.startsWith("digraph jgrad {"), dot);
    assertTrue(dot.contains(OpNames.MATMUL), dot);
    assertTrue(dot.contains(OpNames.RELU), dot);
    assertTrue(dot.contains(OpNames.SUM), dot);
    assertTrue(dot.contains("W\\nFLOAT32 [3, 2]\\nrequires grad"), dot);
    assertTrue(dot.contains("x\\nFLOAT32 [2, 3]\""), dot);
    assertEquals(5, dot.split("\\[shape=box").length - 1, dot); // x, W, x@W, relu, sum
  }

  /**
   * A backward adds to a leaf's gradient by making a new tensor, so a gradient fetched before it
   * keeps its value (PyTorch adds in place: a fetched {@code .grad} shows the sum). Pinned, as
   * grad()'s Javadoc and docs/pytorch.md state it.
   */
  @Test
  void aFetchedGradientKeepsItsValueWhenALaterBackwardAddsToIt() {
    Tensor q = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    q.mul(3.0).sum().backward();
    Tensor fetched = q.grad();
    q.mul(3.0).sum().backward();
    assertArrayEquals(new double[] {3, 3}, fetched.toDoubleArray(), 0);
    assertArrayEquals(new double[] {6, 6}, q.grad().toDoubleArray(), 0);
    assertFalse(fetched == q.grad(), "a new tensor per accumulation");
  }
}
