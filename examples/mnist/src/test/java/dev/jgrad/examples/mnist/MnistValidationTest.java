package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Losses;
import dev.jgrad.data.Dataset;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.nn.Module;
import dev.jgrad.train.Evaluation;
import dev.jgrad.train.Evaluator;
import dev.jgrad.train.Model;
import dev.jgrad.train.report.HeldOut;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job's --validation and --early-stopping: tuned on a split, tested once. */
class MnistValidationTest {
  /** 300 images and a high rate: the validation loss turns up within a few epochs. */
  private static final String[] STOPPING_RUN = {"--epochs", "40", "--limit", "400",
      "--validation", "100", "--early-stopping", "2", "--lr", "1.0"};
  @TempDir
  Path dir;

  private static Evaluation onTheTestSet(Path checkpoint) throws IOException {
    Module model = Model.load(checkpoint);
    Dataset test = Dataset.ofImages(MnistFiles.loadResources(MnistTraining.EMBEDDED).test());
    return Evaluator.evaluate(model, test, Losses::softmaxCrossEntropyLabels, 1000);
  }

  @Test
  void epochsAreMeasuredOnTheSplitAndTheTestSetOnceAtTheEnd() throws IOException {
    Path out = dir.resolve("v");
    MnistResult r = MnistTraining.run(MnistOptions.parse("--epochs", "2", "--limit", "2000",
        "--validation", "500", "--out", out.toString()), null);
    assertEquals(HeldOut.VALIDATION, r.history().heldOut());
    assertEquals(2, r.testedEpoch());
    assertTrue(Files.readString(out.resolve("metrics.csv"))
        .startsWith("epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,learning_rate\n"));
    // the test figures are the saved model's on the 2,000 test images, not the split's
    Evaluation test = onTheTestSet(out.resolve(MnistTraining.CHECKPOINT_FILE));
    assertEquals(test.accuracy(), r.testAccuracy());
    assertEquals(test.loss(), r.testLoss());
    assertNotEquals(r.history().last().testLoss(), r.testLoss());
    assertTrue(r.testAccuracy() > 0.8, "accuracy " + r.testAccuracy());
    assertTrue(Files.notExists(out.resolve(MnistTraining.BEST_CHECKPOINT_FILE)));
  }

  @Test
  void earlyStoppingTestsTheBestEpochsModel() throws IOException {
    // 300 images and a high rate: the validation loss turns up within a few epochs
    Path out = dir.resolve("e");
    MnistMainTest.Run run = MnistMainTest.run("--epochs", "40", "--limit", "400",
        "--validation", "100", "--early-stopping", "2", "--lr", "1.0", "--out", out.toString());
    assertEquals(0, run.status(), run.err());
    String last = run.out().lines().filter(l -> l.startsWith("final test accuracy"))
        .findFirst().orElseThrow();
    assertTrue(last.matches("final test accuracy: \\d+\\.\\d\\d% after \\d+ epochs \\(epoch \\d+"
        + "'s model, the best by validation loss, validation accuracy \\d+\\.\\d\\d%\\)"), last);
    int stopped = Integer.parseInt(last.replaceAll(".* after (\\d+) epochs.*", "$1"));
    int best = Integer.parseInt(last.replaceAll(".*\\(epoch (\\d+)'s model.*", "$1"));
    assertTrue(stopped < 40 && best == stopped - 2, last);
    Evaluation test = onTheTestSet(out.resolve(MnistTraining.BEST_CHECKPOINT_FILE));
    assertTrue(last.startsWith(String.format(java.util.Locale.ROOT,
        "final test accuracy: %.2f%%", 100 * test.accuracy())), last + " vs " + test);
  }

  @Test
  void aResumedStoppedRunTestsTheBestModelItFindsAndSaysWhenItFindsNone() throws IOException {
    String[] run = STOPPING_RUN;
    Path first = dir.resolve("first");
    String stopped = finalLine(MnistMainTest.run(concat(run, "--out", first.toString())));
    // into a new folder: the best model is copied from beside the checkpoint resumed from
    Path again = dir.resolve("again");
    String resumed = finalLine(MnistMainTest.run(concat(run, "--out", again.toString(),
        "--resume", first.resolve(MnistTraining.CHECKPOINT_FILE).toString())));
    assertEquals(stopped, resumed);
    assertTrue(resumed.contains("'s model, the best by validation loss"), resumed);
    assertEquals(-1, Files.mismatch(first.resolve(MnistTraining.BEST_CHECKPOINT_FILE),
        again.resolve(MnistTraining.BEST_CHECKPOINT_FILE)));
    // from a checkpoint alone: the last epoch's model, and the line says so
    Path lone = dir.resolve("lone");
    Files.createDirectories(lone);
    Files.copy(first.resolve(MnistTraining.CHECKPOINT_FILE),
        lone.resolve(MnistTraining.CHECKPOINT_FILE));
    String last = finalLine(MnistMainTest.run(concat(run, "--out", dir.resolve("l").toString(),
        "--resume", lone.resolve(MnistTraining.CHECKPOINT_FILE).toString())));
    assertTrue(last.matches(".*\\(the last epoch's model, the best one's \\(epoch \\d+\\) not "
        + "found, validation accuracy .*"), last);
  }

