package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@link Tensor#retainGrad()}, PyTorch's {@code retain_grad()}: the expected values are PyTorch
 * 2.13's on the CPU (FLOAT64), printed by the script in each test's comment.
 */
class RetainGradTest {
  private static Tensor x() {
    return Tensor.of(new double[] {1, 2, 3}).requiresGrad(true);
  }

  /** x = [1, 2, 3]; mid = x * 2; mid.retain_grad(); mid.pow(2).sum().backward(). */
  @Test
  void aRetainedIntermediateGetsItsGradientAsPyTorchGivesIt() {
    Tensor x = x();
    Tensor mid = x.mul(2.0).retainGrad();
    assertTrue(mid.retainsGrad());
    assertNull(mid.grad(), "nothing before backward");
    mid.pow(2).sum().backward();
    assertArrayEquals(new double[] {4, 8, 12}, mid.grad().toDoubleArray(), 0);
    assertArrayEquals(new double[] {8, 16, 24}, x.grad().toDoubleArray(), 0);
    assertTrue(mid.grad().isLeaf() && !mid.grad().requiresGrad(), "a gradient is not in a graph");
  }

  /** The same, backward(retain_graph=True) twice: [8, 16, 24] and x's [16, 32, 48]. */
  @Test
  void aRetainedGradientAccumulatesOverBackwardCallsAsALeafsDoes() {
    Tensor x = x();
    Tensor mid = x.mul(2.0).retainGrad();
    Tensor loss = mid.pow(2).sum();
    loss.backward(true);
    Tensor first = mid.grad();
    loss.backward();
    assertArrayEquals(new double[] {8, 16, 24}, mid.grad().toDoubleArray(), 0);
    assertArrayEquals(new double[] {16, 32, 48}, x.grad().toDoubleArray(), 0);
    assertArrayEquals(new double[] {4, 8, 12}, first.toDoubleArray(), 0,
        "each accumulation is a new tensor, as a leaf's (grad()'s Javadoc)");
    mid.zeroGrad();
    assertNull(mid.grad());
  }

  /** y = (x*x).sum(); y.retain_grad(); y.backward(): y.grad is tensor(1.) of shape []. */
  @Test
  void theRootItselfMayRetainItsGradientOfOne() {
    Tensor x = x();
    Tensor y = x.mul(x).sum().retainGrad();
    y.backward();
    assertEquals(Shape.of(), y.grad().shape());
    assertEquals(1.0, y.grad().item(), 0);
  }

  /**
   * x = [0.5, -1, 2]; mid = x * 3; ((mid*mid).sum() + mid.exp().sum()).backward(): mid's gradient
   * is the sum of both uses, never one of them alone.
   */
  @Test
  void aTensorUsedTwiceRetainsTheSumOfItsGradients() {
    Tensor x = Tensor.of(new double[] {0.5, -1, 2}).requiresGrad(true);
    Tensor mid = x.mul(3.0).retainGrad();
    mid.mul(mid).sum().add(mid.exp().sum()).backward();
    assertArrayEquals(new double[] {7.4816890703380645, -5.9502129316321355, 415.4287934927351},
        mid.grad().toDoubleArray(), 1e-12);
    assertArrayEquals(new double[] {22.445067211014194, -17.850638794896405, 1246.2863804782053},
        x.grad().toDoubleArray(), 1e-12);
  }

