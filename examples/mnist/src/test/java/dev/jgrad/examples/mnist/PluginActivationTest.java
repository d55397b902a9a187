package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.OpActivation;
import dev.jgrad.nn.Sequential;
import dev.jgrad.train.Checkpoint;
import dev.jgrad.train.Model;
import dev.jgrad.train.report.MetricsHistory;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

/** --activation accepts a plugin op when its jar is on the classpath (here: the Swish example). */
class PluginActivationTest {
  @TempDir
  Path dir;

  @Test
  void swishFromThePluginJarTrainsTheMlp() throws Exception {
    MnistOptions o = MnistOptions.parse("--activation", "swish", "--epochs", "1", "--limit",
        "1000", "--out", dir.toString());
    assertEquals("swish::swish", ((OpActivation) o.activation()).op());
    MetricsHistory h = MnistTraining.run(o, null).history();
    assertTrue(h.last().testAccuracy() > 0.6, "accuracy " + h.last().testAccuracy());

    // the checkpoint names the plugin's op, so Model.load rebuilds the MLP where the jar is
    Path checkpoint = dir.resolve(MnistTraining.CHECKPOINT_FILE);
    Sequential loaded = (Sequential) Model.load(checkpoint);
    assertEquals("swish::swish", ((OpActivation.Layer) loaded.layers().get(1)).op());
    Tensor x = Tensor.randn(new Random(1), 2, 784);
    Sequential saved = Mlp.builder().input(784).hidden(100).output(10)
        .activation(o.activation()).build();
    Checkpoint.load(checkpoint).restoreModel(saved);
    assertArrayEquals(saved.eval().forward(x).toFloatArray(), loaded.forward(x).toFloatArray());
  }

  @Test
  void anActivationWhosePluginIsMissingIsAClearError() {
    ParameterException e = assertThrows(ParameterException.class,
        () -> MnistOptions.parse("--activation", "softplus"));
    assertTrue(e.getMessage().contains("unknown activation 'softplus'"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown op 'softplus::softplus'"), e.getMessage());
    assertTrue(e.getMessage().contains("on the class path"), e.getMessage());
  }
}
