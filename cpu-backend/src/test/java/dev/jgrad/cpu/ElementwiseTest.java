package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.assertClose;
import static dev.jgrad.cpu.Fixture.buffer;
import static dev.jgrad.cpu.Fixture.random;
import static dev.jgrad.cpu.Fixture.read;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.UnaryOp;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ElementwiseTest {
  /** Sizes below and well above the threading threshold, so both paths are checked. */
  private static final int[] SIZES = {1, 7, 1000, 3 * Elementwise.CHEAP_THRESHOLD + 5};

  static Stream<Arguments> unaryCases() {
    return Stream.of(DType.values()).flatMap(d -> Stream.of(UnaryOp.values())
        .flatMap(op -> java.util.Arrays.stream(SIZES).mapToObj(n -> Arguments.of(d, op, n))));
  }

  static Stream<Arguments> binaryCases() {
    return Stream.of(DType.values()).flatMap(d -> Stream.of(BinaryOp.values())
        .flatMap(op -> java.util.Arrays.stream(SIZES).mapToObj(n -> Arguments.of(d, op, n))));
  }

  static double reference(UnaryOp op, double x) {
    return switch (op) {
      case NEG -> -x;
      case EXP -> Math.exp(x);
      case LOG -> Math.log(x);
      case SQRT -> Math.sqrt(x);
      case ABS -> Math.abs(x);
      case TANH -> Math.tanh(x);
      case SIGMOID -> 1 / (1 + Math.exp(-x));
      case RELU -> x > 0 ? x : 0;
      case STEP -> x > 0 ? 1 : Double.isNaN(x) ? x : 0;
    };
  }

  static double reference(BinaryOp op, double a, double b) {
    return switch (op) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case POW -> Math.pow(a, b);
      case MAXIMUM -> Math.max(a, b);
      case MINIMUM -> Math.min(a, b);
      case GREATER -> a > b ? 1 : 0;
      case EQUAL -> a == b ? 1 : 0;
    };
  }

  /** Inputs where every op is defined: positive for LOG/SQRT/POW, mixed signs otherwise. */
  static double[] inputs(long seed, int n, boolean positive) {
    double[] v = random(seed, n);
    if (positive) {
      for (int i = 0; i < n; i++) {
        v[i] = (float) (Math.abs(v[i]) + 0.1);
      }
    }
    return v;
  }

  @ParameterizedTest(name = "{0} {1} n={2}")
  @MethodSource("unaryCases")
  void unaryMatchesReference(DType dtype, UnaryOp op, int n) {
    double[] x = inputs(n, n, op == UnaryOp.LOG || op == UnaryOp.SQRT);
    if (n > 3) {
      x[3] = 0; // the kink of RELU / STEP
    }
    DeviceBuffer out = CPU.allocate(dtype, n);
    CPU.unary(op, buffer(dtype, x), out);
    double[] expected = new double[n];
    for (int i = 0; i < n; i++) {
      expected[i] = reference(op, x[i]);
    }
    assertClose(dtype, expected, read(out));
  }

  @ParameterizedTest(name = "{0} {1} n={2}")
  @MethodSource("binaryCases")
  void scalarMatchesReference(DType dtype, BinaryOp op, int n) {
    double[] a = inputs(n + 1, n, op == BinaryOp.POW);
    double s = op == BinaryOp.POW ? 1.5 : -0.75;
    if (n > 2) {
      a[2] = s; // so EQUAL and the tie of MAXIMUM are exercised
    }
    DeviceBuffer out = CPU.allocate(dtype, n);
    CPU.scalar(op, buffer(dtype, a), s, out);
    double[] expected = new double[n];
    for (int i = 0; i < n; i++) {
      expected[i] = reference(op, a[i], s);
    }
    assertClose(dtype, expected, read(out));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void powWithTheSpecialCasedExponents(DType dtype) {
    double[] a = {-1.5, 0, 0.5, 3};
    for (double s : new double[] {2, 1, 0, -1, 3}) {
      DeviceBuffer out = CPU.allocate(dtype, a.length);
      CPU.scalar(BinaryOp.POW, buffer(dtype, a), s, out);
      double[] expected = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        expected[i] = Math.pow(a[i], s);
      }
      assertClose(dtype, expected, read(out));
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void unaryAndScalarWorkInPlace(DType dtype) {
    int n = 2 * Elementwise.CHEAP_THRESHOLD + 3;
    double[] x = random(5, n);
    DeviceBuffer buf = buffer(dtype, x);
    CPU.unary(UnaryOp.NEG, buf, buf);
    CPU.scalar(BinaryOp.MUL, buf, 2, buf);
    double[] expected = new double[n];
    for (int i = 0; i < n; i++) {
      expected[i] = -x[i] * 2;
    }
    assertClose(dtype, expected, read(buf));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void nanStaysVisibleThroughReluAndMaximum(DType dtype) {
    DeviceBuffer out = CPU.allocate(dtype, 2);
    CPU.unary(UnaryOp.RELU, buffer(dtype, Double.NaN, -1), out);
    double[] r = read(out);
    assertEquals(Double.NaN, r[0]);
    assertEquals(0.0, r[1]);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void stepAtTheEdges(DType dtype) {
    double tiny = dtype == DType.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
    DeviceBuffer out = CPU.allocate(dtype, 8);
    CPU.unary(UnaryOp.STEP, buffer(dtype, tiny, -tiny, 0.0, -0.0, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.NaN, 3), out);
    double[] r = read(out);
    assertEquals(1.0, r[0], "the smallest positive subnormal is > 0");
    assertEquals(0.0, r[1]);
    assertEquals(0.0, r[2]);
    assertEquals(0.0, r[3]);
    assertEquals(1.0, r[4]);
    assertEquals(0.0, r[5]);
    assertEquals(Double.NaN, r[6], "NaN stays visible, as through RELU");
    assertEquals(1.0, r[7]);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void sigmoidSaturatesWithoutNan(DType dtype) {
    DeviceBuffer out = CPU.allocate(dtype, 3);
    CPU.unary(UnaryOp.SIGMOID, buffer(dtype, -1000, 0, 1000), out);
    assertClose(dtype, new double[] {0, 0.5, 1}, read(out));
  }
}
