package dev.jgrad.examples.book;

import dev.jgrad.data.Dataset;
import dev.jgrad.examples.book.DropoutComparison.Result;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The book's hyperparameter search (6.5.3, {@code hyperparameter_optimization.py}): 500 MNIST
 * images, a fifth of them held out at random as validation data ({@link Dataset#randomSplit}),
 * never the test data, which would tune the model to it. Each trial draws a learning rate
 * {@code 10^U(-6, -2)} and a weight decay {@code 10^U(-8, -4)}, trains the 7-layer ReLU network
 * of {@link DropoutComparison} (6 hidden layers of 100, He init) by SGD for 200 iterations of
 * batch 100 (the book's 50 epochs of 400 images) and measures the validation accuracy. The best
 * trials show where to search next: as in the book, rates near 10^-2 lead and the decay hardly
 * matters in this range ({@link Sgd} decays the biases too, PyTorch's meaning; the book only the
 * weights). Measured figures: docs/book.md.
 *
 * <pre>{@code
 * java -cp examples/mnist/target/jgrad-mnist.jar dev.jgrad.examples.book.HyperparameterSearch
 * java -cp ... dev.jgrad.examples.book.HyperparameterSearch 30 100 7   # trials (100),
 *                                                                   # iterations (200), seed (42)
 * }</pre>
 */
public final class HyperparameterSearch {
  static final int SAMPLES = 500;
  static final int VALIDATION = 100;
  static final int ITERATIONS = 200;
  static final int TRIALS = 100;
  /** How many of the best trials the book prints. */
  static final int BEST = 20;

  private HyperparameterSearch() {}

  /** One trial's hyperparameters and its accuracies at the end, in evaluation mode. */
  record Trial(double learningRate, double weightDecay, Result result) {
    double validationAccuracy() {
      return result.test().accuracy();
    }
  }

  /** {@code data} split at random into the training part and the validation part. */
  static List<Dataset> split(Dataset data, long seed) {
    return data.randomSplit(seed, data.size() - VALIDATION, VALIDATION);
  }

  /** Trains a fresh network with these hyperparameters and measures it on both parts. */
  static Trial trial(Dataset train, Dataset validation, double learningRate, double weightDecay,
      int iterations, long seed) {
    Sequential net = DropoutComparison.network(0, seed);
    Result r = DropoutComparison.fitAndMeasure(net,
        new Sgd(net.namedParameters(), learningRate, 0, weightDecay), train, validation,
        iterations, 100, seed);
    return new Trial(learningRate, weightDecay, r);
  }

  /**
   * {@code trials} trials with hyperparameters drawn at random (log-uniform, the book's ranges)
   * from {@code seed}, in the order run; each one is printed to {@code out} as it ends.
   */
  static List<Trial> search(Dataset train, Dataset validation, int trials, int iterations,
      long seed, PrintStream out) {
    Random random = new Random(seed);
    List<Trial> done = new ArrayList<>(trials);
    for (int i = 0; i < trials; i++) {
      double weightDecay = Math.pow(10, -8 + 4 * random.nextDouble());
      double learningRate = Math.pow(10, -6 + 4 * random.nextDouble());
      Trial t = trial(train, validation, learningRate, weightDecay, iterations, seed + 1 + i);
      done.add(t);
      out.printf(Locale.ROOT, "val acc:%.2f | lr:%.3g, weight decay:%.3g%n",
          t.validationAccuracy(), learningRate, weightDecay);
    }
    return done;
  }

  /** The trials by validation accuracy, best first (ties: in the order run). */
  static List<Trial> best(List<Trial> trials, int count) {
    return trials.stream()
        .sorted(Comparator.comparingDouble(Trial::validationAccuracy).reversed())
        .limit(count).toList();
  }

  public static void main(String[] args) {
    BookArgs.main(HyperparameterSearch.class, args, a -> run(a.positiveInt(0, TRIALS),
        a.positiveInt(1, ITERATIONS), a.seed(2, 42)), "trials", "iterations", "seed");
  }

  private static void run(int trials, int iterations, long seed) throws IOException {
    List<Dataset> parts = split(MiniBatchRun.mnist(SAMPLES), seed);
    List<Trial> all = search(parts.get(0), parts.get(1), trials, iterations, seed, System.out);
    System.out.println("=========== Hyper-Parameter Optimization Result ===========");
    List<Trial> best = best(all, BEST);
    for (int i = 0; i < best.size(); i++) {
      Trial t = best.get(i);
      System.out.printf(Locale.ROOT, "Best-%d(val acc:%.2f) | lr:%.3g, weight decay:%.3g%n",
          i + 1, t.validationAccuracy(), t.learningRate(), t.weightDecay());
    }
  }
}
