package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** PyTorch's nn.Linear default: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and bias. */
class KaimingUniformTest {
  @Test
  void weightsAreUniformWithinTheBoundWithItsVariance() {
    int fanIn = 400;
    double bound = 1 / Math.sqrt(fanIn); // 0.05
    double[] w = Init.kaimingUniform().weights(fanIn, 250, DType.FLOAT64, new Random(7))
        .toDoubleArray();
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double sum = 0;
    double squares = 0;
    for (double x : w) {
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
      squares += x * x;
    }
    assertTrue(min >= -bound && max < bound, min + " " + max);
    // 100,000 draws fill the range: the extremes lie within 0.1% of the bound
    assertTrue(min < -0.999 * bound && max > 0.999 * bound, min + " " + max);
    double mean = sum / w.length;
    double variance = squares / w.length - mean * mean;
    // U(-b, b) has variance b^2 / 3; its estimate's relative error here is about 0.4%
    assertEquals(bound * bound / 3, variance, 0.02 * bound * bound / 3);
    assertEquals(0, mean, 0.01 * bound);
    // and not the normal of the same std: its tails would pass the bound
    assertEquals(bound / Math.sqrt(3), Init.kaimingUniform().std(fanIn, 250), 1e-15);
  }

  @Test
  void theBiasIsUniformInTheSameRangeWhereOtherInitsGiveZeros() {
    double bound = 1 / Math.sqrt(9);
    double[] b = Init.kaimingUniform().bias(9, 1000, DType.FLOAT64, new Random(1))
        .toDoubleArray();
    assertEquals(1000, b.length);
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double x : b) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    assertTrue(min >= -bound && min < -0.99 * bound && max < bound && max > 0.99 * bound,
        min + " " + max);
    assertArrayEquals(new double[3], Init.he().bias(9, 3, DType.FLOAT64, new Random(1))
        .toDoubleArray());
  }

  @Test
  void theSameSeedGivesTheSameWeightsAndBadSizesAreRejected() {
    assertArrayEquals(
        Init.kaimingUniform().weights(5, 4, DType.FLOAT32, new Random(3)).toFloatArray(),
        Init.kaimingUniform().weights(5, 4, DType.FLOAT32, new Random(3)).toFloatArray());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Init.kaimingUniform().weights(0, 4, DType.FLOAT32, new Random(3)));
    assertEquals("a layer needs positive sizes, got 0 x 4", e.getMessage());
  }

  @Test
  void linearTakesItsBiasFromTheInit() {
    // before: Linear always made zero biases, so Kaiming-uniform gave only half of PyTorch's init
    float[] b = new Linear(16, 50, Init.kaimingUniform(), new Random(1)).bias().toFloatArray();
    double bound = 1 / Math.sqrt(16);
    boolean nonzero = false;
    for (float v : b) {
      assertTrue(Math.abs(v) <= bound, "bias " + v + " outside +-" + bound);
      nonzero |= v != 0;
    }
    assertTrue(nonzero, "Kaiming-uniform's bias must not be all zeros");
    for (float v : new Linear(16, 50, Init.he(), new Random(1)).bias().toFloatArray()) {
      assertEquals(0f, v, "the book's inits keep zero biases");
    }
  }

  @Test
  void linearWithoutAnInitIsPyTorchsDefault() {
    Linear plain = new Linear(6, 4, new Random(3));
    Linear explicit = new Linear(6, 4, Init.kaimingUniform(), new Random(3));
    for (String name : List.of("weight", "bias")) {
      assertArrayEquals(explicit.namedParameters().get(name).toDoubleArray(),
          plain.namedParameters().get(name).toDoubleArray(), 0, name);
    }
  }
}
