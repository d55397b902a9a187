package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.jgrad.train.Checkpoint;
import dev.jgrad.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What a run does with its --out folder: no earlier run's file is lost or passed off as this
 * run's, and --export-onnx cannot replace the run's own files.
 */
class RunFolderTest {
  @TempDir
  Path dir;

  private static final String[] SMALL = {"--epochs", "1", "--limit", "300"};

  private static String[] args(Path out, String... more) {
    List<String> all = new java.util.ArrayList<>(List.of(SMALL));
    all.addAll(List.of("--out", out.toString()));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static void assertRefusedBeforeTraining(MnistMainTest.Run run, Path out,
      String... fragments) {
    assertEquals(2, run.status(), run.err());
    assertEquals(1, run.err().strip().split("\n").length, "one line: " + run.err());
    for (String f : fragments) {
      assertTrue(run.err().contains(f), f + " in " + run.err());
    }
    assertFalse(Files.exists(out.resolve("metrics.csv")), "nothing trained");
  }

  @Test
  void exportOnnxOntoTheRunsOwnFilesIsRefusedBeforeTraining() throws IOException {
    Path out = dir.resolve("out");
    for (String name : List.of("checkpoint.safetensors", "best.safetensors", "metrics.csv",
        "training.png")) {
      assertRefusedBeforeTraining(MnistMainTest.run(args(out, "--export-onnx",
          out.resolve(name).toString())), out, "--export-onnx", name, "give another file");
    }
    // by real path: through .. and through a symbolic link
    assertRefusedBeforeTraining(MnistMainTest.run(args(out, "--export-onnx",
        out.resolve("../out/checkpoint.safetensors").toString())), out, "--export-onnx");
    Path link = Files.createSymbolicLink(dir.resolve("model.onnx"),
        out.resolve("checkpoint.safetensors"));
    assertRefusedBeforeTraining(MnistMainTest.run(args(out, "--export-onnx", link.toString())),
        out, "--export-onnx " + link);
  }

  @Test
  void exportOnnxBelowAFileIsRefusedBeforeTraining() throws IOException {
    Path out = dir.resolve("out");
    Path file = Files.writeString(dir.resolve("afile"), "x");
    MnistMainTest.Run run = MnistMainTest.run(args(out, "--export-onnx",
        file.resolve("x.onnx").toString()));
    assertEquals(2, run.status(), run.err());
    assertTrue(run.err().startsWith("error: --export-onnx: " + file + " is a file"), run.err());
    assertFalse(Files.exists(out.resolve("metrics.csv")), "nothing trained");
  }

  @Test
  void aNewRunMovesAnEarlierBestAsideAndLogsOnlyWhatItWrote() throws IOException {
    Path out = dir.resolve("out");
    MnistMainTest.Run early = MnistMainTest.run(args(out, "--validation", "50",
        "--early-stopping", "1"));
    assertEquals(0, early.status(), early.err());
    byte[] oldBest = Files.readAllBytes(out.resolve(MnistTraining.BEST_CHECKPOINT_FILE));

    List<String> logged = logged(() -> assertEquals(0, MnistMainTest.run(args(out)).status()));
    String wrote = logged.stream().filter(l -> l.startsWith("wrote ")).findFirst().orElseThrow();
    assertTrue(wrote.startsWith("wrote metrics.csv, training.png, checkpoint.safetensors to "),
        wrote);
    assertFalse(Files.exists(out.resolve(MnistTraining.BEST_CHECKPOINT_FILE)),
        "no earlier run's best model beside the new checkpoint");
    assertArrayEquals(oldBest, Files.readAllBytes(out.resolve("best.safetensors.old")));
    assertTrue(logged.stream().anyMatch(l -> l.startsWith("moved the earlier run's"
        + " best.safetensors to best.safetensors.old")), logged.toString());
  }

  @Test
  void aFinishedRunsCheckpointIsKeptAsOldWhenANewRunStarts() throws IOException {
    Path out = dir.resolve("out");
    assertEquals(0, MnistMainTest.run(args(out)).status());
    Path checkpoint = out.resolve(MnistTraining.CHECKPOINT_FILE);
    byte[] first = Files.readAllBytes(checkpoint);
    MnistMainTest.Run again = MnistMainTest.run(args(out, "--seed", "7"));
    assertEquals(0, again.status(), again.err());
    assertArrayEquals(first, Files.readAllBytes(out.resolve("checkpoint.safetensors.old")));
    assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(checkpoint)), "a new run");
  }

  @Test
  void anUnfinishedRunsCheckpointIsNotReplacedWithoutResumeOrOverwrite() throws IOException {
    Path out = dir.resolve("out");
    // a run stopped after its first of three epochs, as Ctrl-C or a failure stops it
    TrainingListener stop = new TrainingListener() {
      @Override
      public void onEpochStart(int epoch, int epochs, int batches, int samples) {
        if (epoch == 2) {
          throw new IllegalStateException("stopped");
        }
      }
    };
    assertThrows(IllegalStateException.class, () -> MnistTraining.run(MnistOptions.parse(
        "--epochs", "3", "--limit", "300", "--out", out.toString()), stop));
    Path checkpoint = out.resolve(MnistTraining.CHECKPOINT_FILE);
    byte[] stopped = Files.readAllBytes(checkpoint);

    MnistMainTest.Run again = MnistMainTest.run(args(out));
    assertRefusedBeforeTraining(again, dir.resolve("nothing"), "holds the checkpoint of an"
        + " unfinished run (after epoch 1 of 3)", "--resume " + checkpoint, "--overwrite");
    assertArrayEquals(stopped, Files.readAllBytes(checkpoint), "left as it was");

    MnistMainTest.Run resumed = MnistMainTest.run("--epochs", "3", "--limit", "300", "--out",
        out.toString(), "--resume", checkpoint.toString());
    assertEquals(0, resumed.status(), resumed.err());
    assertEquals(3, Checkpoint.load(checkpoint).epoch());
    assertFalse(Files.exists(out.resolve(RunFolder.UNFINISHED_FILE)), "finished now");
  }

  @Test
  void overwriteStartsOverAnUnfinishedRunKeepingItsCheckpointAsOld() throws IOException {
    Path out = dir.resolve("out");
    assertEquals(0, MnistMainTest.run(args(out)).status());
    Files.writeString(out.resolve(RunFolder.UNFINISHED_FILE), "epochs 5\n"); // as if killed
    byte[] before = Files.readAllBytes(out.resolve(MnistTraining.CHECKPOINT_FILE));
    assertEquals(2, MnistMainTest.run(args(out)).status());
    MnistMainTest.Run over = MnistMainTest.run(args(out, "--overwrite"));
    assertEquals(0, over.status(), over.err());
    assertArrayEquals(before, Files.readAllBytes(out.resolve("checkpoint.safetensors.old")));
    assertFalse(Files.exists(out.resolve(RunFolder.UNFINISHED_FILE)));
  }

  /** The messages MnistTraining and RunFolder log while {@code body} runs. */
  private static List<String> logged(Runnable body) {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(MnistTraining.class),
        (Logger) LoggerFactory.getLogger(RunFolder.class));
    loggers.forEach(l -> {
      l.addAppender(appender);
      l.setLevel(Level.INFO); // the tests' configuration may log warnings only
    });
    try {
      body.run();
    } finally {
      loggers.forEach(l -> {
        l.detachAppender(appender);
        l.setLevel(null);
      });
    }
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage)
        .collect(Collectors.toList());
  }
}
