package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.assertClose;
import static dev.jgrad.cpu.Fixture.buffer;
import static dev.jgrad.cpu.Fixture.random;
import static dev.jgrad.cpu.Fixture.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.ReduceOp;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ReduceTest {
  /**
   * {outer, axis, inner}: first axis of [5,4,6] (outer 1), middle (5,4,6), last (inner 1), a
   * single-element axis, and large ones; the last two are above the threading threshold and take
   * the threaded paths (over outer indices, and over the columns of a single outer index).
   */
  private static final int[][] VIEWS = {
      {1, 5, 24}, {5, 4, 6}, {20, 6, 1}, {3, 1, 4}, {1, 1, 1}, {0, 3, 2}, {2000, 100, 1},
      {1, 500, 900}, {2, 300, 500}, {64, 40, 50}, {6000, 100, 1}, {1, 1000, 1200}};

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (DType d : DType.values()) {
      for (ReduceOp op : ReduceOp.values()) {
        for (int[] v : VIEWS) {
          out.add(Arguments.of(d, op, v[0], v[1], v[2]));
        }
      }
    }
    return out.stream();
  }

  static double[] reference(ReduceOp op, double[] x, int outer, int axis, int inner) {
    double[] out = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        double best = Double.NEGATIVE_INFINITY;
        int at = -1;
        double sum = 0;
        for (int a = 0; a < axis; a++) {
          double v = x[(o * axis + a) * inner + j];
          sum += v;
          if (v > best) {
            best = v;
            at = a;
          }
        }
        out[o * inner + j] = switch (op) {
          case SUM -> sum;
          case MAX -> best;
          case ARGMAX -> at;
        };
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1} [{2}, {3}, {4}]")
  @MethodSource("cases")
  void matchesReference(DType dtype, ReduceOp op, int outer, int axis, int inner) {
    double[] x = random(outer * 7L + axis * 3L + inner, outer * axis * inner);
    for (int i = 0; i + 3 < x.length; i += 5) {
      x[i + 3] = x[i]; // ties, so ARGMAX must report the first maximum
    }
    DeviceBuffer out = CPU.allocate(dtype, (long) outer * inner);
    CPU.fill(out, -99);
    CPU.reduce(op, buffer(dtype, x), outer, axis, inner, out);
    double[] expected = reference(op, Fixture.stored(dtype, x), outer, axis, inner);
    if (op == ReduceOp.SUM && dtype == DType.FLOAT32) {
      // A float32 sum of up to 500 terms is good to a few ulps of the sum of magnitudes.
      double[] actual = read(out);
      for (int i = 0; i < expected.length; i++) {
        org.junit.jupiter.api.Assertions.assertEquals(expected[i], actual[i], 1e-6 * axis * 2,
            "sum " + i);
      }
    } else {
      assertClose(dtype, expected, read(out));
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void argmaxTakesTheFirstOfEqualMaxima(DType dtype) {
    DeviceBuffer out = CPU.allocate(dtype, 2);
    // rows [1, 3, 3] and [2, 2, 0]: last axis, first maxima at 1 and 0
    CPU.reduce(ReduceOp.ARGMAX, buffer(dtype, 1, 3, 3, 2, 2, 0), 2, 3, 1, out);
    assertArrayEquals(new double[] {1, 0}, read(out));
    // the same data as [3, 2] reduced over the first axis: columns [1, 3, 2] and [3, 2, 0]
    CPU.reduce(ReduceOp.ARGMAX, buffer(dtype, 1, 3, 3, 2, 2, 0), 1, 3, 2, out);
    assertArrayEquals(new double[] {1, 0}, read(out));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void maxAndArgmaxPropagateNan(DType dtype) {
    DeviceBuffer out = CPU.allocate(dtype, 1);
    CPU.reduce(ReduceOp.MAX, buffer(dtype, 1, Double.NaN, 5), 1, 3, 1, out);
    assertArrayEquals(new double[] {Double.NaN}, read(out));
    CPU.reduce(ReduceOp.ARGMAX, buffer(dtype, 1, Double.NaN, 5), 1, 3, 1, out);
    assertArrayEquals(new double[] {1}, read(out));
  }
}
