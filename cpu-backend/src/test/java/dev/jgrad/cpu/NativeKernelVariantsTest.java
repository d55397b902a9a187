package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every build of the native kernels that this CPU runs (AVX-512, AVX2, plain x86-64), each
 * switched in by {@link NativeCpu#useKernelVariant}: the sparse products (listing on the fly, and
 * over lists built ahead, plain and transposed), the lists themselves, and the softmax
 * cross-entropy, against loops in double. The builds with fused multiply-adds (AVX-512 and AVX2)
 * must agree bit for bit. A build this CPU lacks is reported skipped.
 */
@ExtendWith(NativeKernelVariants.class)
class NativeKernelVariantsTest {
  /** {rows, cols, n}: MNIST's, and n around the 4, 8 and 16-lane tails and pass boundaries. */
  private static final int[][] SHAPES = {{100, 784, 100}, {37, 530, 19}, {64, 257, 110},
      {9, 2000, 7}, {33, 100, 16}, {20, 64, 17}, {17, 40, 24}, {5, 300, 250}, {50, 33, 8},
      {3, 48, 1}, {12, 90, 36}, {7, 70, 212},
      // a right operand over 1 MiB, multiplied by blocks of columns: a^T g and a b respectively
      {300, 40, 900}, {33, 530, 523}};

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void sparseProductsMatchATripleLoop(String variant) {
    NativeKernelVariants.use(variant);
    for (int[] s : SHAPES) {
      int rows = s[0];
      int cols = s[1];
      int n = s[2];
      float[] a = sparse(rows * 7L + cols, rows * cols);
      assertProducts(a, random(11, cols * n), random(12, rows * n), rows, cols, n,
          variant + " " + Arrays.toString(s), NativeKernelVariantsTest::assertClose);
    }
  }

  /**
   * An infinity or NaN of the right operand that meets a zero of the left one gives NaN, as in a
   * dense product, in every way the kernels run: listing on the fly, over lists built ahead as
   * one call (which checks the output and the rows of b that no nonzero met) and split in two
   * (which checks all of b). Poisoned: several rows; only row 0, which no nonzero meets (only
   * the check of such rows finds it); only a row that nonzeros meet (only the output shows it).
   */
  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void infinitiesAndNansMeetingZerosGiveNanAsInADenseProduct(String variant) {
    NativeKernelVariants.use(variant);
    for (int[] s : SHAPES) {
      int rows = s[0];
      int cols = s[1];
      int n = s[2];
      float[] a = NonFiniteProductTest.mnistLike(rows, cols);
      for (String poison : new String[] {"several rows", "row 0", "a met row"}) {
        float[] b = poison(poison, random(13, cols * n), cols, n);
        float[] g = poison(poison, random(14, rows * n), rows, n);
        assertProducts(a, b, g, rows, cols, n, variant + " " + Arrays.toString(s) + " " + poison,
            NonFiniteProductTest::assertSameAsDense);
      }
    }
  }

  /** How a product is compared with its reference in double. */
  private interface Check {
    void check(double[] expected, float[] actual, String what);
  }

  /** Every way of computing {@code a b} and {@code a^T g} ({@link #products}) against a loop. */
  private static void assertProducts(float[] a, float[] b, float[] g, int rows, int cols, int n,
      String what, Check check) {
    for (float[] ab : products(a, b, g, rows, cols, n, false)) {
      check.check(reference(a, false, b, rows, cols, n), ab, what + " a b");
    }
    for (float[] atg : products(a, b, g, rows, cols, n, true)) {
      check.check(reference(a, true, g, cols, rows, n), atg, what + " aT g");
    }
  }

  /** {@code m [k, n]} with infinities and NaNs where {@code how} says. */
  private static float[] poison(String how, float[] m, int k, int n) {
    switch (how) {
      case "several rows":
        return NonFiniteProductTest.poisoned(m, k, n);
      case "row 0":
        m[n - 1] = Float.POSITIVE_INFINITY;
        return m;
      default: // row k - 1 (column k - 1 of mnistLike has nonzeros when k - 1 is no multiple of 5)
        m[(k - 1) * n] = Float.NaN;
        return m;
    }
  }

  /**
   * A right operand over 1 MiB is multiplied by blocks of columns, every row passing over each
   * block, a small one row by row: the same bits, since each output is one chain over its row's
   * nonzeros either way. Checked against the product taken in slices of 64 columns (each under
   * 1 MiB), through the kernel's leading dimensions.
   */
  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void aLargeRightOperandGivesTheBitsOfTheRowByRowOrder(String variant) {
    NativeKernelVariants.use(variant);
    int m = 100;
    int k = 784;
    int n = 1000; // X W1 of the 784-1000-1000-10 MLP: 3.1 MB of b
    float[] a = sparse(5, m * k);
    float[] b = random(23, k * n);
    float[] whole = new float[m * n];
    int[] count = new int[m];
    int[] idx = new int[m * (k + 8)];
    float[] val = new float[idx.length];
    NativeCpu.check(NativeCpu.sparseSgemm(false, m, n, k, a, 0, k, b, 0, n, whole, 0, n, count,
        idx, val), "sparse gemm");
    float[] sliced = new float[m * n];
    for (int j = 0; j < n; j += 64) {
      int cols = Math.min(64, n - j);
      NativeCpu.check(NativeCpu.sparseSgemm(false, m, cols, k, a, 0, k, b, j, n, sliced, j, n,
          count, idx, val), "sparse gemm");
    }
    assertArrayEquals(sliced, whole, variant);
  }

