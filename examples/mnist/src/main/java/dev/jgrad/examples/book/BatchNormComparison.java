package dev.jgrad.examples.book;

import dev.jgrad.data.Dataset;
import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The book's Batch Normalization experiment (6.3.2, {@code batch_norm_test.py}): a 5-layer ReLU
 * network of 100 units per hidden layer trained on 1,000 MNIST images by SGD at 0.01, batch 100,
 * with and without a {@link BatchNorm1d} after each hidden affine layer, from weights of a given
 * standard deviation. Without it a small std (0.01) leaves the loss at ln(10) = 2.30, as the
 * signal vanishes through the layers; with it the same start learns.
 *
 * <pre>{@code
 * java -cp examples/mnist/target/jgrad-mnist.jar dev.jgrad.examples.book.BatchNormComparison
 * java -cp ... dev.jgrad.examples.book.BatchNormComparison 0.01 500 7   # std (0.01),
 *                                          # iterations (200), seed (42)
 * }</pre>
 */
public final class BatchNormComparison {
  static final int[] HIDDEN = {100, 100, 100, 100, 100};

  private BatchNormComparison() {}

  /** Affine (-> BatchNorm) -> ReLU for each hidden layer, then affine 10, weights of std. */
  static Sequential network(double std, boolean batchNorm, long seed) {
    Random random = new Random(seed);
    Init init = Init.normal(std);
    List<Module> layers = new ArrayList<>();
    int in = 784;
    for (int size : HIDDEN) {
      layers.add(new Linear(in, size, init, random));
      if (batchNorm) {
        layers.add(new BatchNorm1d(size));
      }
      layers.add(new ReLU());
      in = size;
    }
    layers.add(new Linear(in, 10, init, random));
    return new Sequential(layers);
  }

  /** The loss of every iteration with and without BatchNorm, on the same batches. */
  static Map<String, double[]> compare(Dataset train, double std, int iterations, int batchSize,
      long seed) {
    Map<String, Supplier<MiniBatchRun.Setup>> setups = new LinkedHashMap<>();
    for (boolean bn : new boolean[] {true, false}) {
      setups.put(bn ? "BatchNorm" : "no BatchNorm", () -> {
        Sequential net = network(std, bn, seed);
        return new MiniBatchRun.Setup(net, new Sgd(net.namedParameters(), 0.01));
      });
    }
    return MiniBatchRun.compare(setups, train, iterations, batchSize, seed);
  }

  public static void main(String[] args) {
    BookArgs.main(BatchNormComparison.class, args, a -> run(a.positive(0, 0.01),
        a.positiveInt(1, 200), a.seed(2, 42)), "std", "iterations", "seed");
  }

  private static void run(double std, int iterations, long seed) throws IOException {
    System.out.printf(Locale.ROOT, "weight init std %s%n", std);
    MiniBatchRun.print(compare(MiniBatchRun.mnist(1000), std, iterations, 100, seed), 20,
        System.out);
  }
}
