package dev.jgrad.examples.book;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The book's gradient descent (4.4.1) on {@code f(x0, x1) = x0^2 + x1^2} from (-3, 4) with learning
 * rate 0.1 for 100 steps, printing the path to the minimum at (0, 0). The gradient comes from
 * autograd; the book's numerical gradient gives the same path.
 *
 * <pre>{@code
 * java -cp "examples/mnist/target/jgrad-mnist.jar" dev.jgrad.examples.book.GradientDescentPath
 * }</pre>
 *
 * <p>Try {@code 10} as the first argument (too large a learning rate: it diverges) or {@code 1e-10}
 * (too small: it barely moves), as the book does.
 */
public final class GradientDescentPath {
  private GradientDescentPath() {}

  /** The points visited, the start included: {@code steps + 1} pairs (x0, x1). */
  static List<double[]> descend(double[] start, double learningRate, int steps) {
    checkArgument(start.length == 2, "start needs two coordinates, got %s", start.length);
    checkArgument(steps >= 0, "steps must be >= 0, got %s", steps);
    Tensor x = Tensor.of(start.clone()).requiresGrad(true);
    List<double[]> path = new ArrayList<>();
    path.add(x.toDoubleArray());
    for (int i = 0; i < steps; i++) {
      x.zeroGrad();
      x.pow(2).sum().backward();
      try (NoGrad ignored = NoGrad.scope()) {
        x.addScaledInPlace(x.grad(), -learningRate);
      }
      path.add(x.toDoubleArray());
    }
    return path;
  }

  static void print(List<double[]> path, PrintStream out) {
    for (int i = 0; i < path.size(); i++) {
      double[] p = path.get(i);
      out.printf(Locale.ROOT, "step %3d: x0 = %+.10f  x1 = %+.10f  f = %.3e%n", i, p[0],
          p[1], p[0] * p[0] + p[1] * p[1]);
    }
  }

  public static void main(String[] args) {
    BookArgs.main(GradientDescentPath.class, args,
        a -> print(descend(new double[] {-3, 4}, a.positive(0, 0.1), 100), System.out), "lr");
  }
}
