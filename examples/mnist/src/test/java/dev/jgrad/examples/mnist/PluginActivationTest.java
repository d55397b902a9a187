package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.nn.OpActivation;
import dev.jgrad.train.report.MetricsHistory;
import java.nio.file.Path;
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
    MetricsHistory h = MnistTraining.run(o, null);
    assertTrue(h.last().testAccuracy() > 0.6, "accuracy " + h.last().testAccuracy());
  }

  @Test
  void anActivationWhosePluginIsMissingIsAClearError() {
    ParameterException e = assertThrows(ParameterException.class,
        () -> MnistOptions.parse("--activation", "gelu"));
    assertTrue(e.getMessage().contains("unknown activation 'gelu'"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown op 'gelu::gelu'"), e.getMessage());
    assertTrue(e.getMessage().contains("on the classpath"), e.getMessage());
  }
}
