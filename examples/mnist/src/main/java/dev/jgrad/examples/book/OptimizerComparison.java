package dev.jgrad.examples.book;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.AdaGrad;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.Momentum;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.Sgd;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The book's optimizer comparison on MNIST (6.1.8, {@code optimizer_compare_mnist.py}): a 5-layer
 * ReLU network of 100 units per hidden layer (He initialisation) trained by SGD, Momentum,
 * AdaGrad and Adam with the book's rates (0.01, Adam 0.001), batch 128, the loss printed every
 * 100 iterations. SGD learns slowest; Momentum, AdaGrad and Adam much faster.
 *
 * <pre>{@code
 * java -cp examples/mnist/target/jgrad-mnist.jar dev.jgrad.examples.book.OptimizerComparison
 * java -cp ... dev.jgrad.examples.book.OptimizerComparison 500   # iterations (default 2000)
 * }</pre>
 */
public final class OptimizerComparison {
  private OptimizerComparison() {}

  /** The optimizers and the book's rates, in its order. */
  static Map<String, Function<Map<String, Tensor>, Optimizer>> optimizers() {
    Map<String, Function<Map<String, Tensor>, Optimizer>> o = new LinkedHashMap<>();
    o.put("SGD", p -> new Sgd(p, 0.01));
    o.put("Momentum", p -> new Momentum(p, 0.01));
    o.put("AdaGrad", p -> new AdaGrad(p, 0.01));
    o.put("Adam", p -> new Adam(p, 0.001));
    return o;
  }

  /** Each optimizer's loss at every iteration, on the same network start and the same batches. */
  static Map<String, double[]> compare(Dataset train, int iterations, int batchSize, long seed) {
    Map<String, Supplier<MiniBatchRun.Setup>> setups = new LinkedHashMap<>();
    optimizers().forEach((name, make) -> setups.put(name, () -> {
      Sequential net = Mlp.builder().input(784).hidden(100, 100, 100, 100).output(10).seed(seed)
          .build(); // ReLU, He init: the book's MultiLayerNet defaults
      return new MiniBatchRun.Setup(net, make.apply(net.namedParameters()));
    }));
    return MiniBatchRun.compare(setups, train, iterations, batchSize, seed);
  }

  public static void main(String[] args) {
    BookArgs.main(OptimizerComparison.class, args, a -> run(a.positiveInt(0, 2000)), "iterations");
  }

  private static void run(int iterations) throws IOException {
    Map<String, double[]> runs = compare(MiniBatchRun.mnist(8000), iterations, 128, 42);
    MiniBatchRun.print(runs, 100, System.out);
  }
}