  @Test
  void theAvx512AndAvx2BuildsAgreeBitForBit() {
    List<String> results = new ArrayList<>();
    for (String variant : new String[] {"avx512", "avx2"}) {
      NativeKernelVariants.use(variant);
      StringBuilder all = new StringBuilder();
      for (int[] s : SHAPES) {
        float[] a = sparse(s[0] * 5L + s[1], s[0] * s[1]);
        float[] b = random(21, s[1] * s[2]);
        float[] g = random(22, s[0] * s[2]);
        for (boolean transA : new boolean[] {false, true}) {
          for (float[] p : products(a, b, g, s[0], s[1], s[2], transA)) {
            all.append(Arrays.toString(p));
          }
        }
        SparseOperand lists = SparseOperand.list(a, s[0], s[1]);
        all.append(Arrays.toString(lists.rowCount)).append(Arrays.toString(lists.colCount));
        for (int p = 0; p < s[1]; p++) {
          int from = lists.colStart[p];
          int to = from + lists.colCount[p];
          all.append(Arrays.toString(Arrays.copyOfRange(lists.colIdx, from, to)))
              .append(Arrays.toString(Arrays.copyOfRange(lists.colVal, from, to)));
        }
        int total = Arrays.stream(lists.rowCount).sum();
        all.append(Arrays.toString(Arrays.copyOf(lists.rowIdx, total)))
            .append(Arrays.toString(Arrays.copyOf(lists.rowVal, total)));
      }
      results.add(all.toString());
    }
    assertEquals(results.get(0), results.get(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void softmaxCrossEntropyMatchesTheFormulaInDouble(String variant) {
    NativeKernelVariants.use(variant);
    for (int[] s : new int[][] {{100, 10}, {7, 3}, {3, 8}, {5, 17}, {1, 1}, {2, 40}}) {
      int n = s[0];
      int k = s[1];
      Random r = new Random(n * 31L + k);
      float[] x = new float[n * k];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 60 : 3));
      }
      int[] labels = r.ints(n, 0, k).toArray();
      double[] total = new double[1];
      NativeCpu.check(NativeCpu.softmaxCrossEntropyLoss(n, k, x, labels, new float[n * k], total),
          "loss");
      float[] grad = new float[n * k];
      NativeCpu.check(NativeCpu.softmaxCrossEntropyGrad(n, k, x, labels, 0.5f, grad), "grad");
      double expected = 0;
      for (int row = 0; row < n; row++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          max = Math.max(max, x[row * k + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
          sum += Math.exp(x[row * k + j] - max);
        }
        expected += Math.log(sum) + max - x[row * k + labels[row]];
        for (int j = 0; j < k; j++) {
          double p = Math.exp(x[row * k + j] - max) / sum - (j == labels[row] ? 1 : 0);
          assertEquals(p * 0.5, grad[row * k + j], 1e-7, variant + " grad " + row + ", " + j);
        }
      }
      assertEquals(expected, total[0], 1e-6 * Math.max(1, expected), variant + " loss " + n);
    }
  }

  /**
   * op(a) times the right operand ({@code b [cols, n]}, or {@code g [rows, n]} for {@code a^T}):
   * the kernel that lists as it goes, then the one over lists built ahead, in one call and in two
   * parts.
   */
  private static List<float[]> products(float[] a, float[] b, float[] g, int rows, int cols,
      int n, boolean transA) {
    int m = transA ? cols : rows;
    int k = transA ? rows : cols;
    float[] right = transA ? g : b;
    float[] onTheFly = new float[m * n];
    int[] count = new int[m];
    int[] idx = new int[m * (k + 8)];
    float[] val = new float[idx.length];
    NativeCpu.check(NativeCpu.sparseSgemm(transA, m, n, k, a, 0, cols, right, 0, n, onTheFly, 0,
        n, count, idx, val), "sparse gemm");
    float[] fromLists = new float[m * n];
    SparseOperand lists = SparseOperand.list(a, rows, cols);
    lists.multiply(transA, right, fromLists, m, n, 1, false);
    float[] inTwoParts = new float[m * n];
    lists.multiply(transA, right, inTwoParts, m, n, 2, false);
    return List.of(onTheFly, fromLists, inTwoParts);
  }

  /** op(a)[m, k] b[k, n] in double: IEEE arithmetic on every term, zeros included. */
  static double[] reference(float[] a, boolean transA, float[] b, int m, int k, int n) {
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        float x = transA ? a[p * m + i] : a[i * k + p];
        for (int j = 0; j < n; j++) {
          c[i * n + j] += (double) x * b[p * n + j];
        }
      }
    }
    return c;
  }

  private static void assertClose(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double[] got = new double[actual.length];
    for (int i = 0; i < got.length; i++) {
      got[i] = actual[i];
    }
    assertArrayEquals(expected, got, 1e-4 * (1 + Arrays.stream(expected).map(Math::abs).max()
        .orElse(0)), what);
  }

  private static float[] sparse(long seed, int size) {
    return Fixture.floats(SparseMatmulTest.sparse(seed, size, 0.19));
  }

  private static float[] random(long seed, int size) {
    return Fixture.floats(Fixture.random(seed, size));
  }
}
