package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.jgrad.autograd.Losses;
import dev.jgrad.data.DataLoader;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Momentum;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A run resumed with {@code bestCheckpointTo} in another folder, its best epoch before the resume
 * (the blobs with shifted held-out labels: epoch 1 is the best, then the loss rises): the best
 * file is taken from the earlier run, or a warning says it cannot be, and no file claims to be the
 * best when it is not.
 */
class ResumedBestTest {
  @TempDir
  Path dir;

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ResumedBest.class);

  @BeforeEach
  void listen() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void stopListening() {
    logger.detachAppender(logged);
  }

  private static Trainer.Builder trainer(int epochs) {
    Sequential net = TrainerTest.net();
    return Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Momentum(net.namedParameters(), 0.05))
        .train(DataLoader.builder(Blobs.make(600, 1)).batchSize(32).seed(11).build())
        .validation(Blobs.shiftedLabels()).epochs(epochs).earlyStopping(3);
  }

  /** Run A: 4 epochs into {@code a}, best epoch 1, its best file where {@code best} says. */
  private Path runA(String best) throws IOException {
    Path a = dir.resolve("a");
    trainer(4).checkpointTo(a.resolve("checkpoint.safetensors")).bestCheckpointTo(a.resolve(best))
        .build().fit();
    assertEquals(1, Checkpoint.load(a.resolve(best)).epoch());
    return a.resolve("checkpoint.safetensors");
  }

  private List<String> warnings() {
    return logged.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void theBestFileBesideTheResumedCheckpointIsCopiedIntoTheNewFolder() throws IOException {
    Path checkpoint = runA("best.safetensors");
    Path best = dir.resolve("b/best.safetensors");
    Trainer b = trainer(8).checkpointTo(dir.resolve("b/checkpoint.safetensors"))
        .bestCheckpointTo(best).build().resumeFrom(checkpoint);
    assertEquals(-1, Files.mismatch(checkpoint.resolveSibling("best.safetensors"), best),
        "copied at resume, byte for byte");
    assertEquals(4, b.fit().size(), "stopped at once: epoch 1 stays the best");
    assertEquals(1, Checkpoint.load(best).epoch());
    assertEquals(List.of(), warnings());
  }

  /** Not beside it, nor of the new file's name: the checkpoint says where it is. */
  @Test
  void theBestFileTheCheckpointNamesIsFoundWhereverItIs() throws IOException {
    Path checkpoint = runA("models/lowest-loss.safetensors");
    Path best = dir.resolve("b/best.safetensors");
    trainer(8).bestCheckpointTo(best).build().resumeFrom(checkpoint);
    assertEquals(-1, Files.mismatch(dir.resolve("a/models/lowest-loss.safetensors"), best));
  }

  @Test
  void aCheckpointWhoseLastEpochWasTheBestIsItsOwnBestFile() throws IOException {
    Path a = dir.resolve("a/checkpoint.safetensors");
    trainer(1).checkpointTo(a).build().fit(); // no best file at all: epoch 1 is the last
    Path best = dir.resolve("b/best.safetensors");
    trainer(8).bestCheckpointTo(best).build().resumeFrom(a);
    assertEquals(1, Checkpoint.load(best).epoch());
    assertEquals(List.of(), warnings());
  }

  @Test
  void noBestFileToBeFoundIsOneWarningAndAStaleOneIsDeleted() throws IOException {
    Path alone = dir.resolve("alone/checkpoint.safetensors");
    Files.createDirectories(alone.getParent());
    Files.copy(runA("best.safetensors"), alone);
    Path best = dir.resolve("b/best.safetensors");
    Files.createDirectories(best.getParent());
    // a file of another epoch, as a run killed between the best save and the checkpoint's leaves
    Files.copy(alone, best, StandardCopyOption.REPLACE_EXISTING);
    Trainer b = trainer(8).bestCheckpointTo(best).build().resumeFrom(alone);
    assertFalse(Files.exists(best), "epoch 4's model does not claim to be epoch 1's");
    List<String> warnings = warnings();
    assertEquals(1, warnings.size(), warnings.toString());
    String w = warnings.get(0);
    assertTrue(w.startsWith("resumed from " + alone + ": the best epoch's model (epoch 1) is in "
        + "none of [" + best + ", "), w);
    assertTrue(w.endsWith("; to keep epoch 1's model, copy the earlier run's best checkpoint to "
        + best + " and resume again"), w);
    assertTrue(w.contains("deleted " + best + ": it held another model"), w);
    b.fit();
    assertFalse(Files.exists(best), "no later epoch beat epoch 1");
  }

  /** Another run's file of the same epoch number is not the best of this one. */
  @Test
  void aBestFileOfTheSameEpochFromAnotherRunIsNotTaken() throws IOException {
    Path checkpoint = runA("best.safetensors");
    Path other = dir.resolve("other");
    Sequential net = TrainerTest.net();
    Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Momentum(net.namedParameters(), 0.2))
        .train(DataLoader.builder(Blobs.make(600, 1)).batchSize(32).seed(11).build())
        .validation(Blobs.shiftedLabels()).epochs(1)
        .bestCheckpointTo(other.resolve("best.safetensors")).build().fit();
    Files.copy(other.resolve("best.safetensors"), checkpoint.resolveSibling("best.safetensors"),
        StandardCopyOption.REPLACE_EXISTING);
    Path best = dir.resolve("b/best.safetensors");
    trainer(8).bestCheckpointTo(best).build().resumeFrom(checkpoint);
    assertFalse(Files.exists(best));
    assertEquals(1, warnings().size(), warnings().toString());
  }
}
