package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.buffer;
import static dev.jgrad.cpu.Fixture.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.UnaryOp;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CpuBackend#prepareOperand}: the nonzeros of a mostly-zero matrix listed ahead must give
 * the products that read it exactly what they give without (the lists hold the same entries in the
 * same order), and must never outlive a write to the buffer.
 */
class PreparedOperandTest {
  @BeforeEach
  void needsTheNativeHelper() {
    assumeTrue(NativeCpu.available(), "lists are built natively: " + NativeCpu.unavailableReason());
  }

  /** {rows, cols, n}: MNIST's shape, and ones that are no multiple of 8 either way. */
  @ParameterizedTest(name = "rows={0} cols={1} n={2}")
  @CsvSource({"100, 784, 100", "37, 530, 19", "64, 257, 110", "9, 2000, 7"})
  void productsOverTheListsMatchATripleLoop(int rows, int cols, int n) {
    double[] a = SparseMatmulTest.sparse(rows * 7L + cols, rows * cols, 0.15);
    DeviceBuffer prepared = buffer(DType.FLOAT32, a);
    CPU.prepareOperand(prepared, rows, cols);
    assertNotNull(((CpuBuffer) prepared).sparseOperand(), "a 15%-dense matrix gets its lists");
    double[] b = Fixture.random(11, cols * n); // a [rows, cols] times b [cols, n]
    double[] g = Fixture.random(12, rows * n); // a^T [cols, rows] times g [rows, n]
    double[] ab = product(prepared, false, b, rows, n, cols);
    double[] atg = product(prepared, true, g, cols, n, rows);
    assertNotNull(((CpuBuffer) prepared).sparseOperand(), "reading products keep the lists");
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < cols; p++) {
          s += a[i * cols + p] * b[p * n + j];
        }
        assertEquals(s, ab[i * n + j], 1e-4 * Math.max(1, Math.abs(s)), "a b [" + i + ", " + j);
      }
    }
    for (int p = 0; p < cols; p++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int i = 0; i < rows; i++) {
          s += a[i * cols + p] * g[i * n + j];
        }
        assertEquals(s, atg[p * n + j], 1e-4 * Math.max(1, Math.abs(s)), "aT g [" + p + ", " + j);
      }
    }
  }

  /** The lists hold the same entries in the same order as the products' own listing. */
  @Test
  void onMnistShapesTheListsGiveTheUnpreparedProductsBitForBit() {
    int rows = 100;
    int cols = 784;
    int n = 100;
    double[] a = SparseMatmulTest.sparse(21, rows * cols, 0.19);
    DeviceBuffer plain = buffer(DType.FLOAT32, a);
    DeviceBuffer prepared = buffer(DType.FLOAT32, a);
    CPU.prepareOperand(prepared, rows, cols);
    assertTrue(DirectGemm.usesSparseKernel(((CpuBuffer) plain).productOperand(), false, rows, n,
        cols), "the unprepared products must take the sparse kernel too");
    double[] b = Fixture.random(22, cols * n);
    double[] g = Fixture.random(23, rows * n);
    assertEquals(Arrays.toString(product(plain, false, b, rows, n, cols)),
        Arrays.toString(product(prepared, false, b, rows, n, cols)));
    assertEquals(Arrays.toString(product(plain, true, g, cols, n, rows)),
        Arrays.toString(product(prepared, true, g, cols, n, rows)));
  }

  @Test
  void aWriteDropsTheListsSoProductsSeeTheNewContents() {
    int rows = 50;
    int cols = 600;
    int n = 30;
    DeviceBuffer x = buffer(DType.FLOAT32, SparseMatmulTest.sparse(5, rows * cols, 0.1));
    double[] b = Fixture.random(6, cols * n);
    CPU.prepareOperand(x, rows, cols);
    assertNotNull(((CpuBuffer) x).sparseOperand());
    CPU.unary(UnaryOp.NEG, x, x); // a kernel writing the buffer in place
    assertNull(((CpuBuffer) x).sparseOperand(), "a kernel's write must drop the lists");
    double[] negated = product(x, false, b, rows, n, cols);
    CPU.unary(UnaryOp.NEG, x, x);
    double[] back = product(x, false, b, rows, n, cols);
    for (int i = 0; i < back.length; i++) {
      assertEquals(-back[i], negated[i], 0.0, "out " + i);
    }

    CPU.prepareOperand(x, rows, cols);
    ((CpuBuffer) x).floatArray()[0] = 0.5f; // a plugin kernel's or a user's write
    assertNull(((CpuBuffer) x).sparseOperand(), "handing out the array must drop the lists");
  }

  /** Matrices listed one after another, each closed before the next, denser ones included. */
  @Test
  void listsOfMatricesListedInTurnDescribeEachMatrix() {
    int rows = 60; // large enough for lists, and for the unprepared product to be sparse too
    int cols = 300;
    int n = 100;
    double[] b = Fixture.random(31, cols * n);
    for (double density : new double[] {0.05, 0.18, 0.1, 0.2}) {
      double[] a = SparseMatmulTest.sparse((long) (density * 1000), rows * cols, density);
      DeviceBuffer plain = buffer(DType.FLOAT32, a);
      DeviceBuffer prepared = buffer(DType.FLOAT32, a);
      CPU.prepareOperand(prepared, rows, cols);
      assertNotNull(((CpuBuffer) prepared).sparseOperand(), "density " + density);
      assertEquals(Arrays.toString(product(plain, false, b, rows, n, cols)),
          Arrays.toString(product(prepared, false, b, rows, n, cols)), "density " + density);
      prepared.close();
    }
  }

  /**
   * Closing a prepared buffer gives its lists' arrays to the pool, and the next listing of the
   * same size takes them, stale contents and all: its products must still equal the unprepared
   * ones bit for bit, both ways round.
   */
  @Test
  void listsOnArraysOfAClosedBufferDescribeTheNewMatrix() {
    int rows = 100;
    int cols = 784;
    int n = 100;
    double[] a = SparseMatmulTest.sparse(41, rows * cols, 0.19);
    // other entries; about as many (lengths are rounded, so the arrays fit either)
    double[] other = SparseMatmulTest.sparse(42, rows * cols, 0.19);
    double[] b = Fixture.random(43, cols * n);
    double[] g = Fixture.random(44, rows * n);
    DeviceBuffer first = buffer(DType.FLOAT32, a);
    CPU.prepareOperand(first, rows, cols);
    int[] recycled = ((CpuBuffer) first).sparseOperand().colIdx;
    first.close();
    DeviceBuffer plain = buffer(DType.FLOAT32, other);
    DeviceBuffer prepared = buffer(DType.FLOAT32, other);
    CPU.prepareOperand(prepared, rows, cols);
    SparseOperand lists = ((CpuBuffer) prepared).sparseOperand();
    assertNotNull(lists);
    assertTrue(lists.colIdx == recycled, "the closed buffer's column list array is taken again");
    assertEquals(Arrays.toString(product(plain, false, b, rows, n, cols)),
        Arrays.toString(product(prepared, false, b, rows, n, cols)));
    assertEquals(Arrays.toString(product(plain, true, g, cols, n, rows)),
        Arrays.toString(product(prepared, true, g, cols, n, rows)));
  }

  /**
   * The lists are sized from a count taken just before; should the matrix change in between (its
   * owner broke the contract of prepareOperand), the native listing must cut them short, never
   * write past the arrays.
   */
  @Test
  void listingAMatrixThatChangedSinceItWasCountedStaysInBounds() {
    int rows = 64;
    int cols = 200;
    float[] a = new float[rows * cols];
    for (int i = 0; i < rows; i++) {
      a[i * cols + (i * 7) % cols] = 1f; // one nonzero a row
    }
    int[] rowCount = new int[rows];
    int[] colCount = new int[cols];
    NativeCpu.check(NativeCpu.sparseCount(rows, cols, a, 0, rowCount, colCount), "count");
    int[] rowStart = new int[rows];
    for (int i = 1; i < rows; i++) {
      rowStart[i] = rowStart[i - 1] + rowCount[i - 1];
    }
    int[] colStart = new int[cols];
    for (int p = 1; p < cols; p++) {
      colStart[p] = colStart[p - 1] + colCount[p - 1] + 8;
    }
    int rowRoom = rowStart[rows - 1] + rowCount[rows - 1] + 8;
    int colRoom = colStart[cols - 1] + colCount[cols - 1] + 8;
    int[] counted = colCount.clone();
    Arrays.fill(a, 2f); // now every entry is nonzero
    int[] rowIdx = new int[rowRoom];
    int[] colIdx = new int[colRoom];
    NativeCpu.check(NativeCpu.sparseLists(rows, cols, a, 0, rowStart, rowIdx, new float[rowRoom],
        colStart, colCount, colIdx, new float[colRoom]), "lists");
    for (int p = 0; p < cols; p++) {
      assertTrue(colCount[p] <= counted[p], "column " + p + " listed " + colCount[p]);
    }
    assertTrue(Arrays.stream(rowIdx).allMatch(j -> j >= 0 && j < cols), "row lists in range");
    assertTrue(Arrays.stream(colIdx).allMatch(i -> i >= 0 && i < rows), "column lists in range");
  }

  @Test
  void denseOrSmallMatricesGetNoLists() {
    DeviceBuffer dense = buffer(DType.FLOAT32, Fixture.random(7, 100 * 784));
    CPU.prepareOperand(dense, 100, 784);
    assertNull(((CpuBuffer) dense).sparseOperand());
    DeviceBuffer small = buffer(DType.FLOAT32, new double[10 * 10]);
    CPU.prepareOperand(small, 10, 10);
    assertNull(((CpuBuffer) small).sparseOperand());
    DeviceBuffer doubles = buffer(DType.FLOAT64, new double[100 * 784]);
    CPU.prepareOperand(doubles, 100, 784);
    assertNull(((CpuBuffer) doubles).sparseOperand());
  }

  @Test
  void aShapeThatDoesNotMatchTheBufferIsRejected() {
    DeviceBuffer x = buffer(DType.FLOAT32, new double[100 * 784]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CPU.prepareOperand(x, 100, 700));
    assertTrue(e.getMessage().contains("prepareOperand") && e.getMessage().contains("[100, 700]"),
        e.getMessage());
  }

  private static double[] product(DeviceBuffer a, boolean transA, double[] b, int m, int n,
      int k) {
    DeviceBuffer out = CPU.allocate(DType.FLOAT32, (long) m * n);
    CPU.matmul(a, transA, buffer(DType.FLOAT32, b), false, out, m, n, k);
    return read(out);
  }

  /** An array handed out through HostBuffer may be written at any time: it never gets lists. */
  @Test
  void anArrayHandedOutBeforeThePreparationIsNeverListed() {
    int rows = 100; // MNIST's shape and density, which the preparation lists
    int cols = 784;
    int n = 10;
    double[] a = SparseMatmulTest.sparse(31, rows * cols, 0.19);
    DeviceBuffer buf = buffer(DType.FLOAT32, a);
    float[] held = ((dev.jgrad.api.HostBuffer) buf).floatArray(); // e.g. a plugin kernel's
    CPU.prepareOperand(buf, rows, cols);
    held[0] = 3; // written after the preparation (a[0] is 0 or not: either way it changes)
    a[0] = 3;
    held[1] = 0;
    a[1] = 0;
    assertNull(((CpuBuffer) buf).sparseOperand(), "no lists for an escaped array");
    double[] b = Fixture.random(32, cols * n);
    double[] ab = product(buf, false, b, rows, n, cols);
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int p = 0; p < cols; p++) {
        s += a[p] * b[p * n + j];
      }
      assertEquals(s, ab[j], 1e-4 * Math.max(1, Math.abs(s)), "row 0 sees the write, column " + j);
    }
  }
}
