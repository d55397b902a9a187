package dev.jgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.Sgd;
import dev.jgrad.train.LossFunction;
import dev.jgrad.train.report.LossChart;
import dev.jgrad.train.report.MetricsHistory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkTrainerTest {
  private static final int FEATURES = 6;
  private static final int CLASSES = 3;
  private static final ModelFactory MODEL =
      () -> Mlp.builder().input(FEATURES).hidden(8).output(CLASSES).seed(7).build();
  private static final OptimizerFactory SGD = params -> new Sgd(params, 0.2);

  /** Set by the first executor call of {@link #failOnce}; the fault test's flag. */
  private static final AtomicBoolean FAILED = new AtomicBoolean();

  private static JavaSparkContext jsc;

  @BeforeAll
  static void startSpark() {
    jsc = LocalSpark.start("SparkTrainerTest");
  }

  @AfterAll
  static void stopSpark() {
    jsc.stop();
  }

  /** {@code n} random samples whose class follows from the features (so the loss can fall). */
  private static List<LabeledSample> samples(int n, long seed) {
    Random random = new Random(seed);
    List<LabeledSample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] x = new float[FEATURES];
      for (int j = 0; j < FEATURES; j++) {
        x[j] = (float) random.nextGaussian();
      }
      int label = x[0] + x[1] > 0.5 ? 0 : x[2] > 0 ? 1 : 2;
      out.add(new LabeledSample(x, label));
    }
    return out;
  }

  private static SparkTrainer.Builder trainer(JavaRDD<LabeledSample> data, int batch) {
    return SparkTrainer.builder().model(MODEL).optimizer(SGD)
        .loss(Losses::softmaxCrossEntropyLabels).data(data).batchSize(batch).seed(3);
  }

  private static float[] parameters(Module model) {
    List<Float> all = new ArrayList<>();
    model.namedParameters().values().forEach(p -> {
      for (float v : p.toFloatArray()) {
        all.add(v);
      }
    });
    float[] out = new float[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    return out;
  }

  @Test
  void oneLocalStepOfSgdIsSingleMachineSgdOnTheGlobalBatch() throws IOException {
    // 100 samples in 3 partitions (33, 33, 34) and batches of 10: the last batch of each pass
    // is 3 or 4 samples, so the partitions weigh differently in those rounds.
    JavaRDD<LabeledSample> data = jsc.parallelize(samples(100, 1), 3);
    int rounds = 9; // past the end of a pass: the second pass's new order is used too
    SparkTrainer spark = trainer(data, 10).localSteps(1).rounds(rounds).build();
    spark.fit();

    List<List<LabeledSample>> shards = data.glom().collect();
    Module model = MODEL.create();
    Optimizer sgd = SGD.create(model.namedParameters());
    List<ShardSchedule> schedules = new ArrayList<>();
    for (int p = 0; p < shards.size(); p++) {
      schedules.add(new ShardSchedule(shards.get(p).size(), 10, 3, p));
    }
    for (int r = 0; r < rounds; r++) {
      List<LabeledSample> global = new ArrayList<>();
      for (int p = 0; p < shards.size(); p++) {
        for (int i : schedules.get(p).batch(r)) {
          global.add(shards.get(p).get(i));
        }
      }
      step(model, sgd, global);
    }
    assertArrayEquals(parameters(model), parameters(spark.model()), 2e-6f);
  }

  /** One step of single-machine training on {@code batch}. */
  private static void step(Module model, Optimizer optimizer, List<LabeledSample> batch) {
    float[] x = new float[batch.size() * FEATURES];
    int[] y = new int[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      System.arraycopy(batch.get(i).features(), 0, x, i * FEATURES, FEATURES);
      y[i] = batch.get(i).label();
    }
    try (TensorScope scope = TensorScope.open()) {
      Losses.softmaxCrossEntropyLabels(model.forward(Tensor.of(x, batch.size(), FEATURES)),
          Tensor.indices(y)).backward();
      optimizer.step();
      optimizer.zeroGrad();
    }
  }

  @Test
  void barrierModeTrainsAsTheDefaultMode() throws IOException {
    JavaRDD<LabeledSample> data = jsc.parallelize(samples(80, 2), 2);
    SparkTrainer plain = trainer(data, 8).localSteps(3).rounds(4).build();
    plain.fit();
    SparkTrainer barrier = trainer(data, 8).localSteps(3).rounds(4).barrier(true).build();
    barrier.fit();
    assertArrayEquals(parameters(plain.model()), parameters(barrier.model()), 1e-6f);
  }

  @Test
  void aTaskThatFailsIsRetriedAndTheRunFinishesAsWithoutTheFault() throws IOException {
    JavaRDD<LabeledSample> data = jsc.parallelize(samples(80, 4), 2);
    SparkTrainer clean = trainer(data, 8).rounds(5).build();
    clean.fit();
    FAILED.set(false);
    SparkTrainer faulty = trainer(data, 8).rounds(5)
        .loss(LossFunction.classification(SparkTrainerTest::failOnce)).build();
    MetricsHistory history = faulty.fit();
    assertTrue(FAILED.get(), "the fault was injected");
    assertEquals(5, history.size());
    assertArrayEquals(parameters(clean.model()), parameters(faulty.model()), 1e-6f);
  }

  /** The classification loss, except that the first executor call throws, once per test. */
  private static Tensor failOnce(Tensor output, Tensor labels) {
    TaskContext task = TaskContext.get();
    if (task != null && task.stageAttemptNumber() == 0 && !FAILED.getAndSet(true)) {
      throw new IllegalStateException("injected fault in partition " + task.partitionId());
    }
    return Losses.softmaxCrossEntropyLabels(output, labels);
  }

  @Test
  void emptyPartitionsWeighNothing() throws IOException {
    // 4 partitions of 15, of which 1 and 3 are emptied
    JavaRDD<LabeledSample> data = jsc.parallelize(samples(60, 5), 4)
        .mapPartitionsWithIndex((p, it) -> p % 2 == 1 ? List.<LabeledSample>of().iterator() : it,
            true);
    List<RoundMetrics> rounds = new ArrayList<>();
    SparkTrainer t = trainer(data, 5).rounds(6).roundListener(rounds::add).build();
    MetricsHistory history = t.fit();
    assertEquals(6, rounds.size());
    for (RoundMetrics m : rounds) {
      assertEquals(2, m.partitions(), "only the two partitions with samples train");
      assertEquals(10, m.samples(), "a batch of 5 from each");
    }
    assertTrue(history.last().trainLoss() < history.epochs().get(0).trainLoss(),
        "the loss falls: " + history.epochs());
  }

  @Test
  void adamStateIsAveragedAndCarriedAcrossRounds() throws IOException {
    JavaRDD<LabeledSample> data = jsc.parallelize(samples(64, 6), 2);
    SparkTrainer t = trainer(data, 8).optimizer(params -> new Adam(params, 0.01)).localSteps(2)
        .rounds(3).build();
    t.fit();
    assertEquals("6", t.optimizer().state().values().get("t"),
        "3 rounds of 2 local steps: Adam's step count " + t.optimizer().state().values());
  }

  @Test
  void checkpointsEveryNRoundsAndResumesAsIfNeverStopped(@TempDir Path dir) throws IOException {
    JavaRDD<LabeledSample> data = jsc.parallelize(samples(60, 7), 2);
    Path ckpt = dir.resolve("ckpt.safetensors");
    SparkTrainer straight = trainer(data, 8).rounds(6).build();
    straight.fit();
    SparkTrainer first = trainer(data, 8).rounds(3).checkpointTo(ckpt, 2).build();
    first.fit();
    SparkTrainer resumed = trainer(data, 8).rounds(6).reportTo(dir, "test").build()
        .resumeFrom(ckpt);
    assertEquals(3, resumed.completedRounds());
    MetricsHistory h = resumed.fit();
    assertEquals(6, h.size());
    assertArrayEquals(parameters(straight.model()), parameters(resumed.model()), 1e-6f);
    List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
    assertEquals(7, csv.size(), "header and 6 rounds: " + csv);
    // the epochs of the rounds restored from the checkpoint too, which has no sample counts
    assertEquals(List.of("0.266667", "0.533333", "0.800000", "1.000000", "1.266667", "1.533333"),
        csv.subList(1, 7).stream().map(row -> row.substring(0, row.indexOf(','))).toList());
    assertEquals(4, Files.readAllLines(dir.resolve("rounds.csv")).size(),
        "header and the 3 rounds this run trained");
  }

  /**
   * metrics.csv and the chart say rounds: 60 samples in 2 shards of 30, batches of 8 (a pass is
   * 8, 8, 8 and 6), so a round trains 16 samples, the fourth 12: epochs 16/60, 32/60, 48/60, 1,
   * 76/60 and 92/60. Before, metrics.csv's {@code epoch} column held the round number and the
   * chart's axis said "epoch".
   */
  @Test
  void theReportSaysRoundsWithTheEpochEachFallsIn(@TempDir Path dir) throws IOException {
    JavaRDD<LabeledSample> data = jsc.parallelize(samples(60, 7), 2);
    MetricsHistory h = trainer(data, 8).rounds(6).reportTo(dir, "rounds").build().fit();
    List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
    assertEquals("epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,round,"
        + "learning_rate", csv.get(0));
    String[] epochs = {"0.266667", "0.533333", "0.800000", "1.000000", "1.266667", "1.533333"};
    for (int r = 1; r <= 6; r++) {
      String[] fields = csv.get(r).split(",", -1);
      assertEquals(8, fields.length, csv.get(r));
      assertEquals(epochs[r - 1], fields[0], csv.get(r));
      assertEquals(String.format(java.util.Locale.ROOT, "%.6f", h.epochs().get(r - 1).trainLoss()),
          fields[1], "the Trainer's columns keep their places: " + csv.get(r));
      assertEquals(Integer.toString(r), fields[6], csv.get(r));
      assertEquals("0.2", fields[7], "the driver's optimizer's rate: " + csv.get(r));
    }
    BufferedImage chart = ImageIO.read(dir.resolve("training.png").toFile());
    assertTrue(samePixels(LossChart.render(h, "rounds", chart.getWidth(), chart.getHeight(),
        "round"), chart), "the chart's axis says round");
    assertTrue(!samePixels(LossChart.render(h, "rounds", chart.getWidth(), chart.getHeight()),
        chart), "and not epoch");
  }

  private static boolean samePixels(BufferedImage a, BufferedImage b) {
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        if (a.getRGB(x, y) != b.getRGB(x, y)) {
          return false;
        }
      }
    }
    return a.getWidth() == b.getWidth() && a.getHeight() == b.getHeight();
  }

  @Test
  void aModelWithBatchNormTrains() throws IOException {
    // BatchNorm counts its batches in a FLOAT64 buffer, which travels beside the FLOAT32 values
    ModelFactory net = () -> {
      Random r = new Random(8);
      return new Sequential(new Linear(FEATURES, 8, Init.he(), r), new BatchNorm1d(8),
          new ReLU(), new Linear(8, CLASSES, Init.he(), r));
    };
    SparkTrainer t = trainer(jsc.parallelize(samples(80, 10), 2), 10).model(net).rounds(4)
        .build();
    MetricsHistory h = t.fit();
    assertEquals(4.0, t.model().namedBuffers().get("1.num_batches_tracked").item(),
        "4 rounds of 1 local step, averaged over the partitions");
    assertTrue(Double.isFinite(h.last().trainLoss()), h.toString());
  }

  @Test
  void aModelFactoryThatBuildsAnotherModelOnExecutorsFailsNamingTheTensor() {
    ModelFactory differs = () -> Mlp.builder().input(FEATURES)
        .hidden(TaskContext.get() == null ? 8 : 9).output(CLASSES).seed(7).build();
    JavaRDD<LabeledSample> data = jsc.parallelize(samples(40, 8), 2);
    SparkTrainer t = trainer(data, 8).model(differs).rounds(1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::fit);
    assertTrue(e.getMessage().contains("parameter '0.weight' is [6, 9] on the executor running"
        + " partition") && e.getMessage().contains("but [6, 8] on the driver"), e.getMessage());
  }

  @Test
  void dataWithoutSamplesFails() {
    JavaRDD<LabeledSample> empty = jsc.parallelize(List.of(), 3);
    SparkTrainer t = trainer(empty, 8).rounds(1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::fit);
    assertTrue(e.getMessage().contains("the training data is empty (all 3 partitions"),
        e.getMessage());
  }

  @Test
  void samplesOfDifferentSizesFail() {
    List<LabeledSample> mixed = new ArrayList<>(samples(10, 9));
    mixed.add(new LabeledSample(new float[FEATURES + 1], 0));
    SparkTrainer t = trainer(jsc.parallelize(mixed, 1), 4).rounds(1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::fit);
    assertTrue(e.getMessage().contains("has 7 features but the partition's first has 6"),
        e.getMessage());
  }

  @Test
  void withoutSparkOnTheClassPathTheErrorSaysWhatToAdd() throws IOException {
    try (URLClassLoader noSpark = new URLClassLoader(new URL[0],
        ClassLoader.getPlatformClassLoader())) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> SparkRequirement.check(noSpark));
      assertTrue(e.getMessage().contains("org.apache.spark:spark-core_2.13")
          && e.getMessage().contains("spark-submit"), e.getMessage());
    }
    SparkRequirement.check(); // the test class path has it
  }
}
