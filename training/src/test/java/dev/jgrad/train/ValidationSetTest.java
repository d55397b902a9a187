package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Losses;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Momentum;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.HeldOut;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A validation split is evaluated as a test set is, and called what it is in every output. */
class ValidationSetTest {
  private static final List<Dataset> PARTS = Blobs.make(500, 1).randomSplit(5, 400, 100);

  @TempDir
  Path dir;

  private static Trainer.Builder trainer(Sequential net, int epochs) {
    return Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Momentum(net.namedParameters(), 0.05))
        .train(DataLoader.builder(PARTS.get(0)).batchSize(32).seed(11).build()).epochs(epochs);
  }

  @Test
  void theSplitIsMeasuredAsATestSetAndNamedValidation() throws IOException {
    MetricsHistory asTest = trainer(TrainerTest.net(), 3).test(PARTS.get(1)).build().fit();
    MetricsHistory asValidation = trainer(TrainerTest.net(), 3).validation(PARTS.get(1))
        .reportTo(dir, "blobs").build().fit();
    assertEquals(HeldOut.TEST, asTest.heldOut());
    assertEquals(HeldOut.VALIDATION, asValidation.heldOut());
    // the same numbers, bit for bit: only their name differs
    assertEquals(asTest.epochs().stream().map(EpochMetrics::testLoss).toList(),
        asValidation.epochs().stream().map(EpochMetrics::testLoss).toList());
    assertTrue(asValidation.last().testAccuracy() > 0.9, "it learns the blobs");

    List<String> csv = Files.readAllLines(dir.resolve(Trainer.CSV_FILE));
    assertEquals("epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,learning_rate",
        csv.get(0));
    assertEquals(4, csv.size());
    EpochMetrics m = asValidation.last();
    String line = EpochLogger.format(m, 3, asValidation.heldOut());
    assertTrue(line.contains("  val loss ") && !line.contains("test"), line);
    assertTrue(EpochLogger.format(m, 3).contains("  test loss "), EpochLogger.format(m, 3));
  }

  @Test
  void aResumedRunKeepsCallingItValidation() throws IOException {
    Path checkpoint = dir.resolve("c.safetensors");
    trainer(TrainerTest.net(), 2).validation(PARTS.get(1)).checkpointTo(checkpoint).build().fit();
    Trainer resumed = trainer(TrainerTest.net(), 3).validation(PARTS.get(1))
        .csvTo(dir.resolve("m.csv")).build().resumeFrom(checkpoint);
    MetricsHistory h = resumed.fit();
    assertEquals(HeldOut.VALIDATION, h.heldOut());
    assertEquals(3, h.size());
    assertTrue(Files.readString(dir.resolve("m.csv")).startsWith(
        "epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,learning_rate\n1,"));
  }

  @Test
  void aCheckpointResumesWithTheKindOfSetItWasMeasuredOn() throws IOException {
    Path checkpoint = dir.resolve("t.safetensors");
    trainer(TrainerTest.net(), 1).test(PARTS.get(1)).checkpointTo(checkpoint).build().fit();
    Trainer validating = trainer(TrainerTest.net(), 2).validation(PARTS.get(1)).build();
    assertEquals(checkpoint + " measured its epochs on a test set; resume it with test(...) too, "
        + "not validation(...), so that its history stays one set's",
        assertThrows(IllegalArgumentException.class, () -> validating.resumeFrom(checkpoint))
            .getMessage());
    Path v = dir.resolve("v.safetensors");
    trainer(TrainerTest.net(), 1).validation(PARTS.get(1)).checkpointTo(v).build().fit();
    Trainer testing = trainer(TrainerTest.net(), 2).test(PARTS.get(1)).build();
    assertThrows(IllegalArgumentException.class, () -> testing.resumeFrom(v));
    assertEquals(2, trainer(TrainerTest.net(), 2).test(PARTS.get(1)).build()
        .resumeFrom(checkpoint).fit().size());
  }

  @Test
  void aRefusedResumeLeavesTheModelAsItWas() throws IOException {
    Path checkpoint = dir.resolve("t.safetensors");
    trainer(TrainerTest.net(), 1).test(PARTS.get(1)).checkpointTo(checkpoint).build().fit();
    Sequential net = TrainerTest.net();
    float[] before = net.parameters().get(0).toFloatArray();
    Trainer validating = trainer(net, 2).validation(PARTS.get(1)).build();
    assertThrows(IllegalArgumentException.class, () -> validating.resumeFrom(checkpoint));
    assertArrayEquals(before, net.parameters().get(0).toFloatArray());
  }

  @Test
  void aHistoryThatMeasuredNothingResumesWithEitherSet() throws IOException {
    Path checkpoint = dir.resolve("n.safetensors");
    trainer(TrainerTest.net(), 1).checkpointTo(checkpoint).build().fit();
    MetricsHistory h = trainer(TrainerTest.net(), 2).validation(PARTS.get(1)).build()
        .resumeFrom(checkpoint).fit();
    assertEquals(HeldOut.VALIDATION, h.heldOut());
    assertTrue(Double.isNaN(h.epochs().get(0).testLoss()) && h.last().testLoss() > 0);
  }

  @Test
  void anotherSplitIsRefusedAndTheSameOneResumes() throws IOException {
    Path checkpoint = dir.resolve("s.safetensors");
    trainer(TrainerTest.net(), 1).validation(PARTS.get(1)).checkpointTo(checkpoint).build()
        .fit();
    Dataset other = Blobs.make(500, 1).randomSplit(6, 400, 100).get(1); // another seed
    Trainer resplit = trainer(TrainerTest.net(), 2).validation(other).build();
    assertEquals(checkpoint + " measured its epochs on other validation samples than this "
        + "run's (other data, or another split); resume it with the same validation set",
        assertThrows(HeldOutMismatchException.class, () -> resplit.resumeFrom(checkpoint))
            .getMessage());
    Dataset same = Blobs.make(500, 1).randomSplit(5, 400, 100).get(1); // made anew, same samples
    assertEquals(same.fingerprint(), PARTS.get(1).fingerprint());
    assertEquals(2, trainer(TrainerTest.net(), 2).validation(same).build()
        .resumeFrom(checkpoint).fit().size());
  }

  @Test
  void theHeldOutSetIsGivenOnce() {
    Trainer.Builder b = trainer(TrainerTest.net(), 1).validation(PARTS.get(1));
    assertEquals("validation(...) was given; give the held-out set once, as test(...) or "
        + "validation(...)", assertThrows(IllegalStateException.class,
            () -> b.test(PARTS.get(1))).getMessage());
    Trainer.Builder c = trainer(TrainerTest.net(), 1).test(PARTS.get(1));
    assertEquals("test(...) was given; give the held-out set once, as test(...) or "
        + "validation(...)", assertThrows(IllegalStateException.class,
            () -> c.validation(PARTS.get(1))).getMessage());
  }
}
