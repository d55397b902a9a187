package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.buffer;
import static dev.jgrad.cpu.Fixture.random;
import static dev.jgrad.cpu.Fixture.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class MatmulTest {
  /**
   * {m, n, k}: odd and unequal so a swapped dimension or leading dimension shows; small ones run
   * whole, large ones split by rows or by columns over the cores, down to a single row or column
   * (the build sets {@code jgrad.cpu.gemmAlwaysSplitMacs} to 64K for the tests, see pom.xml).
   */
  private static final int[][] SIZES = {
      {1, 1, 1}, {2, 3, 4}, {7, 5, 3}, {3, 1, 9}, {1, 9, 3}, {33, 17, 65}, {100, 10, 784},
      {784, 100, 100}, {100, 784, 100}, {130, 129, 257}, {1, 3001, 100}, {3001, 1, 100}};

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (DType d : DType.values()) {
      for (int[] s : SIZES) {
        for (boolean ta : new boolean[] {false, true}) {
          for (boolean tb : new boolean[] {false, true}) {
            out.add(Arguments.of(d, s[0], s[1], s[2], ta, tb));
          }
        }
      }
    }
    return out.stream();
  }

  /** The stored layout of op(x)[rows, cols]: x itself is [cols, rows] when transposed. */
  static double at(double[] x, boolean trans, int rows, int cols, int r, int c) {
    return trans ? x[c * rows + r] : x[r * cols + c];
  }

  @ParameterizedTest(name = "{0} m={1} n={2} k={3} transA={4} transB={5}")
  @MethodSource("cases")
  void matchesTripleLoop(DType dtype, int m, int n, int k, boolean transA, boolean transB) {
    double[] a = random(m * 31L + k, m * k);
    double[] b = random(n * 17L + k, k * n);
    DeviceBuffer out = CPU.allocate(dtype, (long) m * n);
    CPU.fill(out, 12345); // stale contents must be overwritten, not accumulated into
    CPU.matmul(buffer(dtype, a), transA, buffer(dtype, b), transB, out, m, n, k);
    double[] actual = read(out);
    double tol = dtype == DType.FLOAT32 ? 1e-4 : 1e-11;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        double mag = 0;
        for (int p = 0; p < k; p++) {
          double t = at(a, transA, m, k, i, p) * at(b, transB, k, n, p, j);
          s += t;
          mag += Math.abs(t);
        }
        assertEquals(s, actual[i * n + j], tol * Math.max(1, mag), "out[" + i + ", " + j + "]");
      }
    }
  }

  /** The build runs this class twice: with the native helper, and without it (pom.xml). */
  @Test
  void runsOnThePathThisRunAsksFor() {
    if ("false".equals(System.getProperty("jgrad.cpu.native"))) {
      assertFalse(NativeCpu.available());
      assertEquals("disabled by -Djgrad.cpu.native=false", NativeCpu.unavailableReason());
    } else if (System.getProperty("os.name").startsWith("Linux")
        && System.getProperty("os.arch").equals("amd64")) {
      assertTrue(NativeCpu.available(), NativeCpu.unavailableReason());
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void emptyInnerDimensionGivesZeros(DType dtype) {
    DeviceBuffer out = buffer(dtype, 1, 2, 3, 4, 5, 6);
    CPU.matmul(CPU.allocate(dtype, 0), false, CPU.allocate(dtype, 0), true, out, 2, 3, 0);
    assertArrayEquals(new double[6], read(out));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void emptyOutputIsANoOp(DType dtype) {
    DeviceBuffer out = CPU.allocate(dtype, 0);
    CPU.matmul(CPU.allocate(dtype, 0), false, buffer(dtype, 1, 2, 3), false, out, 0, 3, 1);
    assertEquals(0, read(out).length);
  }
}
