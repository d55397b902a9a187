package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.buffer;
import static dev.jgrad.cpu.Fixture.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FLOAT32 products whose left operand is mostly zeros take the native sparse kernel
 * ({@link DirectGemm}); they must give what a triple loop gives, for every way the kernel cuts an
 * output row into passes of up to 13 vectors of 8 columns (one pass or several, with or without the
 * overlapping last vector, fewer than 8 columns) and both layouts of the left operand (the
 * transposed one in 8x8 blocks, with leftover rows and columns).
 */
class SparseMatmulTest {
  /**
   * {m, n, k}. n: 12 vectors and the overlapping one (100), 13 vectors in one pass (104), 13 then
   * the overlapping one alone (109), three passes (300), small ones and n < 8.
   */
  private static final int[][] SIZES = {
      {100, 100, 784}, {784, 100, 100}, {70, 5, 3000}, {60, 9, 2000}, {20, 40, 4000},
      {3000, 33, 30}, {33, 64, 2500}, {1, 300, 4000}, {40, 104, 1000}, {27, 109, 1000}};

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (int[] s : SIZES) {
      for (boolean ta : new boolean[] {false, true}) {
        for (double density : new double[] {0.0, 0.05, 0.15}) {
          out.add(Arguments.of(s[0], s[1], s[2], ta, density));
        }
      }
    }
    return out.stream();
  }

  /** Values in [-2, 2) with about {@code density} of them nonzero, the rest exactly zero. */
  static double[] sparse(long seed, int n, double density) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextDouble() < density ? (float) (r.nextDouble() * 4 - 2) : 0;
    }
    return v;
  }

  @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} density={4}")
  @MethodSource("cases")
  void matchesTripleLoop(int m, int n, int k, boolean transA, double density) {
    double[] a = sparse(m * 31L + k, m * k, density);
    double[] b = Fixture.random(n * 17L + k, k * n);
    DeviceBuffer ab = buffer(DType.FLOAT32, a);
    assertTrue(DirectGemm.usesSparseKernel(((CpuBuffer) ab).array(), false, m, n, k),
        "the product must take the sparse kernel, or this test checks the dense path");
    DeviceBuffer out = CPU.allocate(DType.FLOAT32, (long) m * n);
    CPU.fill(out, 12345); // stale contents must be overwritten, not accumulated into
    CPU.matmul(ab, transA, buffer(DType.FLOAT32, b), false, out, m, n, k);
    double[] actual = read(out);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        double mag = 0;
        for (int p = 0; p < k; p++) {
          double t = (transA ? a[p * m + i] : a[i * k + p]) * b[p * n + j]; // a: [k, m] if transA
          s += t;
          mag += Math.abs(t);
        }
        assertEquals(s, actual[i * n + j], 1e-5 * Math.max(1, mag), "out[" + i + ", " + j + "]");
      }
    }
  }

  @Test
  void aNanInTheSparseOperandPropagates() {
    int m = 100;
    int n = 20;
    int k = 784;
    double[] a = sparse(1, m * k, 0.1);
    a[5 * k + 7] = Double.NaN;
    double[] out = multiply(a, Fixture.random(2, k * n), m, n, k);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(i == 5, Double.isNaN(out[i * n + j]), "out[" + i + ", " + j + "]");
      }
    }
  }

  /** As in a dense product, a zero times infinity is NaN (it used to add nothing here). */
  @Test
  void aZeroEntryTimesAnInfinityItMeetsIsNan() {
    int m = 100;
    int n = 20;
    int k = 784;
    double[] a = sparse(3, m * k, 0.1);
    double[] b = Fixture.random(4, k * n);
    int row = -1;
    for (int p = 0; p < k && row < 0; p++) {
      if (a[p] == 0) {
        row = p; // a[0, p] is zero
      }
    }
    b[row * n] = Double.POSITIVE_INFINITY;
    double[] out = multiply(a, b, m, n, k);
    assertTrue(Double.isNaN(out[0]), "out[0, 0] = " + out[0]);
    for (int j = 1; j < n; j++) {
      assertTrue(Double.isFinite(out[j]), "out[0, " + j + "] = " + out[j]);
    }
  }

  @Test
  void densityIsEstimatedFromASample() {
    float[] dense = new float[100_000];
    java.util.Arrays.fill(dense, 1f);
    assertFalse(DirectGemm.mostlyZeros(dense, dense.length));
    float[] quarter = new float[100_000];
    for (int i = 0; i < quarter.length; i += 7) {
      quarter[i] = 1f; // 1 in 7 nonzero
    }
    assertTrue(DirectGemm.mostlyZeros(quarter, quarter.length));
    float[] nans = new float[1000];
    java.util.Arrays.fill(nans, Float.NaN);
    assertFalse(DirectGemm.mostlyZeros(nans, nans.length), "NaN is not zero");
  }

  private static double[] multiply(double[] a, double[] b, int m, int n, int k) {
    DeviceBuffer out = CPU.allocate(DType.FLOAT32, (long) m * n);
    CPU.matmul(buffer(DType.FLOAT32, a), false, buffer(DType.FLOAT32, b), false, out, m, n, k);
    return read(out);
  }
}
