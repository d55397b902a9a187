package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ModuleTypes;
import dev.jgrad.nn.Sequential;
import dev.jgrad.train.Checkpoint;
import dev.jgrad.train.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example networks rebuild from their checkpoints without this module's classes. */
class ConvNetModelTest {
  @TempDir
  Path dir;

  private void roundTrip(Sequential net) throws IOException {
    Tensor x = Tensor.randn(new Random(3), 4, 784);
    net.forward(x); // a training-mode pass (dropout draws a mask) before saving
    net.eval();
    Path file = dir.resolve("net.safetensors");
    Checkpoint.save(file, net, null, 1, Map.of());
    Module loaded = Model.load(file, ModuleTypes.discover());
    assertEquals(net.namedParameters().keySet(), loaded.namedParameters().keySet());
    assertArrayEquals(net.forward(x).toFloatArray(), loaded.forward(x).toFloatArray());
  }

  @Test
  void simpleConvNetRoundTripsKeepingItsParameterNames() throws IOException {
    Sequential net = SimpleConvNet.create(28, 28, 20, 10, 42);
    assertEquals(List.of("conv.weight", "conv.bias", "fc1.weight", "fc1.bias", "fc2.weight",
        "fc2.bias"), List.copyOf(net.namedParameters().keySet()));
    roundTrip(net);
  }

  @Test
  void deepConvNetRoundTripsInEvalMode() throws IOException {
    Sequential net = DeepConvNet.create(28, 28, 50, 10, 42);
    assertEquals("conv1.weight", net.namedParameters().keySet().iterator().next());
    roundTrip(net);
  }

  @Test
  void theMainJobsCnnCheckpointCarriesItsDescription() throws IOException {
    Path out = dir.resolve("out");
    MnistMainTest.Run run = MnistMainTest.run("--model", "cnn", "--epochs", "1", "--limit", "200",
        "--hidden", "10", "--out", out.toString());
    assertEquals(0, run.status(), run.err());
    Path file = out.resolve(MnistTraining.CHECKPOINT_FILE);
    String description = SafeTensors.read(file).metadata().get(Model.DESCRIPTION_KEY);
    assertTrue(description.contains("{\"type\":\"Unflatten\",\"shape\":[1,28,28]}"), description);
    Module net = Model.load(file);
    assertEquals(List.of(1, 10), List.of(net.forward(Tensor.zeros(1, 784)).shape().dim(0),
        net.forward(Tensor.zeros(1, 784)).shape().dim(1)));
  }
}
