package dev.jgrad.cuda;

/**
 * A row-major matrix product expressed as one column-major cuBLAS GEMM call, without copies.
 *
 * <p>A row-major {@code [r, c]} matrix is, byte for byte, the column-major {@code c x r} matrix of
 * its transpose. So the row-major {@code C = op(A) op(B)} is computed as the column-major
 * {@code C^T = op(B)^T op(A)^T}: cuBLAS gets B as its first operand and A as its second, with
 * {@code m} and {@code n} swapped, and writes C^T column-major, which is C row-major.
 *
 * <p>For the call {@code gemm(opFirst, opSecond, M, N, K, first, ldFirst, second, ldSecond, C,
 * ldc)}: {@code M = n}, {@code N = m}, {@code K = k}; B stored {@code [k, n]} is already the
 * {@code n x k} operand (no transpose, leading dimension n), B stored {@code [n, k]} (transB) is
 * {@code k x n} and needs op T (leading dimension k); likewise A with m. Leading dimensions are
 * at least 1, as cuBLAS requires even for empty matrices.
 */
record GemmPlan(int opFirst, int opSecond, int m, int n, int k, int ldFirst, int ldSecond,
    int ldc) {
  /** cublasOperation.CUBLAS_OP_N; a test checks the constants against JCublas. */
  static final int OP_N = 0;
  /** cublasOperation.CUBLAS_OP_T. */
  static final int OP_T = 1;

  /** The cuBLAS call for row-major {@code out[m, n] = op(a)[m, k] op(b)[k, n]}. */
  static GemmPlan rowMajor(boolean transA, boolean transB, int m, int n, int k) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("matmul on the cuda backend: m, n and k must be >= 0, got "
          + m + ", " + n + ", " + k);
    }
    return new GemmPlan(
        transB ? OP_T : OP_N,
        transA ? OP_T : OP_N,
        n,
        m,
        k,
        Math.max(1, transB ? k : n),
        Math.max(1, transA ? m : k),
        Math.max(1, n));
  }

  /**
   * The strided-batched call for row-major {@code out[i] = op(a[i]) op(b[i])}, {@code out} dense
   * {@code [batch, m, n]}: each product planned as {@link #rowMajor}, and the strides follow their
   * operands, so cuBLAS's first operand (b) steps by {@code strideB} and its second (a) by
   * {@code strideA}; a stride of 0 shares that operand.
   */
  static Strided rowMajorBatched(boolean transA, boolean transB, int batch, int m, int n, int k,
      long strideA, long strideB) {
    if (batch < 0 || strideA < 0 || strideB < 0) {
      throw new IllegalArgumentException("matmulBatched on the cuda backend: batch and strides "
          + "must be >= 0, got " + batch + ", " + strideA + ", " + strideB);
    }
    return new Strided(rowMajor(transA, transB, m, n, k), strideB, strideA, (long) m * n, batch);
  }

  /** A {@link GemmPlan} for every product of a batch, with each operand's stride in elements. */
  record Strided(GemmPlan each, long strideFirst, long strideSecond, long strideC, int batch) {}
}
