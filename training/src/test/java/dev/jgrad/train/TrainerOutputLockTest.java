package dev.jgrad.train;

import static dev.jgrad.train.TrainerTest.net;
import static dev.jgrad.train.TrainerTest.trainer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.io.OutputLock;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A trainer holds the lock of each directory it writes, so two runs cannot overwrite each other. */
@Timeout(120)
class TrainerOutputLockTest {
  @TempDir
  Path dir;

  @Test
  void aSecondTrainerOnTheSameDirectoryFailsAtOnceNamingTheFirst() throws IOException {
    List<Exception> secondFailed = new ArrayList<>();
    Trainer first = trainer(net(), 2).reportTo(dir, "first")
        .listener(new TrainingListener() {
          @Override
          public void onEpochEnd(EpochMetrics m, MetricsHistory history) {
            if (m.epoch() == 1) { // the first is running: a second starts on the same directory
              Trainer second = trainer(net(), 1).checkpointTo(dir.resolve("ckpt.safetensors"))
                  .build();
              secondFailed.add(assertThrows(OutputLock.InUseException.class, second::fit));
            }
          }
        }).build();
    first.fit();
    assertEquals(1, secondFailed.size());
    String message = secondFailed.get(0).getMessage();
    assertTrue(message.startsWith(dir.toAbsolutePath() + " is in use by another jgrad run (pid "
        + ProcessHandle.current().pid() + ", since "), message);
    assertTrue(Files.notExists(dir.resolve("ckpt.safetensors")), "the second wrote nothing");
    assertEquals(3, Files.readAllLines(dir.resolve(Trainer.CSV_FILE)).size(), "header, 2 epochs");

    trainer(net(), 1).checkpointTo(dir.resolve("ckpt.safetensors")).build().fit(); // released
  }

  @Test
  void theCheckpointsDirectoryIsLockedToo() throws IOException {
    Path ckptDir = dir.resolve("checkpoints");
    Trainer t = trainer(net(), 1).reportTo(dir.resolve("report"), "t")
        .checkpointTo(ckptDir.resolve("ckpt.safetensors")).build();
    try (OutputLock other = OutputLock.acquire(ckptDir)) {
      OutputLock.InUseException e = assertThrows(OutputLock.InUseException.class, t::fit);
      assertEquals(ckptDir.toAbsolutePath(), e.dir());
    }
    // the report directory, locked before the failure, was released with it
    try (OutputLock again = OutputLock.acquire(dir.resolve("report"))) {
      assertEquals(dir.resolve("report"), again.dir());
    }
  }

  @Test
  void theLocksAreReleasedWhenTrainingThrows() throws IOException {
    Trainer t = trainer(net(), 3).reportTo(dir, "t").listener(new TrainingListener() {
      @Override
      public void onEpochEnd(EpochMetrics m, MetricsHistory history) {
        throw new IllegalStateException("stop early");
      }
    }).build();
    assertThrows(IllegalStateException.class, t::fit);
    try (OutputLock again = OutputLock.acquire(dir)) {
      assertEquals(dir, again.dir());
    }
  }

  @Test
  void aLockTheCallerHoldsIsUsedNotTakenTwiceAndStaysHeld() throws IOException {
    try (OutputLock held = OutputLock.acquire(dir)) {
      trainer(net(), 1).reportTo(dir, "t").checkpointTo(dir.resolve("ckpt.safetensors"))
          .outputLock(held).build().fit();
      assertTrue(Files.exists(dir.resolve("ckpt.safetensors")));
      assertThrows(OutputLock.InUseException.class, () -> OutputLock.acquire(dir).close(),
          "the caller's lock is still held after fit");
    }
  }
}
