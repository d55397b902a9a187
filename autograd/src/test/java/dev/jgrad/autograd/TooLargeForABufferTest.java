package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import org.junit.jupiter.api.Test;

/**
 * A tensor with more elements than one buffer holds is refused before anything is allocated,
 * naming who asked: the op and its inputs' shapes, or the factory, and the shape's element count.
 */
class TooLargeForABufferTest {
  @Test
  void anOpsOutputTooLargeNamesTheOpAndItsInputs() {
    Tensor column = Tensor.ones(100_000, 1);
    Tensor row = Tensor.ones(1, 100_000);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> column.matmul(row));
    assertTrue(e.getMessage().startsWith("jgrad::matmul on cpu, inputs [FLOAT32[100000, 1], "
        + "FLOAT32[1, 100000]], output FLOAT32[100000, 100000]: shape [100000, 100000] has "
        + "10000000000 elements, more than one buffer holds (allocate on the cpu backend: "),
        e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  @Test
  void aFilledTensorTooLargeSaysWhatRandnSays() {
    String randn = assertThrows(IllegalArgumentException.class,
        () -> Tensor.randn(new java.util.Random(1), 100_000, 100_000)).getMessage();
    assertTrue(randn.contains("shape [100000, 100000] has 10000000000 elements, more than one "
        + "buffer holds"), randn);
    for (Runnable call : new Runnable[] {() -> Tensor.ones(100_000, 100_000),
        () -> Tensor.zeros(DType.FLOAT64, 100_000, 100_000),
        () -> Tensor.full(2, DType.FLOAT32, 65_536, 65_536)}) {
      String message = assertThrows(IllegalArgumentException.class, call::run).getMessage();
      assertTrue(message.startsWith("a tensor filled with "), message);
      assertTrue(message.contains(" elements, more than one buffer holds (allocate on the cpu "
          + "backend: length must be at most "), message);
    }
  }
}
