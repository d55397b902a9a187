package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import org.junit.jupiter.api.Test;

/**
 * Casts between FLOAT32 and FLOAT64 are graph edges, as in PyTorch: a parameter used through a
 * cast gets its gradient instead of silently none. Integer results carry no gradient.
 */
class ConvertGradientTest {
  @Test
  void aGradientFlowsBackThroughACastInTheSourceDtype() {
    Tensor w = Tensor.of(new double[] {1.5, -2, 3}, 3).requiresGrad(true); // FLOAT64
    Tensor f = w.to(DType.FLOAT32);
    assertTrue(f.requiresGrad());
    f.mul(f).sum().backward(); // d/dw sum(w^2) = 2w, computed in FLOAT32
    assertEquals(DType.FLOAT64, w.grad().dtype());
    assertArrayEquals(new double[] {3, -4, 6}, w.grad().toDoubleArray(), 0);
  }

  @Test
  void parametersOfTwoDtypesBothGetTheirGradients() {
    Tensor a = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
    Tensor b = Tensor.of(new double[] {3, 4}, 2).requiresGrad(true);
    a.mul(2).sum().add(b.to(DType.FLOAT32).mul(5).sum()).backward();
    assertArrayEquals(new double[] {2, 2}, a.grad().toDoubleArray(), 0);
    assertEquals(DType.FLOAT64, b.grad().dtype());
    assertArrayEquals(new double[] {5, 5}, b.grad().toDoubleArray(), 0);
  }

  @Test
  void anIntegerResultDoesNotRequireGrad() {
    Tensor w = Tensor.of(new double[] {1.7, -2.2}, 2).requiresGrad(true);
    Tensor i = w.to(DType.INT32);
    assertFalse(i.requiresGrad());
    assertTrue(i.isLeaf());
    assertArrayEquals(new int[] {1, -2}, i.toIntArray());
  }

  @Test
  void anIntegerTensorCannotRequireGrad() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.indices(new int[] {0, 1}).requiresGrad(true));
    assertEquals("requiresGrad: INT32 tensors have no gradient; only FLOAT32 and FLOAT64 tensors "
        + "can require grad (convert with .to(DType.FLOAT32))", e.getMessage());
  }
}
