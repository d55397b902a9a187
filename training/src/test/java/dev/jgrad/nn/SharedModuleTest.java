package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.optim.Sgd;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A layer used twice shares its parameters: listed once (as PyTorch does), so an optimizer steps
 * them once, not twice; and an optimizer given one tensor under two names refuses it.
 */
class SharedModuleTest {
  @Test
  void aLayerUsedTwiceIsListedAndSteppedOnce() {
    Linear shared = new Linear(2, 2, Init.he(), new Random(1));
    Sequential net = new Sequential(shared, new ReLU(), shared);
    assertEquals(List.of("0.weight", "0.bias"), List.copyOf(net.namedParameters().keySet()));
    assertEquals(6, net.parameterCount());
    double[] before = shared.namedParameters().get("weight").toDoubleArray();
    Tensor x = Tensor.of(new float[] {1, 2}, 1, 2);
    net.forward(x).sum().backward();
    double[] grad = shared.namedParameters().get("weight").grad().toDoubleArray();
    new Sgd(net.namedParameters(), 0.1).step();
    double[] after = shared.namedParameters().get("weight").toDoubleArray();
    double[] once = new double[before.length];
    for (int i = 0; i < once.length; i++) {
      once[i] = (float) (before[i] - (float) 0.1 * (float) grad[i]);
    }
    assertArrayEquals(once, after, 1e-6, "one step of lr 0.1 with the summed gradient");
  }

  @Test
  void anOptimizerRefusesATensorListedTwice() {
    Tensor w = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
    Map<String, Tensor> twice = new LinkedHashMap<>();
    twice.put("a", w);
    twice.put("b", w);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Sgd(twice, 0.1));
    assertEquals("parameters 'a' and 'b' are the same tensor, which would be stepped twice; list "
        + "each parameter once (Module.namedParameters() does)", e.getMessage());
  }
}
