package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code x.var()} and {@code x.std()} of all elements against PyTorch 2.13 (float64). */
class StdVarAllTest {
  private static Tensor x() {
    return Tensor.of(new double[] {1, 2, 3, 4, 5, 7.5}, 2, 3);
  }

  @Test
  void allElementsUnbiasedAsTorch() {
    Tensor v = x().var();
    assertEquals(0, v.shape().rank(), "a scalar");
    assertEquals(5.375, v.item(), 1e-15);
    assertEquals(2.318404623873926, x().std().item(), 1e-15);
  }

  @Test
  void stdsGradientIsTorchs() {
    Tensor x = x().requiresGrad(true);
    x.std().backward();
    assertArrayEquals(new double[] {-0.23723210104756454, -0.1509658824848138,
        -0.06469966392206306, 0.021566554640687685, 0.10783277320343843, 0.3234983196103153},
        x.grad().toDoubleArray(), 1e-14);
  }

  @Test
  void aSingleElementLeavesNoDegreeOfFreedom() {
    String m = assertThrows(IllegalArgumentException.class,
        () -> Tensor.of(new double[] {3}, 1).std()).getMessage();
    assertTrue(m.startsWith("std: 1 element(s)"), m);
  }
}