  /**
   * x = [[1,2,3],[4,5,6]]; t = x.t(); t.retain_grad(); (t*w).pow(2).sum().backward() with w =
   * [[1,2],[3,4],[5,6]]: a view's gradient has the view's shape, stored dense.
   */
  @Test
  void aViewRetainsAGradientOfItsOwnShape() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
    Tensor t = x.transpose().retainGrad();
    Tensor w = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
    t.mul(w).pow(2).sum().backward();
    assertEquals(Shape.of(3, 2), t.grad().shape());
    assertTrue(t.grad().isContiguous());
    assertArrayEquals(new double[] {2, 32, 36, 160, 150, 432}, t.grad().toDoubleArray(), 0);
    assertArrayEquals(new double[] {2, 36, 150, 32, 160, 432}, x.grad().toDoubleArray(), 0);
  }

  /**
   * The retained gradient is a copy, as PyTorch's retain_grad clones: here the reshape's gradient
   * would otherwise share x's buffer, and scaling x's in place (GradClip does) would change it.
   */
  @Test
  void aRetainedGradientSharesNoBufferWithALeafsGradient() {
    Tensor x = x();
    Tensor r = x.reshape(3, 1).retainGrad();
    r.mul(Tensor.of(new double[] {1, 1, 1}, 3, 1)).sum().backward(); // r's gradient is dense
    assertNotSame(x.grad().buffer(), r.grad().buffer());
    x.grad().backend().scalar(dev.jgrad.api.BinaryOp.MUL, x.grad().buffer(), 0.5,
        x.grad().buffer());
    assertArrayEquals(new double[] {1, 1, 1}, r.grad().toDoubleArray(), 0);
  }

  /**
   * Without retainGrad a computed tensor's grad() stays null after backward, and
   * requiresGrad(true) on it changes nothing (it already requires grad), as in PyTorch.
   */
  @Test
  void withoutRetainGradAComputedTensorHasNoGradient() {
    Tensor x = x();
    Tensor mid = x.mul(2.0);
    assertSame(mid, mid.requiresGrad(true));
    assertFalse(mid.retainsGrad());
    mid.pow(2).sum().backward();
    assertNull(mid.grad());
    assertArrayEquals(new double[] {8, 16, 24}, x.grad().toDoubleArray(), 0);
  }

  /** PyTorch's warning, once: grad() of a computed tensor that keeps none is null for a reason. */
  @Test
  void gradOfAComputedTensorThatKeepsNoneWarnsOnce() {
    Logger logger = (Logger) LoggerFactory.getLogger(Tensor.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    NonLeafGradWarning.resetForTests();
    try {
      Tensor mid = x().mul(2.0).named("hidden");
      mid.sum().backward();
      assertNull(mid.grad());
      assertNull(mid.grad());
      Tensor kept = x().mul(2.0).retainGrad();
      kept.sum().backward();
      kept.grad();
      x().grad(); // a leaf without a gradient: null as ever, no warning
      List<ILoggingEvent> warnings = appender.list.stream()
          .filter(e -> e.getLevel() == Level.WARN).toList();
      assertEquals(1, warnings.size(), warnings.toString());
      String message = warnings.get(0).getFormattedMessage();
      assertTrue(message.contains("'hidden' FLOAT64[3]") && message.contains("retainGrad()"),
          message);
    } finally {
      logger.detachAppender(appender);
    }
  }

  /** x = torch.tensor([1.]); x.retain_grad(): "can't retain_grad on Tensor that has ...". */
  @Test
  void retainGradOnATensorThatRequiresNoGradFailsAndOnALeafIsANoOp() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Tensor.of(new double[] {1}).retainGrad());
    assertEquals("retainGrad: FLOAT64[1] does not require grad, so backward() computes no "
        + "gradient for it; call requiresGrad(true) on the leaves it is computed from",
        e.getMessage());
    Tensor leaf = x();
    assertSame(leaf, leaf.retainGrad());
    assertFalse(leaf.retainsGrad(), "a leaf's gradient is kept anyway (PyTorch: retains_grad "
        + "is False for leaves)");
    try (NoGrad ignored = NoGrad.scope()) {
      Tensor untracked = leaf.mul(2.0);
      assertThrows(IllegalStateException.class, untracked::retainGrad,
          "computed under NoGrad: no gradient to keep");
    }
  }

  /** detach() is a new leaf, outside the graph: it neither retains nor gets a gradient. */
  @Test
  void aDetachedCopyDoesNotRetain() {
    Tensor x = x();
    Tensor mid = x.mul(2.0).retainGrad();
    Tensor d = mid.detach();
    assertFalse(d.retainsGrad());
    mid.sum().backward();
    assertNull(d.grad());
    assertArrayEquals(new double[] {1, 1, 1}, mid.grad().toDoubleArray(), 0);
  }

  /** A pass that fails part-way stores no retained gradient, as it stores no leaf's. */
  @Test
  void aFailedPassStoresNoRetainedGradient() {
    Tensor x = x();
    Tensor w = Tensor.of(new double[] {1, 1, 1}).requiresGrad(true);
    Tensor mid = x.mul(w).retainGrad();
    Tensor loss = mid.mul(2.0).sum(); // mid's gradient is complete before its own rule fails
    w.assign(Tensor.of(new double[] {2, 2, 2}));
    assertThrows(IllegalStateException.class, loss::backward);
    assertNull(mid.grad());
    assertNull(x.grad());
  }

  /**
   * A retained gradient is computed in the open TensorScope and released with it, as a leaf's;
   * scope.keep(mid.grad()) keeps it.
   */
  @Test
  void aRetainedGradientIsReleasedWithItsScopeUnlessKept() {
    Tensor x = x();
    Tensor released;
    Tensor kept;
    try (TensorScope scope = TensorScope.open()) {
      Tensor a = x.mul(2.0).retainGrad();
      Tensor b = x.mul(3.0).retainGrad();
      a.mul(b).sum().backward();
      released = a.grad();
      kept = scope.keep(b.grad());
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, released::toDoubleArray);
    assertTrue(e.getMessage().contains("scope.keep(tensor)"), e.getMessage());
    assertArrayEquals(new double[] {2, 4, 6}, kept.toDoubleArray(), 0);
  }

  /** FLOAT32 too, and the gradient has the tensor's dtype. */
  @Test
  void float32RetainsAFloat32Gradient() {
    Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
    Tensor mid = x.to(DType.FLOAT64).mul(2.0).to(DType.FLOAT32).retainGrad();
    mid.mul(mid).sum().backward();
    assertEquals(DType.FLOAT32, mid.grad().dtype());
    assertArrayEquals(new float[] {4, 8}, mid.grad().toFloatArray(), 0);
    assertArrayEquals(new float[] {8, 16}, x.grad().toFloatArray(), 0);
  }
}
