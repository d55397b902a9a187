package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ops.BiasActivationOps;
import dev.jgrad.autograd.ops.BiasActivationOps.FusedActivation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A Sequential's Linear + activation pairs run fused, with the unfused results and gradients. */
class SequentialFusionTest {
  @ParameterizedTest
  @EnumSource(Activation.class)
  void fusedForwardAndGradientsEqualTheLayersOneByOne(Activation activation) {
    for (DType dtype : DType.values()) {
      Sequential net = Mlp.builder().input(6).hidden(8, 5).output(3).activation(activation)
          .dtype(dtype).seed(5).build();
      Random r = new Random(9);
      Tensor x = Tensor.randn(r, dtype, 4, 6);
      Tensor labels = Tensor.indices(new int[] {0, 2, 1, 1}, dtype);

      Tensor fused = net.forward(x);
      Losses.softmaxCrossEntropyLabels(fused, labels).backward();
      Map<String, double[]> fusedGrads = grads(net);
      net.zeroGrad();

      Tensor unfused = x;
      for (Module layer : net.layers()) {
        unfused = layer.forward(unfused);
      }
      Losses.softmaxCrossEntropyLabels(unfused, labels).backward();
      Map<String, double[]> unfusedGrads = grads(net);

      // The CPU's fused kernel does the unfused arithmetic, so the results are identical.
      assertArrayEquals(unfused.toDoubleArray(), fused.toDoubleArray(), activation + " " + dtype);
      assertEquals(unfusedGrads.keySet(), fusedGrads.keySet());
      unfusedGrads.forEach((name, g) -> assertArrayEquals(g, fusedGrads.get(name),
          activation + " " + dtype + " gradient of " + name));
      boolean fusable = activation != Activation.LEAKY_RELU;
      assertEquals(fusable, fused.toDot().contains(BiasActivationOps.BIAS_ACTIVATION),
          activation + " fused: " + fusable);
    }
  }

  @ParameterizedTest
  @EnumSource(value = FusedActivation.class, names = {"RELU", "SIGMOID", "TANH"})
  void onlyALinearFollowedByAnActivationFuses(FusedActivation a) {
    Random r = new Random(1);
    Linear first = new Linear(3, 4, Init.he(), r);
    Module act = switch (a) {
      case RELU -> new ReLU();
      case SIGMOID -> new Sigmoid();
      default -> new Tanh();
    };
    Tensor x = Tensor.randn(r, 2, 3);
    // activation first, then Linear with nothing after it: nothing to fuse
    String unfusable = new Sequential(act, new Linear(3, 2, Init.he(), r)).forward(x).toDot();
    assertFalse(unfusable.contains(BiasActivationOps.BIAS_ACTIVATION), unfusable);
    String fused = new Sequential(first, act).forward(x).toDot();
    assertTrue(fused.contains("activation=" + a.attrValue()), fused);
  }

  private static Map<String, double[]> grads(Module net) {
    Map<String, double[]> g = new LinkedHashMap<>();
    net.namedParameters().forEach((name, p) -> g.put(name, p.grad().toDoubleArray()));
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
        List.copyOf(g.keySet()));
    return g;
  }
}
