package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Adam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed while it writes a checkpoint never leaves a broken one: a child JVM rewrites a
 * checkpoint (about 2 MB, model and Adam state) in a loop and is killed (SIGKILL) at a random
 * moment, several times; after each kill the file must load and restore completely, as the
 * previous or the new checkpoint.
 */
class KillDuringCheckpointTest {
  /** The child: saves a checkpoint of the same model again and again, epoch after epoch. */
  public static final class Writer {
    public static void main(String[] args) throws Exception {
      Path file = Path.of(args[0]);
      Sequential model = Mlp.builder().input(784).hidden(300).output(10).seed(1).build();
      Adam adam = new Adam(model.namedParameters(), 0.001);
      for (int epoch = 1; ; epoch++) {
        Checkpoint.save(file, model, adam, epoch, Map.of());
      }
    }
  }

  @TempDir
  Path dir;

  @Test
  void aKillDuringCheckpointingLeavesALoadableCheckpoint() throws Exception {
    Path file = dir.resolve("checkpoint.safetensors");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Random random = new Random(7);
    int lastEpoch = 0;
    for (int kill = 0; kill < 5; kill++) {
      Process child = new ProcessBuilder(java.toString(), "-cp",
          System.getProperty("java.class.path"), Writer.class.getName(), file.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // Wait for this child's first checkpoint, then kill it at a random moment of its loop.
        while (epochOf(file) <= 0 && child.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        Thread.sleep(20 + random.nextInt(200));
      } finally {
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the writer was killed");
      }
      Checkpoint c = Checkpoint.load(file); // fails if the kill left a torn file
      Sequential model = Mlp.builder().input(784).hidden(300).output(10).seed(2).build();
      c.restoreModel(model);
      c.restoreOptimizer(new Adam(model.namedParameters(), 0.001));
      assertTrue(c.epoch() >= 1, "kill " + kill + ": epoch " + c.epoch());
      lastEpoch = c.epoch();
    }
    assertTrue(lastEpoch >= 1);
    try (var files = Files.list(dir)) {
      assertEquals(1, files.filter(p -> !p.getFileName().toString().endsWith(".tmp")).count(),
          "only the checkpoint itself (and perhaps a killed run's temporary file) is left");
    }
  }

  /** The saved epoch, or 0 while there is no loadable file yet. */
  private static int epochOf(Path file) {
    try {
      return Files.exists(file) ? Checkpoint.load(file).epoch() : 0;
    } catch (Exception e) {
      return 0;
    }
  }
}
