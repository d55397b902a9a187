package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.autograd.TestBackends;
import dev.jgrad.data.Batch;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.io.OutputLock;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Momentum;
import dev.jgrad.optim.Sgd;
import dev.jgrad.train.report.CsvReport;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  private static final Dataset TRAIN = Blobs.make(600, 1);
  private static final Dataset TEST = Blobs.make(300, 2);

  @TempDir
  Path dir;

  static Sequential net() {
    return Mlp.builder().input(2).hidden(16).output(3).seed(3).build();
  }

  static Trainer.Builder trainer(Sequential net, int epochs) {
    return Trainer.builder()
        .model(net)
        .loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Momentum(net.namedParameters(), 0.05))
        .train(DataLoader.builder(TRAIN).batchSize(32).seed(11).build())
        .test(TEST)
        .epochs(epochs);
  }

  @Test
  void learnsTheBlobsAndReportsEveryEpoch() throws IOException {
    List<String> events = new ArrayList<>();
    TrainingListener recorder = new TrainingListener() {
      @Override
      public void onEpochStart(int epoch, int epochs, int batches, int samples) {
        events.add("start " + epoch + "/" + epochs + " " + batches + " " + samples);
      }

      @Override
      public void onBatchEnd(int epoch, int batch, int batches, int size, double loss) {
        if (batch == batches) {
          events.add("last batch " + batch + " of " + size);
        }
      }

      @Override
      public void onEpochEnd(EpochMetrics m, MetricsHistory history) {
        events.add("end " + m.epoch() + " " + history.size());
      }

      @Override
      public void onTrainingEnd(MetricsHistory history) {
        events.add("done " + history.size());
      }
    };
    MetricsHistory h = trainer(net(), 4).listener(recorder).reportTo(dir, "blobs").build().fit();
    assertEquals(List.of("start 1/4 19 600", "last batch 19 of 24", "end 1 1",
        "start 2/4 19 600", "last batch 19 of 24", "end 2 2",
        "start 3/4 19 600", "last batch 19 of 24", "end 3 3",
        "start 4/4 19 600", "last batch 19 of 24", "end 4 4", "done 4"), events);
    EpochMetrics last = h.last();
    assertTrue(last.testAccuracy() > 0.95, "test accuracy " + last.testAccuracy());
    assertTrue(last.trainAccuracy() > 0.95, "train accuracy " + last.trainAccuracy());
    assertTrue(h.epochs().get(0).trainLoss() > last.trainLoss(), "loss falls");
    assertTrue(last.testLoss() < 0.3, "test loss " + last.testLoss());

    String csv = Files.readString(dir.resolve(Trainer.CSV_FILE));
    assertEquals(CsvReport.toCsv(h), csv);
    assertEquals(5, csv.lines().count());
    byte[] png = Files.readAllBytes(dir.resolve(Trainer.CHART_FILE));
    assertEquals((byte) 0x89, png[0]);
    assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Test
  void aMissingFontLibraryCostsOnlyTheChart() throws IOException {
    assertOnlyTheChartIsLost((file, history, title) -> {
      throw new UnsatisfiedLinkError("libfreetype.so.6: cannot open shared object file");
    });
  }

  @Test
  void anAwtErrorCostsOnlyTheChart() throws IOException {
    assertOnlyTheChartIsLost((file, history, title) -> {
      throw new java.awt.AWTError("no fonts");
    });
  }

  private void assertOnlyTheChartIsLost(Trainer.ChartWriter failing) throws IOException {
    Path ckpt = dir.resolve("ckpt.safetensors");
    List<String> ended = new ArrayList<>();
    MetricsHistory h = trainer(net(), 2).reportTo(dir, "blobs").checkpointTo(ckpt)
        .chartWriter(failing)
        .listener(new TrainingListener() {
          @Override
          public void onTrainingEnd(MetricsHistory history) {
            ended.add("done " + history.size());
          }
        })
        .build().fit();
    assertEquals(2, h.size());
    assertEquals(List.of("done 2"), ended);
    assertEquals(CsvReport.toCsv(h), Files.readString(dir.resolve(Trainer.CSV_FILE)));
    assertEquals(2, Checkpoint.load(ckpt).epoch());
    assertFalse(Files.exists(dir.resolve(Trainer.CHART_FILE)));
  }

  @Test
  void failuresThatAreNotTheRuntimesStillEndTheRun() {
    Trainer full = trainer(net(), 1).reportTo(dir, "blobs")
        .chartWriter((file, history, title) -> {
          throw new IOException("No space left on device");
        })
        .build();
    IOException e = assertThrows(IOException.class, full::fit);
    assertEquals("No space left on device", e.getMessage());
    assertTrue(Files.exists(dir.resolve(Trainer.CSV_FILE)), "the metrics are written first");

    Trainer deep = trainer(net(), 1).reportTo(dir, "blobs")
        .chartWriter((file, history, title) -> {
          throw new StackOverflowError();
        })
        .build();
    assertThrows(StackOverflowError.class, deep::fit);
  }

  @Test
  void withoutTheChartTheCsvAndTheCheckpointAreWritten() throws IOException {
    Path csv = dir.resolve(Trainer.CSV_FILE);
    Path ckpt = dir.resolve("ckpt.safetensors");
    MetricsHistory h = trainer(net(), 2).csvTo(csv).checkpointTo(ckpt).build().fit();
    assertEquals(CsvReport.toCsv(h), Files.readString(csv));
    assertEquals(2, Checkpoint.load(ckpt).epoch());
    try (var files = Files.list(dir)) {
      assertEquals(Set.of(csv, ckpt, dir.resolve(OutputLock.FILE_NAME)),
          files.collect(Collectors.toSet()), "no chart (the lock file stays, see OutputLock)");
    }
  }

  @Test
  void anOutputOfYoursReplacesTheCsvAndHearsEveryEpoch() throws IOException {
    List<String> written = new ArrayList<>();
    TrainingListener myCsv = new TrainingListener() {
      @Override
      public void onEpochEnd(EpochMetrics m, MetricsHistory history) {
        written.add("epoch " + m.epoch() + ", " + history.size() + " rows");
      }

      @Override
      public void onTrainingEnd(MetricsHistory history) {
        written.add("end, " + history.size() + " rows");
      }
    };
    Path ckpt = dir.resolve("ckpt.safetensors");
    trainer(net(), 3).output(myCsv).chartTo(dir.resolve(Trainer.CHART_FILE), "blobs")
        .checkpointTo(ckpt).build().fit();
    assertEquals(List.of("epoch 1, 1 rows", "epoch 2, 2 rows", "epoch 3, 3 rows", "end, 3 rows"),
        written);
    assertFalse(Files.exists(dir.resolve(Trainer.CSV_FILE)));
    assertTrue(Files.size(dir.resolve(Trainer.CHART_FILE)) > 1000);
    assertEquals(3, Checkpoint.load(ckpt).epoch());
  }

  @Test
  void aListenerThatThrowsLosesNoOutputOfItsEpoch() throws IOException {
    List<Integer> mine = new ArrayList<>();
    Path ckpt = dir.resolve("ckpt.safetensors");
    Trainer t = trainer(net(), 3)
        .listener(new TrainingListener() { // added first, yet heard after the outputs
          @Override
          public void onEpochEnd(EpochMetrics m, MetricsHistory history) {
            if (m.epoch() == 2) {
              throw new IllegalStateException("stop early");
            }
          }
        })
        .output(new TrainingListener() {
          @Override
          public void onEpochEnd(EpochMetrics m, MetricsHistory history) {
            mine.add(m.epoch());
          }
        })
        .reportTo(dir, "blobs").checkpointTo(ckpt).build();
    assertThrows(IllegalStateException.class, t::fit);
    assertEquals(List.of(1, 2), mine);
    assertEquals(3, Files.readAllLines(dir.resolve(Trainer.CSV_FILE)).size(), "header, 2 epochs");
    assertEquals(2, Checkpoint.load(ckpt).epoch());
  }

  @Test
  void theCheckpointOutputWritesWhatTheTrainerAlwaysWrote() throws IOException {
    Sequential net = net();
    Momentum optimizer = new Momentum(net.namedParameters(), 0.05);
    Path built = dir.resolve("built.safetensors");
    Path added = dir.resolve("added.safetensors");
    MetricsHistory h = trainer(net, 2).optimizer(optimizer).checkpointTo(built)
        .output(new CheckpointListener(added, net, optimizer)).build().fit();
    // the save the trainer made itself before its outputs were listeners, less the wall times;
    // the trainer's own also names its test set's samples (a listener added by hand cannot)
    Path direct = dir.resolve("direct.safetensors");
    Checkpoint.save(direct, net, optimizer, 2,
        Map.of("history", HistoryMetadata.encode(h)));
    assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(added));
    Path withTestSet = dir.resolve("with-test-set.safetensors");
    Checkpoint.save(withTestSet, net, optimizer, 2, Map.of("history", HistoryMetadata.encode(h),
        HistoryMetadata.HELD_OUT_KEY, TEST.fingerprint()));
    assertArrayEquals(Files.readAllBytes(withTestSet), Files.readAllBytes(built));
  }

  @Test
  void aRunResumedAfterItsLastEpochStillWritesItsReport() throws IOException {
    Path ckpt = dir.resolve("ckpt.safetensors");
    MetricsHistory h = trainer(net(), 2).checkpointTo(ckpt).build().fit();
    Path out = dir.resolve("report");
    Trainer resumed = trainer(net(), 2).reportTo(out, "blobs").build().resumeFrom(ckpt);
    assertEquals(2, resumed.fit().size());
    // The checkpoint keeps no wall times nor rates: the resumed epochs' seconds and learning
    // rates are empty, the rest is equal.
    assertEquals(CsvReport.toCsv(h).replaceAll(",[0-9.]+,[0-9.]+\n", ",,\n"),
        Files.readString(out.resolve(Trainer.CSV_FILE)));
    assertTrue(Files.size(out.resolve(Trainer.CHART_FILE)) > 1000);
  }

  @Test
  void aRunResumedAfterItsLastEpochIntoAnotherFileSavesTheStateItResumed() throws IOException {
    Path ckpt = dir.resolve("ckpt.safetensors");
    trainer(net(), 2).checkpointTo(ckpt).build().fit();
    Path elsewhere = dir.resolve("elsewhere.safetensors");
    trainer(net(), 2).checkpointTo(elsewhere).build().resumeFrom(ckpt).fit();
    // the same state, epoch and history: byte for byte the checkpoint resumed from
    assertArrayEquals(Files.readAllBytes(ckpt), Files.readAllBytes(elsewhere));
  }

  @Test
  void theSameSeedWritesAByteIdenticalCheckpoint() throws IOException {
    Path a = dir.resolve("a.safetensors");
    Path b = dir.resolve("b.safetensors");
    MetricsHistory h = trainer(net(), 2).checkpointTo(a).build().fit();
    trainer(net(), 2).checkpointTo(b).build().fit();
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    // ... not because the two runs took the same time: the timings are not in it.
    assertTrue(h.epochs().stream().allMatch(m -> m.seconds() >= 0));
    Checkpoint.load(a).metadata().get(HistoryMetadata.KEY).lines().skip(1)
        .forEach(line -> assertTrue(line.endsWith(","), line));
  }

  @Test
  void evaluationMatchesTheLastEpochsTestMetrics() throws IOException {
    Sequential net = net();
    EpochMetrics last = trainer(net, 2).build().fit().last();
    Evaluation e = Evaluator.evaluate(net, TEST, Losses::softmaxCrossEntropyLabels, 64);
    assertEquals(last.testAccuracy(), e.accuracy(), 1e-12);
    assertEquals(last.testLoss(), e.loss(), 1e-5);
    assertEquals(300, e.samples());
  }

  @Test
  void resumingFromACheckpointContinuesExactly() throws IOException {
    Sequential straight = net();
    MetricsHistory full = trainer(straight, 4).build().fit();

    Path ckpt = dir.resolve("ckpt.safetensors");
    Sequential first = net();
    trainer(first, 2).checkpointTo(ckpt).build().fit();

    Sequential resumed = Mlp.builder().input(2).hidden(16).output(3).seed(99).build();
    Trainer second = trainer(resumed, 4).checkpointTo(ckpt).build().resumeFrom(ckpt);
    assertEquals(2, second.completedEpochs());
    MetricsHistory continued = second.fit();

    assertEquals(4, continued.size());
    assertEquals(full.last().testAccuracy(), continued.last().testAccuracy(), 1e-12);
    assertEquals(full.last().trainLoss(), continued.last().trainLoss(), 1e-9);
    assertEquals(full.epochs().get(0).trainLoss(), continued.epochs().get(0).trainLoss(), 1e-6);
    straight.namedParameters().forEach((name, p) -> assertArrayEquals(p.toFloatArray(),
        resumed.namedParameters().get(name).toFloatArray(), name));
    assertEquals(4, Checkpoint.load(ckpt).epoch());
  }

  @Test
  void epochMetricsAreExactlyThoseOfReadingEveryBatch() throws IOException {
    MetricsHistory h = trainer(net(), 3).build().fit();
    // The loop the trainer ran before its metrics stayed on the device: read every batch.
    Sequential net = net();
    Momentum optimizer = new Momentum(net.namedParameters(), 0.05);
    DataLoader loader = DataLoader.builder(TRAIN).batchSize(32).seed(11).build();
    for (int epoch = 0; epoch < 3; epoch++) {
      double lossSum = 0;
      long correct = 0;
      int samples = 0;
      for (Batch batch : loader.epoch(epoch)) {
        try (TensorScope step = TensorScope.open()) {
          Tensor output = net.forward(batch.inputs());
          Tensor l = Losses.softmaxCrossEntropyLabels(output, batch.targets());
          l.backward();
          optimizer.step();
          net.zeroGrad();
          lossSum += l.item() * batch.size();
          try (NoGrad ignored = NoGrad.scope()) {
            correct += Evaluator.countCorrect(output, batch.targets());
          }
        }
        samples += batch.size();
      }
      double testLoss;
      long testCorrect;
      try (NoGrad ignored = NoGrad.scope(); TensorScope eval = TensorScope.open()) {
        Tensor output = net.forward(TEST.inputs()); // the whole test set is one batch of 1000
        testLoss = Losses.softmaxCrossEntropyLabels(output, TEST.targets()).item();
        testCorrect = Evaluator.countCorrect(output, TEST.targets());
      }
      EpochMetrics m = h.epochs().get(epoch);
      assertEquals(lossSum / samples, m.trainLoss(), 0.0, "train loss of epoch " + m.epoch());
      assertEquals((double) correct / samples, m.trainAccuracy(), 0.0, "train accuracy");
      // (loss times batch size, summed, over the set's size: the evaluation's arithmetic)
      assertEquals(testLoss * TEST.size() / TEST.size(), m.testLoss(), 0.0, "test loss");
      assertEquals((double) testCorrect / TEST.size(), m.testAccuracy(), 0.0, "test accuracy");
    }
  }

  @Test
  void nothingIsReadFromTheDeviceInsideTheSteps() throws IOException {
    int[] downloads = new int[1];
    int[] uploads = new int[1];
    Backend counting = TestBackends.renamedCpu("counting", method -> {
      if (method.equals("download")) {
        downloads[0]++;
      } else if (method.equals("upload")) {
        uploads[0]++; // a host-to-device copy waits for the queued work on a GPU, as a read does
      }
    });
    try (Backends.Scope onIt = Backends.use(counting)) {
      Dataset train = Dataset.of(TRAIN.inputs().to(counting), TRAIN.targets().to(counting));
      int[] steps = new int[1];
      TrainingListener quiet = new TrainingListener() {
        @Override
        public void onBatchEnd(StepProgress progress) {
          steps[0]++;
        }
      };
      Sequential net = net();
      assertSame(counting, net.parameters().get(0).backend());
      Trainer t = Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
          .optimizer(new Momentum(net.namedParameters(), 0.05))
          .train(DataLoader.builder(train).batchSize(32).seed(11).build())
          .epochs(2).listener(quiet).build();
      downloads[0] = 0;
      uploads[0] = 0;
      MetricsHistory h = t.fit();
      assertEquals(2 * 19, steps[0]);
      assertEquals(2 * 2, downloads[0], "the losses and correct counts once per epoch, at its end");
      assertEquals(2, uploads[0], "the sample order once per epoch, when the epoch starts");
      assertTrue(h.last().trainAccuracy() > 0.9, "trained: " + h.last());

      // a listener on the deprecated per-batch-loss callback still gets every batch's loss
      List<Double> losses = new ArrayList<>();
      TrainingListener everyBatch = new TrainingListener() {
        @Override
        public void onBatchEnd(int epoch, int batch, int batches, int size, double loss) {
          losses.add(loss);
        }
      };
      Sequential other = net();
      downloads[0] = 0;
      Trainer.builder().model(other).loss(Losses::softmaxCrossEntropyLabels)
          .optimizer(new Momentum(other.namedParameters(), 0.05))
          .train(DataLoader.builder(train).batchSize(32).seed(11).build())
          .epochs(1).listener(everyBatch).build().fit();
      assertEquals(19, losses.size());
      assertEquals(2 * 19, downloads[0], "read at every batch, for that listener");
    }
  }

  @Test
  void resumingBeyondTheEpochsAskedForFailsClearly() throws IOException {
    Path ckpt = dir.resolve("ckpt.safetensors");
    trainer(net(), 3).checkpointTo(ckpt).build().fit();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> trainer(net(), 2).build().resumeFrom(ckpt));
    assertTrue(e.getMessage().contains("after epoch 3"), e.getMessage());
  }

  @Test
  void divergingLossStopsWithAHint() {
    Sequential net = net();
    Trainer t = trainer(net, 3).optimizer(new Sgd(net.namedParameters(), 1e30)).build();
    DivergedLossException e = assertThrows(DivergedLossException.class, t::fit);
    assertTrue(e.getMessage().contains("lower the learning rate"), e.getMessage());
    assertTrue(e.getMessage().matches("the loss became \\S+ at epoch 1, batch \\d+;.*"),
        e.getMessage());
    assertFalse(Double.isFinite(e.loss()), "the loss it reports: " + e.loss());
    assertEquals(1, e.epoch());
    assertTrue(e.batch() >= 1 && e.getMessage().contains("batch " + e.batch()), e.getMessage());
    assertEquals(1e30, e.learningRate());
  }

  @Test
  void memoryStaysFlatAcrossEpochs() throws IOException {
    Sequential net = net();
    long[] used = new long[21];
    trainer(net, 20).listener(new TrainingListener() {
      @Override
      public void onEpochEnd(EpochMetrics m, MetricsHistory history) {
        used[m.epoch()] = usedHeapAfterGc();
      }
    }).build().fit();
    // nothing of a step outlives it: 19 more epochs leave the heap where the first left it
    long growth = used[20] - used[1];
    assertTrue(growth < 2 << 20, "heap grew by " + growth + " bytes from epoch 1 to 20");
  }

  @Test
  void eachStepReleasesItsActivationsAndGradients() throws IOException {
    Sequential net = net();
    List<Tensor> seen = new ArrayList<>();
    LossFunction spying = (output, targets) -> {
      seen.add(output);
      return Losses.softmaxCrossEntropyLabels(output, targets);
    };
    trainer(net, 1).loss(spying).build().fit();
    assertEquals(19 + 1, seen.size(), "19 training batches and 1 test batch");
    for (Tensor output : seen) {
      assertTrue(output.buffer().isClosed(), "a step's output outlived the step");
    }
    net.namedParameters().forEach((name, p) -> {
      assertFalse(p.buffer().isClosed(), name + " must survive the steps");
      assertNull(p.grad(), name + " still holds a gradient");
    });
  }

  /** Records each forward's batch size and mode, passing its input through. */
  static final class ModeProbe extends dev.jgrad.nn.Module {
    final List<String> calls = new ArrayList<>();

    @Override
    public Tensor forward(Tensor x) {
      calls.add(x.shape().dim(0) + (isTraining() ? " train" : " eval"));
      return x;
    }
  }

  @Test
  void trainsInTrainModeEvaluatesInEvalModeAndRestoresTheCallersMode() throws IOException {
    ModeProbe probe = new ModeProbe();
    Sequential model = new Sequential(probe, net());
    model.eval(); // the caller's mode, to be given back
    trainer(model, 2).build().fit();
    // 600 samples in batches of 32: 19 steps, then one test batch of 300, each epoch
    List<String> oneEpoch = new ArrayList<>();
    for (int i = 0; i < 18; i++) {
      oneEpoch.add("32 train");
    }
    oneEpoch.add("24 train");
    oneEpoch.add("300 eval");
    List<String> expected = new ArrayList<>(oneEpoch);
    expected.addAll(oneEpoch);
    assertEquals(expected, probe.calls);
    assertFalse(model.isTraining(), "fit() did not restore eval mode");
    model.train();
    probe.calls.clear();
    Evaluator.evaluate(model, TEST, Losses::softmaxCrossEntropyLabels, 1000);
    assertEquals(List.of("300 eval"), probe.calls);
    assertTrue(model.isTraining(), "evaluate() did not restore train mode");
  }

  @Test
  void builderNamesWhatIsMissing() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Trainer.builder().model(net()).build());
    assertTrue(e.getMessage().contains("loss"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Trainer.builder().epochs(0));
  }

  static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      best = Math.min(best, rt.totalMemory() - rt.freeMemory());
    }
    return best;
  }

  @Test
  void fitInsideAnEvalScopeIsRefusedAndLeavesTheModelsModeAlone() {
    Sequential net = Mlp.builder().input(2).hidden(8).output(3).seed(1).build();
    Trainer t = Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Momentum(net.namedParameters(), 0.05))
        .train(DataLoader.builder(TRAIN).batchSize(32).seed(11).build()).epochs(1).build();
    try (Module.EvalScope scope = Module.evalScope()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, t::fit);
      assertEquals("fit() was called inside Module.evalScope(): it would train in evaluation "
          + "mode (no dropout, BatchNorm's running statistics frozen); close the scope first",
          e.getMessage());
    }
    assertTrue(net.isTraining(), "the model's own mode is the caller's, training");
  }
}
