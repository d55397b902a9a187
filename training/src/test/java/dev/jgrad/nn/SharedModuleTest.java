package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.optim.OptimizerState;
import dev.jgrad.optim.Sgd;
import dev.jgrad.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layer used twice shares its parameters: listed under both names (a checkpoint stores both),
 * counted once, and stepped once by an optimizer (PyTorch's behaviour), not once per name.
 */
class SharedModuleTest {
  @TempDir
  Path dir;

  private static Sequential shared() {
    Linear layer = new Linear(2, 2, Init.he(), new Random(1));
    return new Sequential(layer, new ReLU(), layer);
  }

  @Test
  void aLayerUsedTwiceIsListedTwiceCountedOnceAndSteppedOnce() {
    Sequential net = shared();
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"),
        List.copyOf(net.namedParameters().keySet()));
    assertEquals(6, net.parameterCount());
    Tensor w = net.namedParameters().get("0.weight");
    double[] before = w.toDoubleArray();
    net.forward(Tensor.of(new float[] {1, 2}, 1, 2)).sum().backward();
    double[] grad = w.grad().toDoubleArray();
    new Sgd(net.namedParameters(), 0.1).step();
    double[] once = new double[before.length];
    for (int i = 0; i < once.length; i++) {
      once[i] = (float) before[i] - (float) 0.1 * (float) grad[i];
    }
    assertArrayEquals(once, w.toDoubleArray(), 1e-6, "one step of lr 0.1 with the summed gradient");
  }

  @Test
  void aLayerUsedTwiceIsOneModuleUnderItsFirstPath() {
    Linear layer = new Linear(2, 2, Init.he(), new Random(1));
    ReLU relu = new ReLU();
    Sequential inner = new Sequential(layer, relu);
    Sequential net = new Sequential(inner, layer, new Sequential(relu));
    Map<String, Module> modules = net.namedModules();
    assertEquals(List.of("", "0", "0.0", "0.1", "2"), List.copyOf(modules.keySet()));
    assertSame(net, modules.get(""));
    assertSame(layer, modules.get("0.0"));
    assertSame(relu, modules.get("0.1"));
  }

  @Test
  void aSharedLayersCheckpointRoundTrips() throws IOException {
    Sequential net = shared();
    Sgd sgd = new Sgd(net.namedParameters(), 0.1, 0.9, 0);
    net.forward(Tensor.of(new float[] {1, 2}, 1, 2)).sum().backward();
    sgd.step();
    Path file = dir.resolve("c.safetensors");
    Checkpoint.save(file, net, sgd, 1, Map.of());
    Sequential fresh = shared();
    Sgd freshSgd = new Sgd(fresh.namedParameters(), 0.1, 0.9, 0);
    Checkpoint c = Checkpoint.load(file);
    c.restoreModel(fresh);
    c.restoreOptimizer(freshSgd);
    assertArrayEquals(net.namedParameters().get("0.weight").toDoubleArray(),
        fresh.namedParameters().get("2.weight").toDoubleArray());
    assertEquals(new java.util.TreeSet<>(List.of("v.0.weight", "v.0.bias")),
        new java.util.TreeSet<>(freshSgd.state().tensors().keySet()), "one slot per tensor");
  }

  @Test
  void aSavedStateWithASlotPerNameStillLoads() {
    Sequential net = shared();
    Sgd sgd = new Sgd(net.namedParameters(), 0.1, 0.9, 0);
    Map<String, Tensor> slots = new LinkedHashMap<>();
    for (String name : net.namedParameters().keySet()) { // as stepping per name once saved it
      slots.put("v." + name, Tensor.zeros(net.namedParameters().get(name).shape().dims())
          .add(name.startsWith("0.") ? 1 : 2));
    }
    sgd.loadState(new OptimizerState("sgd", slots, Map.of()));
    assertArrayEquals(new double[] {1, 1, 1, 1}, sgd.state().tensors().get("v.0.weight")
        .toDoubleArray(), "the first name's slot; the alias's is ignored");
  }
}
