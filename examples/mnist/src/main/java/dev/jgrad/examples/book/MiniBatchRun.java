package dev.jgrad.examples.book;

import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.data.Batch;
import dev.jgrad.data.Dataset;
import dev.jgrad.examples.mnist.MnistTraining;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.Optimizer;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The training loop of the book's chapter-6 experiments: {@code iterations} mini-batches drawn at
 * random with replacement (the book's {@code np.random.choice}), one step each, the loss of every
 * step kept. The same seed draws the same batches, so the compared runs see the same data.
 */
final class MiniBatchRun {
  private MiniBatchRun() {}

  /** The first {@code limit} images of the embedded MNIST subset (8,000 at most). */
  static Dataset mnist(int limit) throws IOException {
    Dataset all = Dataset.ofImages(
        MnistFiles.loadResources(MnistTraining.EMBEDDED).train());
    return all.head(limit);
  }

  /** The first {@code limit} test images of the embedded MNIST subset (2,000 at most). */
  static Dataset mnistTest(int limit) throws IOException {
    Dataset all = Dataset.ofImages(
        MnistFiles.loadResources(MnistTraining.EMBEDDED).test());
    return all.head(limit);
  }

  /** A network and its optimizer, made afresh for each run compared. */
  record Setup(Module model, Optimizer optimizer) {}

  /** Each setup's loss at every iteration, all with the same batches. */
  static Map<String, double[]> compare(Map<String, Supplier<Setup>> setups, Dataset train,
      int iterations, int batchSize, long seed) {
    Map<String, double[]> runs = new LinkedHashMap<>();
    setups.forEach((name, make) -> {
      Setup s = make.get();
      runs.put(name, losses(s.model(), s.optimizer(), train, iterations, batchSize, seed));
    });
    return runs;
  }

  /** The loss of each of {@code iterations} steps of {@code optimizer} on {@code model}. */
  static double[] losses(Module model, Optimizer optimizer, Dataset train, int iterations,
      int batchSize, long seed) {
    Random random = new Random(seed);
    double[] losses = new double[iterations];
    int[] picks = new int[batchSize];
    for (int i = 0; i < iterations; i++) {
      for (int j = 0; j < batchSize; j++) {
        picks[j] = random.nextInt(train.size());
      }
      try (TensorScope step = TensorScope.open();
          Batch batch = train.gather(Tensor.indices(picks))) {
        Tensor loss = Losses.softmaxCrossEntropyLabels(model.forward(batch.inputs()),
            batch.targets());
        loss.backward();
        optimizer.step();
        model.zeroGrad();
        losses[i] = loss.item();
      }
    }
    return losses;
  }

  /** The mean of the last {@code n} values: a loss less noisy than one batch's. */
  static double tailMean(double[] losses, int n) {
    double sum = 0;
    for (int i = losses.length - n; i < losses.length; i++) {
      sum += losses[i];
    }
    return sum / n;
  }

  /**
   * The book's printout, each run's loss every {@code every} iterations, then each run's mean
   * loss over its last 100 iterations.
   */
  static void print(Map<String, double[]> runs, int every, PrintStream out) {
    int iterations = runs.values().iterator().next().length;
    for (int i = 0; i < iterations; i += every) {
      out.printf(Locale.ROOT, "===========iteration:%d===========%n", i);
      for (Map.Entry<String, double[]> e : runs.entrySet()) {
        out.printf(Locale.ROOT, "%s:%.6f%n", e.getKey(), e.getValue()[i]);
      }
    }
    runs.forEach((name, losses) -> out.printf(Locale.ROOT,
        "%s: mean loss of the last 100 iterations %.4f%n", name,
        tailMean(losses, Math.min(100, losses.length))));
  }
}
