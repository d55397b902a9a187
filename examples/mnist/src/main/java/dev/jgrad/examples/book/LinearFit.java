package dev.jgrad.examples.book;

import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.Sgd;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Random;

/**
 * Learning {@code y = 3x} from five points with one {@link Linear} layer (a weight and a bias),
 * mean squared error and plain SGD: the weight goes to 3 and the bias to 0.
 *
 * <pre>{@code
 * java -cp "examples/mnist/target/jgrad-mnist.jar" dev.jgrad.examples.book.LinearFit
 * }</pre>
 */
public final class LinearFit {
  private LinearFit() {}

  /** The layer after {@code steps} steps of SGD with learning rate {@code lr}. */
  static Linear fit(int steps, double lr, PrintStream out) {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5}, 5, 1);
    Tensor y = x.mul(3);
    Linear line = new Linear(1, 1, Init.normal(0.01), new Random(0));
    Optimizer sgd = new Sgd(line.namedParameters(), lr);
    for (int step = 1; step <= steps; step++) {
      Tensor loss = Losses.meanSquaredError(line.forward(x), y);
      loss.backward();
      sgd.step();
      sgd.zeroGrad();
      if (out != null && (step <= 5 || step % 100 == 0)) {
        out.printf(Locale.ROOT, "step %4d: loss %.6f  w = %.6f  b = %+.6f%n", step,
            loss.item(), line.weight().item(), line.bias().item());
      }
    }
    return line;
  }

  public static void main(String[] args) {
    BookArgs.main(LinearFit.class, args, a -> fit(1000, 0.05, System.out));
  }
}
