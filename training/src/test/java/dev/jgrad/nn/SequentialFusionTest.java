package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A Sequential's Linear + activation pairs run fused, with the unfused results and gradients. */
class SequentialFusionTest {
  @ParameterizedTest
  @EnumSource(Activation.class)
  void fusedForwardAndGradientsEqualTheLayersOneByOne(Activation activation) {
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      Sequential net = Mlp.builder().input(6).hidden(8, 5).output(3).activation(activation)
          .dtype(dtype).seed(5).build();
      Random r = new Random(9);
      Tensor x = Tensor.randn(r, dtype, 4, 6);
      Tensor labels = Tensor.indices(new int[] {0, 2, 1, 1});

      Tensor fused = net.forward(x);
      String dot = fused.toDot(); // before backward(), which frees the graph
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
      // every Linear adds its bias in the bias-activation op; the hidden ones fuse their
      // activation into it where it has one to fuse (LeakyReLU and GELU have none)
      Set<String> expected = activation == Activation.LEAKY_RELU
          || activation == Activation.GELU ? Set.of("identity")
          : Set.of("identity", activation.name().toLowerCase(Locale.ROOT));
      assertEquals(expected, fusedActivations(dot), activation + " " + dtype);
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
    assertEquals(Set.of("identity"), fusedActivations(unfusable), unfusable);
    String fused = new Sequential(first, act).forward(x).toDot();
    assertEquals(Set.of(a.attrValue()), fusedActivations(fused), fused);
  }

  @org.junit.jupiter.api.Test
  void reluThenMaxPoolRunsPoolFirstWithTheSameResultsAndGradients() {
    for (int padding : new int[] {0, 1}) {
      Random r = new Random(3);
      Conv2d conv = new Conv2d(2, 3, 3, 1, 1, r);
      MaxPool2d pool = new MaxPool2d(2, 2, padding);
      Sequential net = new Sequential(conv, new ReLU(), pool, new Flatten());
      Tensor x = Tensor.randn(r, 4, 2, 7, 7);
      Tensor labels = Tensor.indices(new int[] {0, 5, 9, 2});

      Tensor reordered = net.forward(x);
      String dot = reordered.toDot();
      Losses.softmaxCrossEntropyLabels(reordered, labels).backward();
      Map<String, double[]> reorderedGrads = convGrads(net);
      net.zeroGrad();
      Tensor asWritten = new Flatten().forward(pool.forward(conv.forward(x).relu()));
      Losses.softmaxCrossEntropyLabels(asWritten, labels).backward();

      assertArrayEquals(asWritten.toDoubleArray(), reordered.toDoubleArray(), "padding " + padding);
      // the same entries get the same gradients (a zero's sign may differ: delta 0)
      convGrads(net).forEach((name, g) -> assertArrayEquals(g, reorderedGrads.get(name), 0.0,
          "padding " + padding + ": gradient of " + name));
      // and the ReLU ran on the pooled values: its output has the pooled shape
      int side = padding == 0 ? 3 : 4;
      Matcher relu = Pattern.compile("op(\\d+) \\[shape=ellipse, label=\"jgrad::relu\"")
          .matcher(dot);
      assertEquals(true, relu.find(), dot);
      Matcher out = Pattern.compile("  t" + relu.group(1) + " \\[shape=box, label=\"([^\"]*)\"")
          .matcher(dot);
      assertEquals(true, out.find(), dot);
      assertEquals(true, out.group(1).contains("[4, 3, " + side + ", " + side + "]"), out.group(1));
    }
  }

  /** The activation attributes of the graph's bias-activation nodes. */
  private static Set<String> fusedActivations(String dot) {
    Set<String> found = new TreeSet<>();
    Matcher m = Pattern.compile("activation=(\\w+)").matcher(dot);
    while (m.find()) {
      found.add(m.group(1));
    }
    assertEquals(!found.isEmpty(), dot.contains(OpNames.BIAS_ACTIVATION), dot);
    return found;
  }

  private static Map<String, double[]> convGrads(Module net) {
    Map<String, double[]> g = new LinkedHashMap<>();
    net.namedParameters().forEach((name, p) -> g.put(name, p.grad().toDoubleArray()));
    assertEquals(List.of("0.weight", "0.bias"), List.copyOf(g.keySet()));
    return g;
  }

  private static Map<String, double[]> grads(Module net) {
    Map<String, double[]> g = new LinkedHashMap<>();
    net.namedParameters().forEach((name, p) -> g.put(name, p.grad().toDoubleArray()));
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
        List.copyOf(g.keySet()));
    return g;
  }
}
