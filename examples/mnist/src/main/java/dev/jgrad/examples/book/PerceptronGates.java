package dev.jgrad.examples.book;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The book's perceptrons (chapter 2): AND, NAND and OR are each one neuron with hand-picked weights
 * and a step function; XOR is not linearly separable, so it takes two layers:
 * {@code XOR(a, b) = AND(NAND(a, b), OR(a, b))}.
 *
 * <pre>{@code
 * java -cp "examples/mnist/target/jgrad-mnist.jar" dev.jgrad.examples.book.PerceptronGates
 * }</pre>
 */
public final class PerceptronGates {
  /** The four input pairs (0,0), (1,0), (0,1), (1,1) as rows, in the book's order. */
  static final double[][] INPUTS = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};

  private PerceptronGates() {}

  /** One perceptron: 1 where {@code w1 x1 + w2 x2 + b > 0}, else 0, for every row of {@code x}. */
  static Tensor gate(Tensor x, double w1, double w2, double bias) {
    Tensor w = Tensor.of(new double[] {w1, w2}, DType.FLOAT64, 2, 1);
    return x.matmul(w).add(bias).step().reshape(-1);
  }

  static Tensor and(Tensor x) {
    return gate(x, 0.5, 0.5, -0.7);
  }

  static Tensor nand(Tensor x) {
    return gate(x, -0.5, -0.5, 0.7);
  }

  static Tensor or(Tensor x) {
    return gate(x, 0.5, 0.5, -0.2);
  }

  /** The second layer sees the outputs of NAND and OR as its two inputs. */
  static Tensor xor(Tensor x) {
    Tensor hidden = Tensor.concat(1, nand(x).reshape(-1, 1), or(x).reshape(-1, 1));
    return and(hidden);
  }

  /** The four input rows as a [4, 2] FLOAT64 tensor. */
  static Tensor inputs() {
    double[] flat = new double[8];
    for (int i = 0; i < 4; i++) {
      flat[2 * i] = INPUTS[i][0];
      flat[2 * i + 1] = INPUTS[i][1];
    }
    return Tensor.of(flat, 4, 2);
  }

  static void printTruthTables(PrintStream out) {
    Tensor x = inputs();
    double[][] columns = {and(x).toDoubleArray(), nand(x).toDoubleArray(), or(x).toDoubleArray(),
        xor(x).toDoubleArray()};
    out.println("x1 x2 | AND NAND OR XOR");
    for (int i = 0; i < 4; i++) {
      out.printf(Locale.ROOT, " %d  %d |  %d    %d   %d   %d%n", (int) INPUTS[i][0],
          (int) INPUTS[i][1], (int) columns[0][i], (int) columns[1][i], (int) columns[2][i],
          (int) columns[3][i]);
    }
  }

  public static void main(String[] args) {
    BookArgs.main(PerceptronGates.class, args, a -> printTruthTables(System.out));
  }
}
