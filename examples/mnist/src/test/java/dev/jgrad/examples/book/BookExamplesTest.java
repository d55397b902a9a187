package dev.jgrad.examples.book;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Linear;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BookExamplesTest {
  @Test
  void perceptronGatesGiveTheirTruthTables() {
    Tensor x = PerceptronGates.inputs(); // (0,0) (1,0) (0,1) (1,1)
    assertArrayEquals(new double[] {0, 0, 0, 1}, PerceptronGates.and(x).toDoubleArray());
    assertArrayEquals(new double[] {1, 1, 1, 0}, PerceptronGates.nand(x).toDoubleArray());
    assertArrayEquals(new double[] {0, 1, 1, 1}, PerceptronGates.or(x).toDoubleArray());
    assertArrayEquals(new double[] {0, 1, 1, 0}, PerceptronGates.xor(x).toDoubleArray());
    String table = capture(PerceptronGates::printTruthTables);
    assertTrue(table.contains(" 1  1 |  1    0   1   0"), table);
  }

  @Test
  void gradientDescentFollowsTheBooksPath() {
    List<double[]> path = GradientDescentPath.descend(new double[] {-3, 4}, 0.1, 100);
    assertEquals(101, path.size());
    assertArrayEquals(new double[] {-3, 4}, path.get(0), 0);
    assertArrayEquals(new double[] {-2.4, 3.2}, path.get(1), 1e-12);
    assertArrayEquals(new double[] {-1.92, 2.56}, path.get(2), 1e-12);
    // each step multiplies by 0.8: the book's result, about (-6.1e-10, 8.1e-10)
    double f = Math.pow(0.8, 100);
    assertArrayEquals(new double[] {-3 * f, 4 * f}, path.get(100), 1e-15);
    // too large a rate diverges, too small a rate barely moves (book 4.4.1)
    assertTrue(Math.abs(GradientDescentPath.descend(new double[] {-3, 4}, 10, 100).get(100)[0])
        > 1e10);
    assertArrayEquals(new double[] {-3, 4},
        GradientDescentPath.descend(new double[] {-3, 4}, 1e-10, 100).get(100), 1e-6);
    String printed = capture(out -> GradientDescentPath.print(path.subList(0, 2), out));
    assertTrue(printed.contains("step   1: x0 = -2.4000000000  x1 = +3.2000000000"), printed);
  }

  @Test
  void linearFitFindsThree() {
    String log = capture(out -> {
      Linear line = LinearFit.fit(1000, 0.05, out);
      assertEquals(3.0, line.weight().item(), 1e-3);
      assertEquals(0.0, line.bias().item(), 1e-2);
    });
    assertTrue(log.contains("step 1000:"), log);
  }

  @Test
  void gradientCheckOfTheTwoLayerNetAgrees() {
    // a smaller net than the book's 784-50-10, on random inputs, to keep the test quick
    Tensor x = Tensor.uniform(new Random(1), 0, 1, DType.FLOAT64, 3, 30);
    Tensor t = Tensor.indices(new int[] {2, 7, 0});
    Map<String, Double> diffs = TwoLayerNetGradientCheck.check(x, t, 8, 42);
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(diffs.keySet()));
    diffs.forEach((name, d) -> assertTrue(d < 1e-8, name + ": " + d));
    String printed = capture(out -> TwoLayerNetGradientCheck.print(diffs, out));
    assertTrue(printed.startsWith("W1 (0.weight):"), printed);
  }

  interface Printer {
    void print(PrintStream out);
  }

  static String capture(Printer p) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      p.print(out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
