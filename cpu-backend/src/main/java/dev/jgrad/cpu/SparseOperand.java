package dev.jgrad.cpu;

import dev.jgrad.api.DType;

/**
 * The nonzeros of a mostly-zero FLOAT32 matrix {@code [rows, cols]}, listed by row and by column,
 * built ahead of the products that read it: by {@link CpuBackend#prepareOperand} on DataLoader's
 * prefetch thread, while the training thread works on the step before. A product with the matrix
 * as its left operand ({@code x w}) then runs over the row lists, and one with its transpose
 * ({@code xT g}) over the column lists, instead of listing the nonzeros itself: on MNIST batches
 * that listing was about a sixth of the training step.
 *
 * <p>A {@link CpuBuffer} keeps its lists only while nobody may have written it: every accessor of
 * its array drops them except the one for reading products ({@link CpuBuffer#productOperand}).
 *
 * <p>The lists' arrays come from the {@link ArrayPool} and go back to it when their buffer is
 * closed (a training step closes its batch), with lengths rounded up (by an eighth of their power
 * of two) so that batches of slightly different nonzero counts share them. Fresh arrays for every batch
 * cost 0.7-0.9 ms a batch on the reference VM, more than the step's products: the JVM touched new
 * memory for each (the VM's host reclaims idle pages, so each first touch faults), and on the
 * prefetch thread those faults took a core from the training step's products. Reused arrays
 * listed a batch in 30-40 us (docs/benchmarks.md).
 */
final class SparseOperand {
  final int rows;
  final int cols;
  /** Row {@code i}'s nonzero columns (ascending) and values from {@code rowStart[i]}. */
  final int[] rowStart;
  final int[] rowCount;
  final int[] rowIdx;
  final float[] rowVal;
  /** Column {@code p}'s nonzero rows (ascending) and values from {@code colStart[p]}. */
  final int[] colStart;
  final int[] colCount;
  final int[] colIdx;
  final float[] colVal;

  private SparseOperand(int rows, int cols, int[] rowStart, int[] rowCount, int[] rowIdx,
      float[] rowVal, int[] colStart, int[] colCount, int[] colIdx, float[] colVal) {
    this.rows = rows;
    this.cols = cols;
    this.rowStart = rowStart;
    this.rowCount = rowCount;
    this.rowIdx = rowIdx;
    this.rowVal = rowVal;
    this.colStart = colStart;
    this.colCount = colCount;
    this.colIdx = colIdx;
    this.colVal = colVal;
  }

  /**
   * Lists the nonzeros of {@code a} read as {@code [rows, cols]}; the native helper must be
   * available. The kernels store 8 entries at a time, so each column list, and the row lists
   * together, get room for 8 more than they hold.
   */
  static SparseOperand list(float[] a, int rows, int cols) {
    int[] rowCount = ints(rows);
    int[] colCount = ints(cols);
    NativeCpu.check(NativeCpu.sparseCount(rows, cols, a, 0, rowCount, colCount), "sparse count");
    int[] rowStart = ints(rows);
    int total = 0;
    for (int i = 0; i < rows; i++) {
      rowStart[i] = total;
      total += rowCount[i];
    }
    int[] colStart = ints(cols);
    int padded = 0;
    for (int p = 0; p < cols; p++) {
      colStart[p] = padded;
      padded += colCount[p] + 8;
    }
    SparseOperand lists = new SparseOperand(rows, cols, rowStart, rowCount, ints(total + 8),
        floats(total + 8), colStart, colCount, ints(padded), floats(padded));
    NativeCpu.check(NativeCpu.sparseLists(rows, cols, a, 0, rowStart, lists.rowIdx,
        lists.rowVal, colStart, colCount, lists.colIdx, lists.colVal), "sparse lists");
    return lists;
  }

  /**
   * {@code out[m,n] = op(a) b} over these lists: {@code a} itself ({@code m = rows}, by row), or
   * its transpose ({@code m = cols}, by column); output rows split in {@code parts}, shared with
   * the workers if {@code helped} ({@link Parallel#forParts}).
   */
  void multiply(boolean transA, float[] b, float[] out, int m, int n, int parts, boolean helped) {
    int[] start = transA ? colStart : rowStart;
    int[] count = transA ? colCount : rowCount;
    int[] idx = transA ? colIdx : rowIdx;
    float[] val = transA ? colVal : rowVal;
    int k = transA ? rows : cols;
    // how many nonzeros meet each row of b: lets a call over all the lists check b more cheaply
    int[] uses = transA ? rowCount : colCount;
    Parallel.forParts(m, parts, helped, (lo, hi) -> NativeCpu.check(NativeCpu.sparseSgemmLists(lo,
        hi - lo, n, k, start, count, idx, val, hi - lo == m ? uses : null, b, 0, n, out, lo * n,
        n), "sparse gemm (lists)"));
  }

  /**
   * {@code p -= lr * (aT b + weightDecay * p)} (with {@code v}: momentum) over the column lists,
   * the gradient never stored ({@link DirectGemm#sgdFromProduct}): {@code m = cols} output rows
   * split in {@code parts}. False, having changed nothing, when {@code b} holds an infinity or
   * NaN.
   */
  boolean sgd(float[] b, float[] p, float[] v, int m, int n, int parts, boolean helped, float lr,
      float momentum, float weightDecay) {
    return DirectGemm.sgdParts(m, parts, helped, (lo, hi) -> DirectGemm.withTile(n,
        tile -> NativeCpu.sparseSgdLists(lo, hi - lo, n, rows, colStart, colCount, colIdx, colVal,
            b, 0, n, p, lo * n, n, v, lr, momentum, weightDecay, tile)));
  }

  /** Gives the arrays back to the {@link ArrayPool}; these lists must not be used after. */
  void recycle() {
    for (Object array : new Object[] {rowStart, rowCount, rowIdx, rowVal, colStart, colCount,
        colIdx, colVal}) {
      ArrayPool.SHARED.give(array);
    }
  }

  /** An int array of at least {@code length} entries (rounded up), pooled when one is. */
  private static int[] ints(int length) {
    int rounded = rounded(length);
    return (int[]) ArrayPool.SHARED.takeOrNew(DType.INT32, rounded);
  }

  /** A float array of at least {@code length} entries (rounded up), pooled when one is. */
  private static float[] floats(int length) {
    int rounded = rounded(length);
    return (float[]) ArrayPool.SHARED.takeOrNew(DType.FLOAT32, rounded);
  }

  /** {@code length} rounded up to an eighth of its power of two: few sizes, at most 1/8 unused. */
  private static int rounded(int length) {
    int step = Math.max(16, Integer.highestOneBit(length) >> 3);
    return (length + step - 1) / step * step;
  }

  /** Whether these lists describe the left operand {@code op(a)} of an {@code [m, k]} product. */
  boolean fits(boolean transA, int m, int k) {
    return transA ? rows == k && cols == m : rows == m && cols == k;
  }
}
