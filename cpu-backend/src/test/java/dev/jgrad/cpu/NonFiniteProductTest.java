package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FLOAT32 products give the infinities and NaNs of a dense IEEE product whichever kernel runs
 * (issue 16, item 9): where a zero of the left operand meets an infinity or NaN of the right one,
 * 0 * inf = NaN, so the output is NaN even where the sparse kernel skipped that zero. Both
 * orientations of the training step (x w by rows, xT g by columns), with the nonzeros listed on
 * the fly and ahead ({@link CpuBackend#prepareOperand}), against a loop in double. The build runs
 * this class with and without the native helper (pom.xml), so the pure-Java path agrees too.
 */
class NonFiniteProductTest {
  private static final float INF = Float.POSITIVE_INFINITY;

  @ParameterizedTest(name = "transA={0} prepared={1}")
  @CsvSource({"false, false", "false, true", "true, false", "true, true"})
  void infinitiesAndNansOfTheRightOperandMeetingZerosGiveNan(boolean transA, boolean prepared) {
    int rows = 100;
    int cols = 784;
    int n = 100;
    float[] a = mnistLike(rows, cols);
    DeviceBuffer ab = CPU.upload(a.clone());
    if (prepared) {
      CPU.prepareOperand(ab, rows, cols);
      assertEquals(NativeCpu.available(), ((CpuBuffer) ab).sparseOperand() != null);
    }
    // x w: w [cols, n]; xT g: g [rows, n]
    int m = transA ? cols : rows;
    int k = transA ? rows : cols;
    float[] b = poisoned(Fixture.floats(Fixture.random(5, k * n)), k, n);
    assertTrue(!NativeCpu.available() || prepared
        || DirectGemm.usesSparseKernel(a, false, m, n, k), "the sparse kernel must run");
    DeviceBuffer out = CPU.allocate(DType.FLOAT32, (long) m * n);
    CPU.matmul(ab, transA, CPU.upload(b), false, out, m, n, k);
    float[] actual = new float[m * n];
    CPU.download(out, actual);
    double[] expected = NativeKernelVariantsTest.reference(a, transA, b, m, k, n);
    assertSameAsDense(expected, actual, "transA=" + transA + " prepared=" + prepared);
  }

  /**
   * Whether a row's zero meets an infinity used to depend on the other rows of the batch: they
   * decide whether the sparse kernel (which skipped it) or the dense one (NaN) runs.
   */
  @Test
  void aRowsAnswerDoesNotDependOnTheOtherRowsOfTheBatch() {
    int m = 100;
    int n = 20;
    int k = 784;
    float[] b = Fixture.floats(Fixture.random(6, k * n));
    b[3 * n + 4] = INF; // a[0, 3] is zero in both batches below
    float[] sparse = Fixture.floats(SparseMatmulTest.sparse(7, m * k, 0.1));
    sparse[3] = 0;
    float[] dense = Fixture.floats(Fixture.random(8, m * k));
    System.arraycopy(sparse, 0, dense, 0, k); // the same first row, the others without zeros
    assertFalse(DirectGemm.usesSparseKernel(dense, false, m, n, k));
    double[] fromSparse = product(sparse, b, m, n, k);
    double[] fromDense = product(dense, b, m, n, k);
    for (int j = 0; j < n; j++) {
      assertEquals(j == 4, Double.isNaN(fromSparse[j]), "out[0, " + j + "], sparse batch");
      assertEquals(j == 4, Double.isNaN(fromDense[j]), "out[0, " + j + "], dense batch");
      if (j != 4) {
        assertEquals(fromDense[j], fromSparse[j], 1e-5 * (1 + Math.abs(fromDense[j])),
            "out[0, " + j + "]: the same row in another batch");
      }
    }
  }

  /**
   * A matrix like a batch of MNIST images: about 19% nonzero, with columns that are zero in
   * every row (the border pixels: rows of w that no nonzero meets) and a row of zeros (a row of
   * g that none meets).
   */
  static float[] mnistLike(int rows, int cols) {
    float[] a = Fixture.floats(SparseMatmulTest.sparse(rows * 3L + cols, rows * cols, 0.19));
    for (int i = 0; i < rows; i++) {
      for (int p = 0; p < cols; p += 5) {
        a[i * cols + p] = 0;
      }
    }
    for (int p = 0; p < cols; p++) {
      a[p] = 0;
    }
    return a;
  }

  /**
   * {@code b [k, n]} with +inf, NaN and -inf in rows 0 (met by no nonzero of {@link #mnistLike}
   * either way), 1 and k - 1, each in a column of its own, and +inf and -inf in one more column
   * of row k / 2 + 1 and row k - 1 (inf - inf where a row of the left operand has both).
   */
  static float[] poisoned(float[] b, int k, int n) {
    b[n / 2] = INF;
    b[n + n - 1] = Float.NaN;
    b[(k - 1) * n] = -INF;
    b[(k / 2 + 1) * n + 1 % n] = INF;
    b[(k - 1) * n + 1 % n] = -INF;
    return b;
  }

  /**
   * The infinities and NaNs of {@code expected} exactly, its finite values up to float rounding;
   * fails too if {@code expected} has no NaN, which would make the check vacuous.
   */
  static void assertSameAsDense(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    int nans = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      if (Double.isNaN(e)) {
        nans++;
        if (!Float.isNaN(actual[i])) {
          fail(what + ": element " + i + " is " + actual[i] + ", a dense product gives NaN");
        }
      } else if (Double.isInfinite(e)) {
        assertEquals(e, actual[i], what + ": element " + i);
      } else {
        assertEquals(e, actual[i], 1e-4 * (1 + Math.abs(e)), what + ": element " + i);
      }
    }
    assertTrue(nans > 0, what + ": the reference has no NaN to check");
  }

  private static double[] product(float[] a, float[] b, int m, int n, int k) {
    DeviceBuffer out = CPU.allocate(DType.FLOAT32, (long) m * n);
    CPU.matmul(CPU.upload(a), false, CPU.upload(b), false, out, m, n, k);
    return read(out);
  }
}
