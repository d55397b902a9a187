package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Methods computed through another op fail in the name of the method called, not of the op
 * they delegate to: {@code div(2)} is a product with 0.5, but the user wrote div.
 */
class DelegatedScalarOpNamesTest {
  private static final String INT32 = ": input 0 is INT32[6], which this op cannot compute on; "
      + "convert it with .to(DType.FLOAT32)";

  private static String message(Executable call) {
    return assertThrows(IllegalArgumentException.class, call).getMessage();
  }

  @Test
  void divByAScalarSaysDiv() {
    assertEquals("div" + INT32, message(() -> Tensor.arange(6).div(2)));
  }

  @Test
  void subOfAScalarSaysSub() {
    assertEquals("sub" + INT32, message(() -> Tensor.arange(6).sub(2)));
  }

  @Test
  void clampMinSaysClampMin() {
    assertEquals("clampMin" + INT32, message(() -> Tensor.arange(6).clampMin(1)));
    String nan = message(() -> Tensor.of(new float[] {1, 2}, 2).clampMin(Double.NaN));
    assertTrue(nan.startsWith("clampMin: "), nan);
  }

  @Test
  void clampMaxSaysClampMax() {
    assertEquals("clampMax" + INT32, message(() -> Tensor.arange(6).clampMax(1)));
  }

  @Test
  void argminSaysArgmin() {
    String m = message(() -> Tensor.of(new float[] {1, 2}, 2).argmin(3));
    assertTrue(m.startsWith("argmin: "), m);
  }

  @Test
  void reciprocalSaysReciprocal() {
    assertTrue(message(() -> Tensor.arange(6).reciprocal()).startsWith("reciprocal: "));
  }

  @Test
  void rsqrtSaysRsqrt() {
    assertEquals("rsqrt" + INT32, message(() -> Tensor.arange(6).rsqrt()));
  }

  @Test
  void squareSaysSquare() {
    assertEquals("square" + INT32, message(() -> Tensor.arange(6).square()));
  }

  @Test
  void minOfAllSaysMin() {
    String m = message(() -> Tensor.arange(6).min());
    assertTrue(m.startsWith("min: "), m);
  }

  @Test
  void theOpsCalledDirectlyKeepTheirNames() {
    assertEquals("jgrad::mul_scalar" + INT32, message(() -> Tensor.arange(6).mul(2)));
    assertEquals("jgrad::add_scalar" + INT32, message(() -> Tensor.arange(6).add(2)));
  }
}
