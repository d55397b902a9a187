package dev.jgrad.cpu;

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
 * <p>Each listing gets new arrays, on purpose. Lists of closed buffers used to be refilled, which
 * made less garbage (6 young collections in a 300-epoch MNIST run instead of 32, 41 ms of pauses
 * instead of 72), but the prefetch thread then rewrote memory the training thread had just read
 * on the other core: in stretches when such transfers are slow on the reference VM, listing a
 * batch took 100-250 us instead of 47-61 us, and the whole step followed (docs/benchmarks.md).
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
    int[] rowCount = new int[rows];
    int[] colCount = new int[cols];
    NativeCpu.check(NativeCpu.sparseCount(rows, cols, a, 0, rowCount, colCount), "sparse count");
    int[] rowStart = new int[rows];
    int total = 0;
    for (int i = 0; i < rows; i++) {
      rowStart[i] = total;
      total += rowCount[i];
    }
    int[] colStart = new int[cols];
    int padded = 0;
    for (int p = 0; p < cols; p++) {
      colStart[p] = padded;
      padded += colCount[p] + 8;
    }
    SparseOperand lists = new SparseOperand(rows, cols, rowStart, rowCount, new int[total + 8],
        new float[total + 8], colStart, colCount, new int[padded], new float[padded]);
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

  /** Whether these lists describe the left operand {@code op(a)} of an {@code [m, k]} product. */
  boolean fits(boolean transA, int m, int k) {
    return transA ? rows == k && cols == m : rows == m && cols == k;
  }
}
