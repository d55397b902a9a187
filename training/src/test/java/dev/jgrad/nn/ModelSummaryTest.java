package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Output shapes and parameter counts per layer, from one forward pass that changes nothing. */
class ModelSummaryTest {
  /** The book's SimpleConvNet on flat 28x28 rows, with BatchNorm and Dropout added. */
  private static Sequential convNet() {
    Random random = new Random(1);
    Map<String, Module> layers = new LinkedHashMap<>();
    layers.put("image", new Unflatten(1, 28, 28));
    layers.put("conv1", new Conv2d(1, 30, 5, 1, 0, random));
    layers.put("bn1", new BatchNorm2d(30));
    layers.put("relu1", new ReLU());
    layers.put("pool1", new MaxPool2d(2, 2, 0));
    layers.put("flatten", new Flatten());
    layers.put("head", new Sequential(new Linear(30 * 12 * 12, 100, random), new ReLU(),
        new Dropout(0.5, 3), new Linear(100, 10, random)));
    return Sequential.named(layers);
  }

  @Test
  void eachLayerHasItsOutputShapeAndParameters() {
    Sequential net = convNet();
    ModelSummary s = ModelSummary.of(net, 784);
    List<String> names = s.rows().stream().map(ModelSummary.Row::name).toList();
    assertEquals(List.of("image", "conv1", "bn1", "relu1", "pool1", "flatten", "head.0",
        "head.1", "head.2", "head.3"), names, "nested Sequential layers get dotted names");
    List<Shape> shapes = s.rows().stream().map(ModelSummary.Row::output).toList();
    assertEquals(List.of(Shape.of(1, 1, 28, 28), Shape.of(1, 30, 24, 24),
        Shape.of(1, 30, 24, 24), Shape.of(1, 30, 24, 24), Shape.of(1, 30, 12, 12),
        Shape.of(1, 4320), Shape.of(1, 100), Shape.of(1, 100), Shape.of(1, 100),
        Shape.of(1, 10)), shapes);
    long[] params = s.rows().stream().mapToLong(ModelSummary.Row::parameters).toArray();
    assertArrayEquals(new long[] {0, 30 * 25 + 30, 60, 0, 0, 0, 4320 * 100 + 100, 0, 0, 1010},
        params);
    assertEquals(net.parameterCount(), s.parameters());
    assertEquals(Shape.of(1, 784), s.input());
  }

  @Test
  void theModelIsLeftAsItWas() {
    Sequential net = convNet();
    BatchNorm2d bn = (BatchNorm2d) net.children().get("bn1");
    float[] mean = bn.runningMean().toFloatArray();
    ModelSummary.of(net, 784);
    assertTrue(net.isTraining(), "still in training mode");
    assertArrayEquals(mean, bn.runningMean().toFloatArray(), "running statistics untouched");
    net.namedParameters().values().forEach(p -> assertNull(p.grad(), "no gradient"));
  }

  @Test
  void theTableListsEveryLayerAndTheTotal() {
    Sequential mlp = new Sequential(new Linear(784, 100, new Random(0)), new ReLU(),
        new Linear(100, 10, new Random(0)));
    assertEquals(String.join("\n",
        "layer  type                output shape  parameters",
        "0      Linear(784 -> 100)  [1, 100]      78,500",
        "1      ReLU                [1, 100]      0",
        "2      Linear(100 -> 10)   [1, 10]       1,010",
        "input [1, 784]; 79,510 parameters (FLOAT32, 318,040 bytes)"),
        ModelSummary.of(mlp, 784).toString());
  }

  @Test
  void aLayerThatRefusesItsInputIsNamed() {
    Sequential net = new Sequential(new Linear(784, 100, new Random(0)), new ReLU(),
        new Linear(50, 10, new Random(0)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelSummary.of(net, 784));
    assertTrue(e.getMessage().startsWith("ModelSummary: layer 2 (Linear(50 -> 10)) refuses its "
        + "input FLOAT32[1, 100]: "), e.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ModelSummary.of(net, 0));
    assertEquals("ModelSummary.of: the sample shape [0] must have at least one dimension, each "
        + ">= 1, e.g. 784 or 1, 28, 28 (the batch dimension is added)", bad.getMessage());
  }
}
