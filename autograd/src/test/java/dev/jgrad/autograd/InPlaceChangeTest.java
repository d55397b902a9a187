package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A tensor changed in place after an op used it: backward fails instead of a wrong gradient. */
class InPlaceChangeTest {

  @Test
  void backwardFailsWhenAnOpsInputChangedInPlace() {
    Tensor x = Tensor.of(new double[] {1, 2, 3}).requiresGrad(true);
    Tensor w = Tensor.of(new double[] {2, 2, 2}).requiresGrad(true);
    Tensor y = x.mul(w).sum();
    w.assign(Tensor.of(new double[] {100, 100, 100})); // dy/dx would silently become 100
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertEquals("jgrad::mul's input 1 (shape [3]) was changed in place after it was used "
        + "(version 0 -> 1); compute after the change, or copy() it before", e.getMessage());
    assertNull(x.grad()); // a failed pass writes no gradient
  }

  @Test
  void backwardFailsWhenASavedOutputChangedInPlace() {
    Tensor x = Tensor.of(new double[] {0, 1}).requiresGrad(true);
    Tensor y = x.exp(); // its rule reads y
    Tensor loss = y.mul(2).sum();
    y.addScaledInPlace(Tensor.ones(x.dtype(), 2), 1);
    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().startsWith("jgrad::exp's output (shape [2])"), e.getMessage());
  }

  @Test
  void changesThroughAViewCount() {
    Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    Tensor w = Tensor.of(new double[] {3, 4});
    Tensor y = x.mul(w).sum();
    w.detach().assign(Tensor.of(new double[] {5, 6})); // same buffer as w
    assertEquals(1, w.version());
    assertThrows(IllegalStateException.class, y::backward);
    Tensor v = w.reshape(2, 1);
    v.markChangedInPlace();
    assertEquals(2, w.version());
  }

  @Test
  void copyBeforeTheChangeOrComputeAfterItGivesTheRightGradient() {
    Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    Tensor w = Tensor.of(new double[] {3, 4}).requiresGrad(true);
    Tensor y = x.mul(w.copy()).sum();
    w.assign(Tensor.of(new double[] {100, 100}));
    y.backward();
    assertArrayEquals(new double[] {3, 4}, x.grad().toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 2}, w.grad().toDoubleArray(), 0);
    x.zeroGrad();
    x.mul(w).sum().backward(); // recorded after the change: version 1 both times
    assertArrayEquals(new double[] {100, 100}, x.grad().toDoubleArray(), 0);
  }
}
