package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jgrad.io.MnistDataset;
import dev.jgrad.io.OutputLock;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.SafeTensorsFile;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.train.Checkpoint;
import dev.jgrad.train.report.MetricsHistory;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job end to end, on small runs. */
class MnistMainTest {
  @TempDir
  Path dir;

  /** Exit status, standard output and standard error of one run of the command line. */
  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = MnistMain.run(args, o, e);
    }
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void oneShortEpochOnTheEmbeddedSubsetBeatsChanceAndWritesItsFiles() throws Exception {
    Path out = dir.resolve("out");
    MetricsHistory h = MnistTraining.run(MnistOptions.parse("--epochs", "1", "--limit", "1000",
        "--out", out.toString()), null).history();
    assertEquals(1, h.size());
    assertTrue(h.last().testAccuracy() > 0.6, "test accuracy " + h.last().testAccuracy()
        + " after one epoch on 1,000 images; chance is 0.1");
    assertTrue(Files.readString(out.resolve("metrics.csv")).startsWith("epoch,train_loss"));
    assertTrue(Files.size(out.resolve("training.png")) > 1000);
    SafeTensorsFile ckpt = SafeTensors.read(out.resolve(MnistTraining.CHECKPOINT_FILE));
    assertEquals(Arrays.asList(784, 100), Arrays.asList(
        ckpt.get("0.weight").shape().dim(0), ckpt.get("0.weight").shape().dim(1)));
  }

  @Test
  void theCnnLearnsFromAShortRunAndCheckpointsPyTorchLayouts() throws Exception {
    Path out = dir.resolve("cnn");
    MetricsHistory h = MnistTraining.run(MnistOptions.parse("--model", "cnn", "--epochs", "1",
        "--limit", "2000", "--out", out.toString()), null).history();
    assertEquals(1, h.size());
    assertTrue(h.last().testAccuracy() > 0.7, "test accuracy " + h.last().testAccuracy()
        + " after one epoch on 2,000 images; chance is 0.1");
    SafeTensorsFile ckpt = SafeTensors.read(out.resolve(MnistTraining.CHECKPOINT_FILE));
    assertShape(ckpt, "conv.weight", 30, 1, 5, 5);
    assertShape(ckpt, "conv.bias", 30);
    assertShape(ckpt, "fc1.weight", 4320, 100);
  }

  @Test
  void theDeepNetLearnsFromAShortRunAndCheckpointsItsLayers() throws Exception {
    Path out = dir.resolve("deep");
    MetricsHistory h = MnistTraining.run(MnistOptions.parse("--model", "deep", "--epochs", "2",
        "--limit", "2000", "--out", out.toString()), null).history();
    assertEquals(2, h.size());
    assertTrue(h.last().testAccuracy() > 0.4, "test accuracy " + h.last().testAccuracy()
        + " after 2 epochs on 2,000 images (54% seen; dropout slows the start); chance is 0.1");
    assertTrue(h.last().trainLoss() < h.epochs().get(0).trainLoss(), "train loss falls");
    SafeTensorsFile ckpt = SafeTensors.read(out.resolve(MnistTraining.CHECKPOINT_FILE));
    assertShape(ckpt, "conv1.weight", 16, 1, 3, 3);
    assertShape(ckpt, "conv6.weight", 64, 64, 3, 3);
    assertShape(ckpt, "conv6.bias", 64);
    assertShape(ckpt, "fc1.weight", 1024, 50); // 64 maps of 4x4: 28 -> 14 -> 16 (pad 2) -> 8 -> 4
    assertShape(ckpt, "fc2.bias", 10);
  }

  private static void assertShape(SafeTensorsFile ckpt, String name, int... dims) {
    assertArrayEquals(dims, ckpt.get(name).shape().dims(), name + " " + ckpt.get(name).shape());
  }

  @Test
  void commandLinePrintsBackendAndMetricsAndResumes() throws IOException {
    Path out = dir.resolve("out");
    Run first = run("--epochs", "1", "--limit", "500", "--out", out.toString());
    assertEquals(0, first.status(), first.err());
    assertTrue(first.out().contains("backend: cpu"), first.out());
    assertTrue(first.out().contains("final test accuracy:"), first.out());
    assertTrue(first.out().contains("epoch 1/1"), "progress is shown: " + first.out());

    Path ckpt = out.resolve(MnistTraining.CHECKPOINT_FILE);
    Run resumed = run("--epochs", "2", "--limit", "500", "--out", out.toString(),
        "--resume", ckpt.toString());
    assertEquals(0, resumed.status(), resumed.err());
    assertTrue(resumed.out().contains("after 2 epochs"), resumed.out());
    assertEquals(2, Checkpoint.load(ckpt).epoch());
    assertEquals(3, Files.readAllLines(out.resolve("metrics.csv")).size(), "header and 2 epochs");

    Run mismatch = run("--epochs", "3", "--hidden", "50", "--out", dir.resolve("o2").toString(),
        "--resume", ckpt.toString());
    assertEquals(1, mismatch.status());
    assertTrue(mismatch.err().contains("'0.weight'") && mismatch.err().contains("[784, 100]")
        && mismatch.err().contains("[784, 50]"), mismatch.err());
  }

  @Test
  void twoRunsWithTheSameSeedWriteByteIdenticalCheckpoints() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    assertEquals(0, run("--epochs", "2", "--limit", "500", "--out", a.toString()).status());
    // the second run shares the cores with a busy thread: other timings, the same bytes
    AtomicBoolean stop = new AtomicBoolean();
    Thread busy = new Thread(() -> {
      while (!stop.get()) {
        Thread.onSpinWait();
      }
    });
    busy.start();
    try {
      assertEquals(0, run("--epochs", "2", "--limit", "500", "--out", b.toString()).status());
    } finally {
      stop.set(true);
      busy.join();
    }
    assertArrayEquals(Files.readAllBytes(a.resolve(MnistTraining.CHECKPOINT_FILE)),
        Files.readAllBytes(b.resolve(MnistTraining.CHECKPOINT_FILE)));
  }

  @Test
  void helpAndBadArguments() {
    Run help = run("--help");
    assertEquals(0, help.status());
    for (String expected : new String[] {"--epochs=N", "--data, --dataset=NAME|DIR",
        "fashion-mnist", "--weight-decay=L", "--version", "Exit codes:", "sgd, momentum, adagrad,"
        + " rmsprop, adam, adamw", "2   a bad command line"}) {
      assertTrue(help.out().contains(expected), expected + " in " + help.out());
    }
    assertEquals("", help.err());

    Run bad = run("--epochs", "many");
    assertEquals(2, bad.status());
    assertEquals("error: invalid value for option '--epochs': 'many' is not a positive whole"
        + " number" + NL + "Usage: java -jar examples/mnist/target/jgrad-mnist.jar [OPTIONS];"
        + " --help lists the options and exit codes" + NL, bad.err());
    assertEquals("", bad.out());

    Run typo = run("--optimiser=adam");
    assertEquals(2, typo.status());
    assertTrue(typo.err().startsWith("error: unknown option: '--optimiser=adam'; did you mean"
        + " --optimizer?"), typo.err());
    Run positional = run("epochs");
    assertTrue(positional.err().startsWith("error: unmatched argument at index 0: 'epochs'"
        + " (options start with --)"), positional.err());

    Run version = run("--version");
    assertEquals(0, version.status());
    assertTrue(version.out().startsWith("jgrad-mnist "), version.out());
  }

  @Test
  void aDirectoryOfIdxFilesIsADataSetNamedAfterItInTheTitleAndOutput() throws Exception {
    Path data = dir.resolve("my-digits");
    SyntheticMnist.write(data, 300, 100, 5, true);
    Path out = dir.resolve("out");
    Run run = run("--dataset", data.toString(), "--epochs", "1", "--out", out.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().startsWith("jgrad my-digits: "), run.out());
    assertTrue(run.out().contains("dataset " + data), run.out());

    MnistOptions o = MnistOptions.parse("--dataset", data.toString(), "--weight-decay", "0.001");
    Module net = Mlp.builder().input(784).hidden(100).output(10).seed(1).build();
    assertTrue(MnistTraining.title(o, net).startsWith("my-digits MLP 784-100-10 relu, sgd lr 0.5"
        + " weight decay 0.001, batch 100"), MnistTraining.title(o, net));
    assertTrue(MnistTraining.title(MnistOptions.parse(), net).startsWith("MNIST MLP"));
    assertTrue(MnistTraining.title(MnistOptions.parse("--dataset", "FASHION-mnist"), net)
        .startsWith("Fashion-MNIST MLP"));
  }

  @Test
  void fashionMnistIsReadFromItsPackageDirectoryAndAMissingOneSaysWhatToInstall()
      throws Exception {
    assertEquals(DataSource.FASHION_DIR, DataSource.parse("fashion-mnist").dir(),
        "Debian's dataset-fashion-mnist");
    Path missing = dir.resolve("absent");
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> DataSource.fashionMnist(missing).load());
    assertEquals("--dataset fashion-mnist: " + missing + " does not exist; install it with"
        + " 'apt-get install dataset-fashion-mnist' (Debian, Ubuntu) or pass --dataset DIR with the"
        + " four Fashion-MNIST IDX files", e.getMessage());

    Path installed = dir.resolve("fashion");
    SyntheticMnist.write(installed, 200, 50, 3, true); // the package's layout: four .gz files
    MnistDataset data = DataSource.fashionMnist(installed).load();
    assertEquals(200, data.train().size());
    assertEquals(50, data.test().size());
  }

  @Test
  void trainsOnAFullSizeDatasetInTheStandardLayout() throws Exception {
    Path data = dir.resolve("synthetic");
    SyntheticMnist.write(data, 60_000, 1_000, 5, false); // raw files, the other test has .gz
    Path out = dir.resolve("out");
    MetricsHistory h = MnistTraining.run(MnistOptions.parse("--data", data.toString(), "--epochs",
        "1", "--out", out.toString()), null).history();
    assertTrue(h.last().testAccuracy() > 0.9, "accuracy " + h.last().testAccuracy());
    assertTrue(h.last().trainLoss() < 1.0, "loss " + h.last().trainLoss());
  }

  @Test
  void missingOrCorruptFilesAreNamed() throws IOException {
    Path data = dir.resolve("synthetic");
    SyntheticMnist.write(data, 100, 50, 5, true);
    Files.delete(data.resolve("t10k-labels-idx1-ubyte.gz"));
    Run missing = run("--data", data.toString(), "--epochs", "1", "--out", dir.toString());
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("t10k-labels-idx1-ubyte"), missing.err());

    SyntheticMnist.write(data, 100, 50, 5, true);
    Path images = data.resolve("train-images-idx3-ubyte.gz");
    byte[] bytes = Files.readAllBytes(images);
    Files.write(images, Arrays.copyOf(bytes, bytes.length / 2));
    Run corrupt = run("--data", data.toString(), "--epochs", "1", "--out", dir.toString());
    assertEquals(1, corrupt.status());
    assertTrue(corrupt.err().contains("train-images-idx3-ubyte.gz"), corrupt.err());

    Run noDir = run("--data", dir.resolve("nowhere").toString(), "--out", dir.toString());
    assertEquals(1, noDir.status());
    assertTrue(noDir.err().contains("nowhere: not a directory"), noDir.err());

    Run noCheckpoint = run("--resume", dir.resolve("none.safetensors").toString(), "--out",
        dir.toString());
    assertEquals(1, noCheckpoint.status());
    assertTrue(noCheckpoint.err().startsWith("error: " + dir.resolve("none.safetensors")
        + ": no such file; check the path, or train and save a model first"), noCheckpoint.err());
  }

  @Test
  void aSecondRunOnTheSameOutFailsAtOnceNamingTheFirst() throws IOException {
    Path out = dir.resolve("out");
    try (OutputLock first = OutputLock.acquire(out)) {
      Run second = run("--epochs", "1", "--limit", "100", "--out", out.toString());
      assertEquals(1, second.status(), second.err());
      assertOneLine(second.err());
      assertTrue(second.err().startsWith("error: " + out + " is in use by another jgrad run (pid "
          + ProcessHandle.current().pid() + ", since "), second.err());
      assertTrue(second.err().endsWith("; wait for it or choose another --out" + NL),
          second.err());
      assertFalse(second.out().contains("epoch 1/1"), "no training: " + second.out());
      assertFalse(Files.exists(out.resolve("metrics.csv")));
    }
    Run after = run("--epochs", "1", "--limit", "100", "--out", out.toString());
    assertEquals(0, after.status(), after.err());
  }

  @Test
  void anUnusableOutFailsBeforeTraining() throws IOException {
    Path file = dir.resolve("taken");
    Files.writeString(file, "x");
    Run isFile = run("--epochs", "1", "--limit", "100", "--out", file.toString());
    assertEquals(1, isFile.status());
    assertEquals("error: --out: " + file + " is not a directory; choose another output"
        + " directory" + NL, isFile.err());
    assertFalse(isFile.out().contains("epoch 1/1"), "no training: " + isFile.out());
  }

  @Test
  void aReadOnlyOutFailsBeforeTraining() throws IOException {
    Path readOnly = dir.resolve("read-only");
    Files.createDirectory(readOnly);
    assertTrue(readOnly.toFile().setWritable(false, false));
    try {
      assumeFalse(Files.isWritable(readOnly), "root writes anywhere; nothing to check");
      Run denied = run("--epochs", "1", "--limit", "100", "--out", readOnly.toString());
      assertEquals(1, denied.status());
      assertOneLine(denied.err());
      assertTrue(denied.err().startsWith("error: --out: cannot write in output directory "
          + readOnly), denied.err());
    } finally {
      readOnly.toFile().setWritable(true, false);
    }
  }

  @Test
  void aLayerTooLargeForATensorIsAMessage() {
    Run huge = run("--hidden", "3000000", "--epochs", "1", "--limit", "100", "--out",
        dir.toString());
    assertEquals(1, huge.status());
    assertOneLine(huge.err());
    assertTrue(huge.err().startsWith("error: a layer of 784 x 3000000 has 2352000000 weights"),
        huge.err());
  }

  @Test
  void resumingFromADirectoryOrAPipeIsAMessageNotAHang() throws Exception {
    Run fromDir = run("--resume", dir.toString(), "--epochs", "1", "--limit", "100", "--out",
        dir.resolve("out").toString());
    assertEquals(1, fromDir.status());
    assertEquals("error: cannot read " + dir + ": it is a directory; pass a .safetensors file in"
        + " it" + NL, fromDir.err());

    Path fifo = dir.resolve("checkpoint.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Run fromFifo = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run("--resume",
        fifo.toString(), "--epochs", "1", "--limit", "100", "--out",
        dir.resolve("out").toString()));
    assertEquals(1, fromFifo.status());
    assertOneLine(fromFifo.err());
    assertTrue(fromFifo.err().contains(fifo + ": it is not a regular file"), fromFifo.err());
  }

  @Test
  void aRunDeletesTheTemporaryFilesKilledRunsLeftInOut() throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Path stale = out.resolve("." + MnistTraining.CHECKPOINT_FILE + ".5e1f00d2c3b4a596.tmp");
    Files.write(stale, new byte[1000]);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(3600)));
    Path unrelated = out.resolve("notes.tmp");
    Files.writeString(unrelated, "mine");

    Run run = run("--epochs", "1", "--limit", "100", "--out", out.toString());
    assertEquals(0, run.status(), run.err());
    assertFalse(Files.exists(stale), "the killed run's temporary checkpoint is gone");
    assertTrue(Files.exists(unrelated));
  }

  private static final String NL = System.lineSeparator();

  private static void assertOneLine(String err) {
    assertEquals(1, err.lines().count(), "one line: " + err);
  }

  /** Runs out of heap in a child JVM of 64 MiB: one line and exit 1, no stack trace. */
  @Test
  void runningOutOfMemoryIsAMessageNotAStackTrace() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp",
        System.getProperty("java.class.path"), MnistMain.class.getName(), "--hidden", "200000",
        "--epochs", "1", "--out", dir.resolve("oom").toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(1, p.waitFor(), output);
    assertTrue(output.contains("error: out of memory"), output);
    assertTrue(output.contains("-Xmx"), output);
    assertFalse(output.contains("\tat "), "no stack trace: " + output);
  }

  /** A batch's tensor the heap has no room for: the backend's message, the op, the options. */
  @Test
  void aTensorTooLargeForTheHeapNamesTheOpAndTheOptions() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xmx200m", "-cp",
        System.getProperty("java.class.path"), MnistMain.class.getName(), "--batch", "8000",
        "--hidden", "12000", "--epochs", "1", "--out", dir.resolve("oom-batch").toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(1, p.waitFor(), output);
    // the weights fit, the first layer's output (366 MiB) cannot, whatever the collector
    assertTrue(output.contains("error: jgrad::matmul on cpu, inputs [FLOAT32[8000, 784], FLOAT32"
        + "[784, 12000]], output FLOAT32[8000, 12000]: out of memory on the cpu backend allocating "
        + "FLOAT32[96000000] (366.2 MiB): the Java heap holds at most "), output);
    assertTrue(output.contains("-Xmx") && output.contains("here: a smaller --hidden, --batch or "
        + "--limit"), output);
    assertFalse(output.contains("\tat "), "no stack trace: " + output);
  }
}
