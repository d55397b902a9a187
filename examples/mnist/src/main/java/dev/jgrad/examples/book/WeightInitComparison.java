package dev.jgrad.examples.book;

import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The book's weight initialisation comparison on MNIST (6.2.4,
 * {@code weight_init_compare.py}): a 5-layer ReLU network of 100 units per hidden layer,
 * initialised with std 0.01, Xavier ({@code sqrt(1/n)}) or He ({@code sqrt(2/n)}), trained by SGD
 * at 0.01, batch 128, the loss printed every 100 iterations. With std 0.01 the signal vanishes
 * through the layers and the loss stays at ln(10) = 2.30; Xavier learns, He fastest.
 *
 * <pre>{@code
 * java -cp examples/mnist/target/jgrad-mnist.jar dev.jgrad.examples.book.WeightInitComparison
 * java -cp ... dev.jgrad.examples.book.WeightInitComparison 500   # iterations (default 2000)
 * }</pre>
 */
public final class WeightInitComparison {
  private WeightInitComparison() {}

  /** The initialisers compared, by the book's names. */
  static Map<String, Init> inits() {
    Map<String, Init> inits = new LinkedHashMap<>();
    inits.put("std=0.01", Init.normal(0.01));
    inits.put("Xavier", Init.xavier());
    inits.put("He", Init.he());
    return inits;
  }

  /** Each initialiser's loss at every iteration, with the same batches. */
  static Map<String, double[]> compare(Dataset train, int iterations, int batchSize, long seed) {
    Map<String, Supplier<MiniBatchRun.Setup>> setups = new LinkedHashMap<>();
    inits().forEach((name, init) -> setups.put(name, () -> {
      Sequential net = Mlp.builder().input(784).hidden(100, 100, 100, 100).output(10).init(init)
          .seed(seed).build();
      return new MiniBatchRun.Setup(net, new Sgd(net.namedParameters(), 0.01));
    }));
    return MiniBatchRun.compare(setups, train, iterations, batchSize, seed);
  }

  public static void main(String[] args) {
    BookArgs.main(WeightInitComparison.class, args, a -> run(a.positiveInt(0, 2000)), "iterations");
  }

  private static void run(int iterations) throws IOException {
    Map<String, double[]> runs = compare(MiniBatchRun.mnist(8000), iterations, 128, 42);
    MiniBatchRun.print(runs, 100, System.out);
  }
}
