package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.api.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Arguments that gave garbage or a backend's message now fail naming the op and the value. */
class ArgumentErrorsTest {
  @Test
  void itemWithTheWrongNumberOfIndicesAndANegativeStrideAreNamed() {
    IllegalArgumentException item = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(2, 3).item(1));
    assertEquals("item: 1 index(es) [1] for a tensor of shape [2, 3] (rank 2); give one index "
        + "per axis", item.getMessage());
    IllegalArgumentException layout = assertThrows(IllegalArgumentException.class,
        () -> StridedLayout.of(0, 3, -1));
    assertEquals("a layout's strides must be >= 0, got [3, -1]", layout.getMessage());
  }

  @Test
  void leakyReluNeedsAFiniteSlope() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.of(new float[] {1, 2}, 2).leakyRelu(Double.NaN));
    assertEquals("jgrad::leaky_relu: the negative slope alpha must be finite, got NaN",
        e.getMessage());
  }

  @Test
  void uniformNeedsAFiniteOrderedRange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.uniform(new Random(1), 1, 0, DType.FLOAT32, 3));
    assertEquals("uniform: the range [lo, hi) must be finite with lo <= hi, got [1.0, 0.0)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.uniform(new Random(1), Double.NaN, 1, DType.FLOAT32, 3));
  }

  @Test
  void aReductionOverAnEmptyAxisNamesTheOpAndTheShape() {
    IllegalArgumentException sum = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(0).sum());
    assertEquals("jgrad::sum: axis 0 of shape [0] is empty; a reduction needs at least one "
        + "element along each axis it reduces", sum.getMessage());
    IllegalArgumentException max = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(3, 0).max(1, false));
    assertEquals("jgrad::max: axis 1 of shape [3, 0] is empty; a reduction needs at least one "
        + "element along each axis it reduces", max.getMessage());
    IllegalArgumentException argmax = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(3, 0).argmax(1));
    assertEquals("jgrad::argmax: axis 1 of shape [3, 0] is empty; a reduction needs at least one "
        + "element along each axis it reduces", argmax.getMessage());
    assertEquals(0, Tensor.zeros(0, 3).sum(1, false).size(), "an empty batch reduces to empty");
  }

  /**
   * A FLOAT32 update of a FLOAT64 tensor said "sgdUpdate on the cpu backend: param is FLOAT64 but
   * grad is FLOAT32", naming a primitive the caller never called; an INT32 target likewise.
   */
  @Test
  void addScaledInPlaceNamesItselfForAnotherDtype() {
    Tensor w = Tensor.zeros(DType.FLOAT64, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> w.addScaledInPlace(Tensor.ones(3), 1.0));
    assertEquals("addScaledInPlace: x is FLOAT32[3] but the target is FLOAT64[3]; convert it "
        + "with x.to(DType.FLOAT64)", e.getMessage());
    assertEquals(0, w.version(), "nothing changed");
    Tensor counts = Tensor.indices(new int[] {1, 2});
    IllegalArgumentException i = assertThrows(IllegalArgumentException.class,
        () -> counts.addScaledInPlace(Tensor.indices(new int[] {1, 1}), 1.0));
    assertEquals("addScaledInPlace: the target is INT32[2]; only FLOAT32 and FLOAT64 tensors "
        + "can be updated in place", i.getMessage());
  }
}
