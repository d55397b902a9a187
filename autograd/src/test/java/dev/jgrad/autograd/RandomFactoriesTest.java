package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** randn and uniform: the shape asked for, and the same draws for a seed as ever. */
class RandomFactoriesTest {
  /** As torch.randn(()) and Tensor.zeros(dtype): no shape is rank 0 (it was [1]). */
  @Test
  void noShapeIsRankZeroAsZerosIs() {
    assertEquals(Shape.of(), Tensor.zeros(DType.FLOAT64).shape());
    assertEquals(Shape.of(), Tensor.randn(new Random(1), DType.FLOAT64).shape());
    assertEquals(Shape.of(), Tensor.randn(new Random(1)).shape());
    assertEquals(Shape.of(), Tensor.uniform(new Random(1), 0, 1, DType.FLOAT64).shape());
    assertEquals(Shape.of(), Tensor.uniform(new Random(1), 0, 1, DType.FLOAT32).shape());
    assertEquals(new Random(1).nextGaussian(),
        Tensor.randn(new Random(1), DType.FLOAT64).item(), 0, "one draw, the first");
  }

  /** The draws of a seed for a shape are pinned: a change would move every seeded model. */
  @Test
  void aSeedGivesTheSameDrawsInRowMajorOrder() {
    Random expected = new Random(7);
    double[] normal = new double[6];
    for (int i = 0; i < normal.length; i++) {
      normal[i] = expected.nextGaussian();
    }
    double[] uniform = new double[4];
    for (int i = 0; i < uniform.length; i++) {
      uniform[i] = -1 + 3 * expected.nextDouble();
    }
    Random random = new Random(7);
    Tensor n = Tensor.randn(random, DType.FLOAT64, 2, 3);
    Tensor u = Tensor.uniform(random, -1, 2, DType.FLOAT64, 4);
    assertEquals(Shape.of(2, 3), n.shape());
    assertArrayEquals(normal, n.toDoubleArray(), 0);
    assertArrayEquals(uniform, u.toDoubleArray(), 0);
    float[] rounded = new float[6];
    for (int i = 0; i < 6; i++) {
      rounded[i] = (float) normal[i];
    }
    assertArrayEquals(rounded, Tensor.randn(new Random(7), 2, 3).toFloatArray(), 0);
  }
}
