package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TestBackends;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Momentum;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.Sgd;
import dev.jgrad.optim.schedule.CosineAnnealing;
import dev.jgrad.optim.schedule.LearningRateSchedule;
import dev.jgrad.optim.schedule.LearningRateScheduler.Interval;
import dev.jgrad.optim.schedule.StepDecay;
import dev.jgrad.train.report.CsvReport;
import dev.jgrad.train.report.HeldOut;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's learning-rate schedule and gradient clipping. */
class TrainerScheduleTest {
  private static final Dataset TRAIN = Blobs.make(600, 1);
  private static final LearningRateSchedule HALVING = new StepDecay(2, 0.5).withWarmup(1, 0.1);

  @TempDir
  Path dir;

  private static Sequential net() {
    return Mlp.builder().input(2).hidden(16).output(3).seed(3).build();
  }

  private static Trainer.Builder trainer(Sequential net, Optimizer optimizer, int epochs,
      List<Double> rates) {
    return trainer(net, optimizer, epochs, rates, TRAIN);
  }

  private static Trainer.Builder trainer(Sequential net, Optimizer optimizer, int epochs,
      List<Double> rates, Dataset train) {
    return Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(optimizer)
        .train(DataLoader.builder(train).batchSize(32).seed(11).build())
        .epochs(epochs)
        .listener(new TrainingListener() {
          @Override
          public void onEpochStart(int epoch, int epochs, int batches, int samples) {
            rates.add(optimizer.learningRate());
          }
        });
  }

  @Test
  void anEpochScheduleSetsEachEpochsRateAndResumesWhereItWas() throws IOException {
    Sequential straight = net();
    List<Double> rates = new ArrayList<>();
    trainer(straight, new Momentum(straight.namedParameters(), 0.1), 5, rates)
        .schedule(HALVING, Interval.EPOCH).build().fit();
    // warm-up from 0.01, then 0.1 for two epochs, 0.05 for two
    assertEquals(List.of(0.010000000000000002, 0.1, 0.1, 0.05, 0.05), rates);

    Path ckpt = dir.resolve("ckpt.safetensors");
    Sequential first = net();
    trainer(first, new Momentum(first.namedParameters(), 0.1), 2, new ArrayList<>())
        .schedule(HALVING, Interval.EPOCH).checkpointTo(ckpt).build().fit();
    Sequential resumed = net();
    List<Double> later = new ArrayList<>();
    trainer(resumed, new Momentum(resumed.namedParameters(), 0.1), 5, later)
        .schedule(HALVING, Interval.EPOCH).build().resumeFrom(ckpt).fit();
    assertEquals(rates.subList(2, 5), later, "the rates of epochs 3 to 5, recomputed");
    straight.namedParameters().forEach((name, p) -> assertArrayEquals(p.toFloatArray(),
        resumed.namedParameters().get(name).toFloatArray(), name));
  }

