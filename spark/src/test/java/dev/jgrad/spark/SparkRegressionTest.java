package dev.jgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.Sgd;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression on Spark: {@code y = A x + b + noise} learned by a linear layer with MSE on two
 * partitions, in FLOAT32 and FLOAT64, and the checks that samples, loss, model and test set fit
 * together.
 */
class SparkRegressionTest {
  private static final int FEATURES = 4;
  private static final int TARGETS = 2;
  /** The answer: y = A x + b. */
  private static final double[][] A = {{1.5, -2.0, 0.5, 0.0}, {-0.5, 1.0, 2.5, -1.0}};
  private static final double[] B = {0.3, -0.7};
  private static final double NOISE = 0.01;

  private static JavaSparkContext jsc;

  @BeforeAll
  static void startSpark() {
    jsc = LocalSpark.start("SparkRegressionTest");
  }

  @AfterAll
  static void stopSpark() {
    jsc.stop();
  }

  /** {@code n} samples x ~ N(0, I), y = A x + b + N(0, NOISE^2) per target. */
  private static List<RegressionSample> samples(int n, long seed) {
    Random random = new Random(seed);
    List<RegressionSample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] x = new float[FEATURES];
      for (int j = 0; j < FEATURES; j++) {
        x[j] = (float) random.nextGaussian();
      }
      float[] y = new float[TARGETS];
      for (int k = 0; k < TARGETS; k++) {
        double v = B[k] + NOISE * random.nextGaussian();
        for (int j = 0; j < FEATURES; j++) {
          v += A[k][j] * x[j];
        }
        y[k] = (float) v;
      }
      out.add(new RegressionSample(x, y));
    }
    return out;
  }

  /** The samples as a test set: inputs [n, FEATURES] and targets [n, TARGETS] in {@code dtype}. */
  private static Dataset testSet(List<RegressionSample> samples, DType dtype) {
    int n = samples.size();
    float[] x = new float[n * FEATURES];
    float[] y = new float[n * TARGETS];
    for (int i = 0; i < n; i++) {
      System.arraycopy(samples.get(i).features(), 0, x, i * FEATURES, FEATURES);
      System.arraycopy(samples.get(i).targets(), 0, y, i * TARGETS, TARGETS);
    }
    return Dataset.of(Tensor.of(x, n, FEATURES).to(dtype), Tensor.of(y, n, TARGETS).to(dtype));
  }

  private static ModelFactory linear(DType dtype) {
    return () -> Mlp.builder().input(FEATURES).output(TARGETS).seed(5).dtype(dtype).build();
  }

  private static SparkTrainer.Builder trainer(JavaRDD<RegressionSample> data, DType dtype) {
    return SparkTrainer.builder().model(linear(dtype)).optimizer(params -> new Sgd(params, 0.3))
        .loss(Losses::meanSquaredError).data(data).batchSize(20).seed(11);
  }

  private static double[] parameters(Module model) {
    List<Double> all = new ArrayList<>();
    model.namedParameters().values().forEach(p -> {
      for (double v : p.toDoubleArray()) {
        all.add(v);
      }
    });
    return all.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * 400 samples in 2 partitions, 20 a step on each, 5 epochs (50 rounds): SGD of rate 0.3 on
   * x ~ N(0, I) shrinks the error by about 0.7 a step, so what is left is the noise's (about
   * 0.002 on a coefficient with this batch); within 0.01 of A and b, and the test loss within
   * three times the noise's variance.
   */
  private static void learnsTheLinearMap(DType dtype) throws IOException {
    JavaRDD<RegressionSample> data = jsc.parallelize(samples(400, 1), 2);
    SparkTrainer t = trainer(data, dtype).epochs(5)
        .test(testSet(samples(200, 2), dtype), 0).build();
    MetricsHistory history = t.fit();
    assertEquals(50, history.size(), "200 samples a partition, batches of 20: 10 rounds an epoch");
    Module model = t.model();
    Tensor weight = model.namedParameters().get("0.weight"); // [in, out]: y = x W + b
    Tensor bias = model.namedParameters().get("0.bias");
    assertEquals(dtype, weight.dtype());
    double[] w = weight.toDoubleArray();
    double[] b = bias.toDoubleArray();
    for (int k = 0; k < TARGETS; k++) {
      for (int j = 0; j < FEATURES; j++) {
        assertEquals(A[k][j], w[j * TARGETS + k], 0.01, "A[" + k + "][" + j + "]");
      }
      assertEquals(B[k], b[k], 0.01, "b[" + k + "]");
    }
    EpochMetrics last = history.last();
    assertTrue(last.testLoss() < 3 * NOISE * NOISE, "test MSE " + last.testLoss());
    assertTrue(last.trainLoss() < 3 * NOISE * NOISE, "train MSE " + last.trainLoss());
    assertTrue(Double.isNaN(last.trainAccuracy()) && Double.isNaN(last.testAccuracy()),
        "no accuracy for a regression: " + last);
  }

  @Test
  void learnsALinearMapInFloat32() throws IOException {
    learnsTheLinearMap(DType.FLOAT32);
  }

  @Test
  void learnsALinearMapInFloat64() throws IOException {
    learnsTheLinearMap(DType.FLOAT64);
  }

  @Test
  void theSameSeedGivesTheSameBitsInBothDtypes() throws IOException {
    JavaRDD<RegressionSample> data = jsc.parallelize(samples(120, 3), 2);
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      SparkTrainer first = trainer(data, dtype).rounds(6).build();
      MetricsHistory h1 = first.fit();
      SparkTrainer second = trainer(data, dtype).rounds(6).build();
      MetricsHistory h2 = second.fit();
      assertArrayEquals(parameters(first.model()), parameters(second.model()), dtype.name());
      for (int r = 0; r < 6; r++) {
        assertEquals(h1.epochs().get(r).trainLoss(), h2.epochs().get(r).trainLoss());
      }
    }
  }

  @Test
  void aFloat64ModelIsAveragedInDoublesNotRoundedToFloats() throws IOException {
    SparkTrainer t = trainer(jsc.parallelize(samples(120, 4), 2), DType.FLOAT64).rounds(3)
        .build();
    t.fit();
    long notFloats = Arrays.stream(parameters(t.model()))
        .filter(v -> (double) (float) v != v).count();
    assertTrue(notFloats > 0, "every parameter is a float: the doubles were rounded on the way");
  }

  @Test
  void aFloat64RunResumedFromItsCheckpointEndsWithTheSameBits(@TempDir Path dir)
      throws IOException {
    JavaRDD<RegressionSample> data = jsc.parallelize(samples(80, 5), 2);
    Path ckpt = dir.resolve("ckpt.safetensors");
    SparkTrainer straight = trainer(data, DType.FLOAT64).rounds(6).build();
    straight.fit();
    trainer(data, DType.FLOAT64).rounds(3).checkpointTo(ckpt, 3).build().fit();
    SparkTrainer resumed = trainer(data, DType.FLOAT64).rounds(6).build().resumeFrom(ckpt);
    MetricsHistory h = resumed.fit();
    assertEquals(6, h.size());
    assertArrayEquals(parameters(straight.model()), parameters(resumed.model()));
  }

  @Test
  void aFloat64ClassifierTrainsOnLabeledSamples() throws IOException {
    List<LabeledSample> samples = new ArrayList<>();
    Random random = new Random(6);
    for (int i = 0; i < 80; i++) {
      float[] x = {(float) random.nextGaussian(), (float) random.nextGaussian()};
      samples.add(new LabeledSample(x, x[0] > x[1] ? 1 : 0));
    }
    SparkTrainer t = SparkTrainer.builder()
        .model(() -> Mlp.builder().input(2).hidden(8).output(2).dtype(DType.FLOAT64).build())
        .optimizer(params -> new Sgd(params, 0.5)).loss(Losses::softmaxCrossEntropyLabels)
        .data(jsc.parallelize(samples, 2)).batchSize(10).rounds(20).build();
    MetricsHistory h = t.fit();
    assertTrue(h.last().trainLoss() < h.epochs().get(0).trainLoss(), "the loss falls: " + h);
    assertTrue(h.last().trainAccuracy() > 0.8, "accuracy is reported: " + h.last());
  }

  @Test
  void aClassificationLossWithRegressionSamplesFails() {
    SparkTrainer t = trainer(jsc.parallelize(samples(20, 10), 2), DType.FLOAT32)
        .loss(Losses::softmaxCrossEntropy).rounds(1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::fit);
    assertTrue(e.getMessage().contains("the samples are RegressionSample (float targets) but the"
        + " loss is a classification loss") && e.getMessage().contains("Losses::meanSquaredError"),
        e.getMessage());
  }

  @Test
  void aRegressionLossWithLabeledSamplesFails() {
    List<LabeledSample> labeled = List.of(new LabeledSample(new float[FEATURES], 0),
        new LabeledSample(new float[FEATURES], 1));
    SparkTrainer t = SparkTrainer.builder().model(linear(DType.FLOAT32))
        .optimizer(params -> new Sgd(params, 0.1)).loss(Losses::meanSquaredError)
        .data(jsc.parallelize(labeled, 2)).rounds(1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::fit);
    assertTrue(e.getMessage().contains("the samples are LabeledSample (class labels) but the loss"
        + " is not a classification loss") && e.getMessage().contains(
            "LossFunction.classification(loss)"), e.getMessage());
  }

  @Test
  void samplesOfAnotherKindInOnePartitionFail() {
    List<Sample> mixed = new ArrayList<>(samples(5, 11));
    mixed.add(new LabeledSample(new float[FEATURES], 0));
    SparkTrainer t = SparkTrainer.builder().model(linear(DType.FLOAT32))
        .optimizer(params -> new Sgd(params, 0.1)).loss(Losses::meanSquaredError)
        .data(jsc.parallelize(mixed, 1)).rounds(1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::fit);
    assertTrue(e.getMessage().contains("sample 5 of partition 0 is a LabeledSample (class labels)"
        + " but the partition's first is a RegressionSample (float targets)"), e.getMessage());

    // partition 0: two regression samples; partition 1: two labeled ones
    List<Sample> twoKinds = new ArrayList<>(samples(2, 11));
    twoKinds.add(new LabeledSample(new float[FEATURES], 0));
    twoKinds.add(new LabeledSample(new float[FEATURES], 1));
    SparkTrainer split = SparkTrainer.builder().model(linear(DType.FLOAT32))
        .optimizer(params -> new Sgd(params, 0.1)).loss(Losses::meanSquaredError)
        .data(jsc.parallelize(twoKinds, 2)).rounds(1).build();
    e = assertThrows(IllegalArgumentException.class, split::fit);
    assertTrue(e.getMessage().contains("partition 1 holds LabeledSamples but partition 0"
        + " RegressionSamples"), e.getMessage());
  }

  @Test
  void targetCountsThatDifferFail() {
    List<RegressionSample> inOne = new ArrayList<>(samples(6, 12));
    inOne.add(new RegressionSample(new float[FEATURES], new float[TARGETS + 1]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        trainer(jsc.parallelize(inOne, 1), DType.FLOAT32).rounds(1).build()::fit);
    assertTrue(e.getMessage().contains("sample 6 of partition 0 has 3 targets but the partition's"
        + " first has 2"), e.getMessage());

    // partition 0: two samples of 2 targets; partition 1: two of 3
    List<RegressionSample> acrossTwo = new ArrayList<>(samples(2, 13));
    acrossTwo.add(new RegressionSample(new float[FEATURES], new float[TARGETS + 1]));
    acrossTwo.add(new RegressionSample(new float[FEATURES], new float[TARGETS + 1]));
    e = assertThrows(IllegalArgumentException.class,
        trainer(jsc.parallelize(acrossTwo, 2), DType.FLOAT32).rounds(1).build()::fit);
    assertTrue(e.getMessage().contains("partition 1 has samples of 3 targets but partition 0 has"
        + " 2"), e.getMessage());
  }

  @Test
  void targetsThatDoNotFitTheModelsOutputFailBeforeTheFirstRound() {
    SparkTrainer t = trainer(jsc.parallelize(samples(20, 14), 2), DType.FLOAT32)
        .model(() -> Mlp.builder().input(FEATURES).output(TARGETS + 1).seed(5).build())
        .batchSize(5).rounds(1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::fit);
    assertTrue(e.getMessage().startsWith("SparkTrainer: the model's output for a sample is"
        + " [1, 3] but a sample's targets are [1, 2]") && e.getMessage().contains("build the"
        + " model with 2 outputs"), e.getMessage());
    assertEquals(0, t.completedRounds());
  }

  @Test
  void samplesTheModelCannotTakeFailBeforeTheFirstRound() {
    SparkTrainer t = trainer(jsc.parallelize(samples(20, 14), 2), DType.FLOAT32)
        .model(() -> Mlp.builder().input(FEATURES + 1).output(TARGETS).seed(5).build())
        .rounds(1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::fit);
    assertTrue(e.getMessage().startsWith("SparkTrainer: the model does not take samples of "
        + FEATURES + " features (") && e.getMessage().contains("; build the model for them"),
        e.getMessage());
    assertEquals(0, t.completedRounds());
  }

  @Test
  void aTestSetInAnotherDtypeOrShapeFailsBeforeTheFirstRound() {
    JavaRDD<RegressionSample> data = jsc.parallelize(samples(20, 15), 2);
    List<RegressionSample> test = samples(10, 16);
    IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
        trainer(data, DType.FLOAT64).test(testSet(test, DType.FLOAT32), 0).rounds(1).build()
            ::fit);
    assertTrue(dtype.getMessage().contains("the test set's inputs are FLOAT32 but the model is"
        + " FLOAT64"), dtype.getMessage());
    Dataset flatTargets = Dataset.of(Tensor.randn(new Random(1), 10, FEATURES),
        Tensor.randn(new Random(2), 10));
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        trainer(data, DType.FLOAT32).test(flatTargets, 0).rounds(1).build()::fit);
    assertTrue(shape.getMessage().contains("a test sample's targets are FLOAT32[1] but a training"
        + " sample's are FLOAT32[1, 2]"), shape.getMessage());
  }
}
