package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.train.Checkpoint;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C or SIGTERM during training says where the checkpoint is and how to resume. */
class InterruptNoticeTest {
  @TempDir
  Path dir;

  @Test
  void theLineNamesTheEpochAndTheCheckpoint() {
    Path ckpt = Path.of("out", "checkpoint.safetensors");
    InterruptNotice notice = new InterruptNotice(ckpt, new PrintStream(new ByteArrayOutputStream()));
    assertNull(notice.line(), "nothing before training");
    notice.onEpochStart(1, 5, 10, 1000);
    assertEquals("interrupted during epoch 1; no epoch was finished, so there is no checkpoint"
        + " to resume from", notice.line());
    InterruptNotice resumed = new InterruptNotice(ckpt, new PrintStream(new ByteArrayOutputStream()));
    resumed.onEpochStart(4, 5, 10, 1000); // resumed after epoch 3
    assertEquals("interrupted during epoch 4; the checkpoint after epoch 3 is in " + ckpt
        + "; resume with --resume " + ckpt, resumed.line());
  }

  /** A child JVM sent SIGTERM in its second epoch prints the line; its checkpoint resumes. */
  @Test
  void sigtermMidEpochPrintsWhereTheCheckpointIs() throws Exception {
    Path out = dir.resolve("out");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        MnistMain.class.getName(), "--epochs", "200", "--batch", "10", "--out", out.toString())
        .redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      int c;
      while ((c = r.read()) != -1) {
        output.append((char) c);
        if (output.indexOf("epoch 2/200") >= 0 && output.indexOf("TERM sent") < 0) {
          p.toHandle().destroy(); // SIGTERM (Process.destroy would close our end too)
          output.append("TERM sent");
        }
      }
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), output.toString());
    Path ckpt = out.resolve(MnistTraining.CHECKPOINT_FILE);
    assertTrue(output.toString().contains("interrupted during epoch 2; the checkpoint after epoch"
        + " 1 is in " + ckpt + "; resume with --resume " + ckpt), output.toString());
    assertEquals(1, Checkpoint.load(ckpt).epoch());
  }
}