  /**
   * metrics.csv's last column and the epoch log line give each epoch's rate: the one its steps
   * used under a per-epoch schedule, the last step's under a per-step one (which changes it
   * within the epoch). A resumed run's restored epochs have it empty (its checkpoint keeps no
   * rates, nor seconds), those it trains have it.
   */
  @Test
  void theCsvAndTheLogLineRecordEachEpochsLearningRate() throws IOException {
    Sequential net = net();
    Path csv = dir.resolve("epoch.csv");
    Path ckpt = dir.resolve("ckpt.safetensors");
    MetricsHistory h = trainer(net, new Momentum(net.namedParameters(), 0.1), 3,
        new ArrayList<>()).schedule(HALVING, Interval.EPOCH).csvTo(csv).checkpointTo(ckpt)
        .build().fit();
    List<String> lines = Files.readAllLines(csv);
    assertEquals(CsvReport.measuresHeader(HeldOut.TEST) + ",learning_rate", lines.get(0));
    for (int e = 1; e <= 3; e++) {
      String[] fields = lines.get(e).split(",", -1);
      assertEquals(7, fields.length, lines.get(e));
      assertEquals(List.of(0.010000000000000002, 0.1, 0.1).get(e - 1),
          Double.parseDouble(fields[6]), 0.0, "warm-up, then the base rate: " + lines.get(e));
    }
    assertEquals("0.010000000000000002", lines.get(1).substring(lines.get(1).lastIndexOf(',') + 1),
        "exact, not six decimals");
    String logged = EpochLogger.format(h.epochs().get(0), 3);
    assertTrue(logged.matches("epoch 1/3  train loss .*  lr 0\\.01  \\d+\\.\\d s"), logged);

    Sequential stepped = net();
    Optimizer sgd = new Sgd(stepped.namedParameters(), 0.2);
    CosineAnnealing cosine = new CosineAnnealing(40, 0.001);
    MetricsHistory perStep = trainer(stepped, sgd, 2, new ArrayList<>())
        .schedule(cosine, Interval.STEP).build().fit();
    assertEquals(cosine.rate(0.2, 18), perStep.epochs().get(0).learningRate(), 0.0,
        "19 steps an epoch: the rate of step 18, its last");
    assertEquals(cosine.rate(0.2, 37), perStep.last().learningRate(), 0.0);

    Sequential resumed = net();
    Path later = dir.resolve("resumed.csv");
    trainer(resumed, new Momentum(resumed.namedParameters(), 0.1), 4, new ArrayList<>())
        .schedule(HALVING, Interval.EPOCH).csvTo(later).build().resumeFrom(ckpt).fit();
    List<String> again = Files.readAllLines(later);
    assertTrue(again.get(3).endsWith(","), "restored epoch 3: no rate kept " + again.get(3));
    assertTrue(again.get(4).endsWith(",0.05"), "epoch 4 trained here: " + again.get(4));
  }

  @Test
  void aStepScheduleCountsStepsAcrossEpochs() throws IOException {
    Sequential net = net();
    Optimizer sgd = new Sgd(net.namedParameters(), 0.2);
    List<Double> perStep = new ArrayList<>();
    CosineAnnealing cosine = new CosineAnnealing(40, 0.001);
    trainer(net, sgd, 2, new ArrayList<>()).schedule(cosine, Interval.STEP)
        .listener(new TrainingListener() {
          @Override
          public void onBatchEnd(StepProgress progress) {
            perStep.add(sgd.learningRate());
          }
        }).build().fit();
    assertEquals(2 * 19, perStep.size());
    for (int t = 0; t < perStep.size(); t++) {
      assertEquals(cosine.rate(0.2, t), perStep.get(t), 0.0, "step " + t);
    }
  }

  @Test
  void clippingBoundsEachStepAndReadsNothingInsideTheSteps() throws IOException {
    int[] downloads = new int[1];
    Backend counting = TestBackends.renamedCpu("counting", method -> {
      if (method.equals("download")) {
        downloads[0]++;
      }
    });
    try (Backends.Scope onIt = Backends.use(counting)) {
      Dataset train = Dataset.of(TRAIN.inputs().to(counting), TRAIN.targets().to(counting));
      double[] moved = new double[2];
      for (int clipped = 0; clipped < 2; clipped++) {
        Sequential net = net();
        Map<String, Tensor> before = copies(net);
        Trainer.Builder b = trainer(net, new Sgd(net.namedParameters(), 0.1), 1,
            new ArrayList<>(), train);
        if (clipped == 1) {
          b.clipGradients(1e-3);
        }
        downloads[0] = 0;
        b.build().fit();
        assertEquals(2, downloads[0], "the losses and correct counts at the epoch's end only");
        double sum = 0;
        for (Map.Entry<String, Tensor> e : net.namedParameters().entrySet()) {
          float[] now = e.getValue().toFloatArray();
          float[] then = before.get(e.getKey()).toFloatArray();
          for (int i = 0; i < now.length; i++) {
            sum += (now[i] - then[i]) * (now[i] - then[i]);
          }
        }
        moved[clipped] = Math.sqrt(sum);
      }
      // 19 steps of at most lr * maxNorm each
      assertTrue(moved[1] <= 19 * 0.1 * 1e-3 * 1.001, "clipped: " + moved[1]);
      assertTrue(moved[0] > 100 * moved[1], "unclipped: " + moved[0]);
    }
  }

  private static Map<String, Tensor> copies(Sequential net) {
    Map<String, Tensor> copies = new LinkedHashMap<>();
    net.namedParameters().forEach((name, p) -> copies.put(name, p.copy()));
    return copies;
  }
}