  @Test
  void aCheckpointResumesWithOrWithoutValidationAsItWasTrained() {
    Path plain = dir.resolve("plain");
    assertEquals(0, MnistMainTest.run("--epochs", "1", "--limit", "500", "--out",
        plain.toString()).status());
    MnistMainTest.Run mixed = MnistMainTest.run("--epochs", "2", "--limit", "500",
        "--validation", "100", "--out", dir.resolve("m").toString(), "--resume",
        plain.resolve(MnistTraining.CHECKPOINT_FILE).toString());
    assertEquals(1, mixed.status());
    assertEquals("error: --resume " + plain.resolve(MnistTraining.CHECKPOINT_FILE) + " was "
        + "trained without --validation; resume it without --validation as well\n", mixed.err());
  }

  @Test
  void aBestFileOfAnotherEpochIsNotTakenForTheBest() throws IOException {
    String[] run = STOPPING_RUN;
    Path out = dir.resolve("stale");
    String stopped = finalLine(MnistMainTest.run(concat(run, "--out", out.toString())));
    // as if the run had died after the checkpoint's save and before the best one's
    Files.copy(out.resolve(MnistTraining.CHECKPOINT_FILE),
        out.resolve(MnistTraining.BEST_CHECKPOINT_FILE), StandardCopyOption.REPLACE_EXISTING);
    String resumed = finalLine(MnistMainTest.run(concat(run, "--out", out.toString(), "--resume",
        out.resolve(MnistTraining.CHECKPOINT_FILE).toString())));
    assertTrue(stopped.contains("the best by validation loss"), stopped);
    assertTrue(resumed.contains("(the last epoch's model, the best one's (epoch "), resumed);
  }

  @Test
  void anotherSplitOnResumeIsRefusedInTheCommandLinesWords() {
    Path first = dir.resolve("split");
    assertEquals(0, MnistMainTest.run("--epochs", "1", "--limit", "400", "--validation", "100",
        "--out", first.toString()).status());
    MnistMainTest.Run other = MnistMainTest.run("--epochs", "2", "--limit", "400",
        "--validation", "100", "--seed", "7", "--out", dir.resolve("o").toString(), "--resume",
        first.resolve(MnistTraining.CHECKPOINT_FILE).toString());
    assertEquals(1, other.status());
    assertEquals("error: --resume " + first.resolve(MnistTraining.CHECKPOINT_FILE) + " was "
        + "measured on other validation images than this run's; give the --dataset, --limit, "
        + "--validation and --seed of the run that wrote it\n", other.err());
  }

  @Test
  void noFiniteValidationLossIsSaidSo() {
    MnistMainTest.Run run = MnistMainTest.run("--epochs", "1", "--limit", "400",
        "--validation", "100", "--early-stopping", "2", "--lr", "1e9", "--out",
        dir.resolve("nan").toString());
    String last = finalLine(run);
    assertTrue(last.contains("(the last epoch's model: no epoch had a finite validation loss"),
        last);
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static String finalLine(MnistMainTest.Run run) {
    assertEquals(0, run.status(), run.err());
    return run.out().lines().filter(l -> l.startsWith("final test accuracy")).findFirst()
        .orElseThrow();
  }

  @Test
  void badCombinationsAreRefusedInOneLine() {
    MnistMainTest.Run noSplit = MnistMainTest.run("--early-stopping", "3",
        "--out", dir.resolve("a").toString());
    assertEquals(2, noSplit.status());
    assertTrue(noSplit.err().startsWith("error: --early-stopping 3 watches the validation loss; "
        + "give --validation N too, e.g. --validation 1000\n"), noSplit.err());
    MnistMainTest.Run all = MnistMainTest.run("--limit", "1000", "--validation", "1000",
        "--out", dir.resolve("b").toString());
    assertEquals(2, all.status(), "a bad command line, as README says");
    assertEquals("error: --validation 1000 would hold out all 1000 training images; give at most"
        + " 999\n", all.err());
    MnistMainTest.Run batch = MnistMainTest.run("--limit", "1000", "--validation", "950",
        "--out", dir.resolve("c").toString());
    assertEquals(2, batch.status(), "a bad command line, as README says");
    assertEquals("error: --batch 100 is larger than the 50 training images left after "
        + "--validation 950; use --batch 50 or less\n", batch.err());
  }
}
