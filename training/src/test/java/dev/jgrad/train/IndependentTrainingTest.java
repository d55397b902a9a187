package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.Momentum;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Threads that each train a model of their own at the same time: each result must be, bit for
 * bit, that of the same run alone ("same seed, same thread count: same bits"), however the runs
 * share the CPU backend's workers, its array pool and the batch prefetch thread.
 */
class IndependentTrainingTest {
  private static final int RUNS = 4;

  @Test
  void threadsSteppingTheirOwnModelsGetTheParametersOfEachRunAlone() throws Exception {
    List<List<int[]>> alone = Threads.alone(RUNS, IndependentTrainingTest::stepped);
    List<List<int[]>> together = Threads.together(RUNS, IndependentTrainingTest::stepped);
    for (int run = 0; run < RUNS; run++) {
      assertBitsEqual(alone.get(run), together.get(run), "run " + run);
    }
  }

  @Test
  void threadsFittingTheirOwnTrainersGetTheHistoryAndParametersOfEachFitAlone()
      throws Exception {
    List<Fitted> alone = Threads.alone(3, IndependentTrainingTest::fitted);
    List<Fitted> together = Threads.together(3, IndependentTrainingTest::fitted);
    for (int run = 0; run < 3; run++) {
      assertEquals(alone.get(run).losses(), together.get(run).losses(), "run " + run);
      assertBitsEqual(alone.get(run).parameters(), together.get(run).parameters(), "run " + run);
    }
  }

  /**
   * 60 Adam steps of a model with batch normalization and dropout (whose mask counter is the
   * model's own) on data drawn from {@code run}'s seed; the parameters and buffers after.
   */
  private static List<int[]> stepped(int run) {
    Random random = new Random(100 + run);
    Module net = new Sequential(new Linear(8, 32, Init.he(), random), new BatchNorm1d(32),
        new ReLU(), new Dropout(0.25, random), new Linear(32, 3, Init.he(), random));
    Tensor x = Tensor.randn(random, 64, 8);
    int[] labels = new int[64];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = random.nextInt(3);
    }
    Tensor y = Tensor.indices(labels);
    Optimizer adam = new Adam(net.namedParameters(), 0.01);
    for (int step = 0; step < 60; step++) {
      try (TensorScope scope = TensorScope.open()) {
        adam.zeroGrad();
        Losses.softmaxCrossEntropyLabels(net.forward(x), y).backward();
        adam.step();
      }
    }
    return bits(net);
  }

  /** Two epochs of {@link Trainer#fit} on blobs of {@code run}'s seed, batches prefetched. */
  private static Fitted fitted(int run) throws Exception {
    Sequential net = Mlp.builder().input(2).hidden(16).output(3).seed(20 + run).build();
    Dataset train = Blobs.make(300, 30 + run);
    MetricsHistory history = Trainer.builder()
        .model(net)
        .loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Momentum(net.namedParameters(), 0.05))
        .train(DataLoader.builder(train).batchSize(32).seed(40 + run).prefetch(true).build())
        .test(Blobs.make(90, 50 + run))
        .epochs(2)
        .build()
        .fit();
    List<Double> losses = new ArrayList<>();
    for (EpochMetrics e : history.epochs()) {
      losses.add(e.trainLoss());
      losses.add(e.testLoss());
    }
    return new Fitted(losses, bits(net));
  }

  private record Fitted(List<Double> losses, List<int[]> parameters) {}

  /** Every parameter and buffer of {@code model} as raw float bits, in name order. */
  private static List<int[]> bits(Module model) {
    List<int[]> all = new ArrayList<>();
    for (Map<String, Tensor> tensors : List.of(model.namedParameters(), model.namedBuffers())) {
      for (Tensor t : tensors.values()) {
        all.add(Threads.rawBits(t));
      }
    }
    return all;
  }

  private static void assertBitsEqual(List<int[]> want, List<int[]> got, String what) {
    assertEquals(want.size(), got.size(), what);
    for (int i = 0; i < want.size(); i++) {
      assertArrayEquals(want.get(i), got.get(i), what + ", tensor " + i);
    }
  }
}
