package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ModuleTest {
  /** The book's TwoLayerNet as a custom module, to check nested names. */
  static final class TwoLayerNet extends Module {
    private final Linear fc1;
    private final Linear fc2;

    TwoLayerNet(Random random) {
      fc1 = registerModule("fc1", new Linear(4, 3, Init.he(), random));
      fc2 = registerModule("fc2", new Linear(3, 2, Init.xavier(), random));
    }

    @Override
    public Tensor forward(Tensor x) {
      return fc2.forward(fc1.forward(x).relu());
    }
  }

  @Test
  void parametersAreNamedByPathInRegistrationOrder() {
    TwoLayerNet net = new TwoLayerNet(new Random(1));
    assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
        List.copyOf(net.namedParameters().keySet()));
    assertEquals(4 * 3 + 3 + 3 * 2 + 2, net.parameterCount());
    assertSame(net.fc1.weight(), net.namedParameters().get("fc1.weight"));
    net.namedParameters().values().forEach(p -> assertTrue(p.requiresGrad()));
  }

  @Test
  void sequentialNamesByPositionAndSkipsActivations() {
    Sequential net = Mlp.builder().input(784).hidden(100).output(10).seed(1).build();
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"),
        List.copyOf(net.namedParameters().keySet()));
    assertArrayEquals(new int[] {784, 100}, net.namedParameters().get("0.weight").shape().dims());
    assertArrayEquals(new int[] {10}, net.namedParameters().get("2.bias").shape().dims());
    assertEquals("Sequential(Linear(784 -> 100), ReLU, Linear(100 -> 10))", net.toString());
  }

  @Test
  void nestedSequentialsGiveDottedPaths() {
    Random r = new Random(3);
    Sequential inner = new Sequential(new Linear(2, 2, Init.he(), r), new Tanh());
    Sequential outer = new Sequential(inner, new Linear(2, 1, Init.he(), r));
    assertEquals(List.of("0.0.weight", "0.0.bias", "1.weight", "1.bias"),
        List.copyOf(outer.namedParameters().keySet()));
  }

  @Test
  void linearComputesXTimesWPlusB() {
    Linear fc = new Linear(2, 3, Init.normal(0.01), new Random(0), DType.FLOAT64);
    fc.weight().assign(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
    fc.bias().assign(Tensor.of(new double[] {0.5, -0.5, 1}));
    Tensor y = fc.forward(Tensor.of(new double[] {1, 1, 2, -1}, 2, 2));
    // [1 1] W = [5 7 9]; [2 -1] W = [-2 -1 0]; plus b
    assertArrayEquals(new double[] {5.5, 6.5, 10, -1.5, -1.5, 1}, y.toDoubleArray(), 1e-12);
  }

  @Test
  void linearRejectsAWrongInputNamingTheShapes() {
    Linear fc = new Linear(784, 10, Init.he(), new Random(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fc.forward(Tensor.zeros(5, 28, 28)));
    assertTrue(e.getMessage().contains("[5, 28, 28]") && e.getMessage().contains("784"),
        e.getMessage());
  }

  @Test
  void sameSeedSameNetworkOtherSeedOtherNetwork() {
    float[] a = Mlp.builder().input(20).hidden(8).output(3).seed(7).build()
        .namedParameters().get("2.weight").toFloatArray();
    float[] b = Mlp.builder().input(20).hidden(8).output(3).seed(7).build()
        .namedParameters().get("2.weight").toFloatArray();
    float[] c = Mlp.builder().input(20).hidden(8).output(3).seed(8).build()
        .namedParameters().get("2.weight").toFloatArray();
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
  }

  @Test
  void initializersHaveTheBooksStandardDeviations() {
    assertEquals(0.01, Init.normal(0.01).std(784, 100));
    assertEquals(Math.sqrt(1.0 / 784), Init.xavier().std(784, 100), 1e-15);
    assertEquals(Math.sqrt(2.0 / 784), Init.he().std(784, 100), 1e-15);
    assertEquals(Math.sqrt(2.0 / 884), Init.glorot().std(784, 100), 1e-15);
    double[] w = Init.he().weights(784, 100, DType.FLOAT64, new Random(5)).toDoubleArray();
    double mean = Arrays.stream(w).average().orElseThrow();
    double std = Math.sqrt(Arrays.stream(w).map(v -> (v - mean) * (v - mean)).sum() / w.length);
    assertEquals(Math.sqrt(2.0 / 784), std, 0.02 * Math.sqrt(2.0 / 784));
    assertEquals(0, mean, 0.002);
  }

  @Test
  void biasesStartAtZeroAndWeightsAreLeaves() {
    Linear fc = new Linear(3, 4, Init.he(), new Random(0));
    assertArrayEquals(new float[4], fc.bias().toFloatArray());
    assertTrue(fc.weight().isLeaf());
  }

  @Test
  void mlpUsesTheActivationsRecommendedInitUnlessTold() {
    Sequential relu = Mlp.builder().input(400).hidden(50).output(2).seed(1).build();
    Sequential small = Mlp.builder().input(400).hidden(50).output(2).seed(1)
        .init(Init.normal(0.01)).build();
    double heMax = max(relu.namedParameters().get("0.weight"));
    double smallMax = max(small.namedParameters().get("0.weight"));
    assertTrue(heMax > 0.2 && smallMax < 0.06, heMax + " " + smallMax);
    assertEquals(Sigmoid.class, Mlp.builder().input(3).hidden(2).output(1)
        .activation(Activation.SIGMOID).build().layers().get(1).getClass());
  }

  @Test
  void badNamesAndSizesAreRejectedWithAMessage() {
    assertThrows(IllegalArgumentException.class, () -> new Linear(0, 3, Init.he(), new Random()));
    assertThrows(IllegalStateException.class, () -> Mlp.builder().output(3).build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Activation.parse("softplus"));
    assertTrue(e.getMessage().contains("relu, leaky_relu, sigmoid, tanh"), e.getMessage());
    assertEquals(Activation.LEAKY_RELU, Activation.parse("Leaky-ReLU"));
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> new Module() {
          {
            registerParameter("w", Tensor.zeros(1));
            registerParameter("w", Tensor.zeros(1));
          }

          @Override
          public Tensor forward(Tensor x) {
            return x;
          }
        });
    assertTrue(dup.getMessage().contains("'w' is already registered"), dup.getMessage());
  }

  private static double max(Tensor t) {
    return Arrays.stream(t.toDoubleArray()).map(Math::abs).max().orElseThrow();
  }

  @Test
  void modesStartInTrainingAndPropagateToEverySubModule() {
    Random r = new Random(3);
    Sequential inner = new Sequential(new Linear(2, 2, Init.he(), r), new Tanh());
    Sequential outer = new Sequential(inner, new Linear(2, 1, Init.he(), r));
    assertTrue(outer.isTraining() && inner.isTraining() && inner.layers().get(1).isTraining());
    assertSame(outer, outer.eval());
    assertFalse(outer.isTraining());
    assertFalse(inner.isTraining());
    assertFalse(inner.layers().get(0).isTraining(), "a grandchild stays in training mode");
    assertFalse(outer.layers().get(1).isTraining());
    inner.train();
    assertTrue(inner.layers().get(0).isTraining());
    assertFalse(outer.isTraining(), "train() on a child changed its parent");
    outer.train(true);
    assertTrue(outer.layers().get(1).isTraining());
  }

  @Test
  void aNamedSequentialNamesItsParametersByItsKeysInOrder() {
    Random random = new Random(1);
    java.util.Map<String, Module> layers = new java.util.LinkedHashMap<>();
    layers.put("image", new Unflatten(1, 2, 2));
    layers.put("flat", new Flatten());
    layers.put("fc", new Linear(4, 3, Init.he(), random));
    Sequential net = Sequential.named(layers);
    assertEquals(List.of("fc.weight", "fc.bias"), List.copyOf(net.namedParameters().keySet()));
    assertEquals(List.of("image", "flat", "fc"), net.names());
    assertEquals(List.of(5, 3), Arrays.stream(net.forward(Tensor.zeros(5, 4)).shape().dims())
        .boxed().toList());

    IllegalArgumentException unordered = assertThrows(IllegalArgumentException.class,
        () -> Sequential.named(java.util.Map.of("a", new ReLU(), "b", new ReLU())));
    assertTrue(unordered.getMessage().contains("needs a map with an order"),
        unordered.getMessage());
    IllegalArgumentException counts = assertThrows(IllegalArgumentException.class,
        () -> Sequential.named(List.of("a"), List.of(new ReLU(), new ReLU())));
    assertTrue(counts.getMessage().contains("got 1 names for 2 modules"), counts.getMessage());
    IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
        () -> new Unflatten(1, 2, 2).forward(Tensor.zeros(5, 3)));
    assertEquals("Unflatten[1, 2, 2] needs rows of 4 values ([batch, 4]), got [5, 3]",
        rows.getMessage());
  }

  @Test
  void anEvalScopeHoldsOnItsThreadOnlyNestsAndChangesNoModulesMode() throws Exception {
    Sequential net = new Sequential(new ReLU(), new Dropout(0.5, 1L));
    try (Module.EvalScope outer = Module.evalScope()) {
      try (Module.EvalScope inner = Module.evalScope()) {
        assertFalse(net.layers().get(1).isTraining());
      }
      assertFalse(net.isTraining(), "closing the inner scope ended the outer one");
      assertTrue(Module.inEvalScope());
      FutureTask<Boolean> elsewhere = new FutureTask<>(net::isTraining);
      new Thread(elsewhere).start();
      assertTrue(elsewhere.get(10, TimeUnit.SECONDS), "another thread saw this thread's scope");
    }
    assertTrue(net.isTraining(), "the module's own mode changed");
    assertFalse(Module.inEvalScope());
  }
}
