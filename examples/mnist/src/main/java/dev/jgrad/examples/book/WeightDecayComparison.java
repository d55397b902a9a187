package dev.jgrad.examples.book;

import dev.jgrad.data.Dataset;
import dev.jgrad.examples.book.DropoutComparison.Result;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import java.io.IOException;

/**
 * The book's weight decay experiment (6.4.1, {@code overfit_weight_decay.py}): the 7-layer ReLU
 * network of {@link DropoutComparison} (6 hidden layers of 100, He init) trained on only 300
 * MNIST images by SGD at 0.01, batch 100, with and without weight decay. The book adds
 * {@code lambda/2 * sum(W^2)} to the loss, so each step adds {@code lambda * W} to the gradient;
 * {@link Sgd}'s weight decay adds the same term (to the biases too, as PyTorch does; the book
 * decays only the weights). Without decay the network fits all 300 images and tests far lower;
 * with lambda 0.1 the weights stay small, training accuracy stays below 100% and the gap between
 * training and test accuracy narrows. Measured figures: docs/book.md.
 *
 * <pre>{@code
 * java -cp examples/mnist/target/jgrad-mnist.jar dev.jgrad.examples.book.WeightDecayComparison
 * java -cp ... dev.jgrad.examples.book.WeightDecayComparison 900 0.2 7   # iterations (600: the
 *                                                                      # book's 200 epochs),
 *                                                                      # lambda (0.1), seed (42)
 * }</pre>
 */
public final class WeightDecayComparison {
  /** The book's {@code weight_decay_lambda}. */
  static final double LAMBDA = 0.1;
  /** 200 epochs of 3 batches of 100 out of 300 images. */
  static final int ITERATIONS = 600;

  private WeightDecayComparison() {}

  /** Trains the network {@code iterations} steps with L2 coefficient {@code lambda} (0: none). */
  static Result run(Dataset train, Dataset test, double lambda, int iterations, int batchSize,
      long seed) {
    Sequential net = DropoutComparison.network(0, seed);
    return DropoutComparison.fitAndMeasure(net, new Sgd(net.namedParameters(), 0.01, 0, lambda),
        train, test, iterations, batchSize, seed);
  }

  public static void main(String[] args) {
    BookArgs.main(WeightDecayComparison.class, args, a -> compare(a.positiveInt(0, ITERATIONS),
        a.nonNegative(1, LAMBDA), a.seed(2, 42)), "iterations", "lambda", "seed");
  }

  private static void compare(int iterations, double lambda, long seed) throws IOException {
    Dataset train = MiniBatchRun.mnist(300);
    Dataset test = MiniBatchRun.mnistTest(2000);
    for (double l : new double[] {0, lambda}) {
      DropoutComparison.print(l > 0 ? "weight decay " + l : "no weight decay",
          run(train, test, l, iterations, 100, seed));
    }
  }
}
