package dev.jgrad.cpu;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import dev.jgrad.api.DType;
import java.util.Arrays;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Matrix multiply through OpenBLAS (org.bytedeco's build, which ships the native library inside
 * its jar, so it works on a machine without a system BLAS). Callers have checked every length
 * against m, n and k: OpenBLAS trusts them and would read or write out of bounds otherwise.
 */
final class Gemm {
  private Gemm() {}

  /** {@code out[m,n] = op(a)[m,k] * op(b)[k,n]}, with arguments already checked. */
  static void multiply(CpuBuffer a, boolean transA, CpuBuffer b, boolean transB, CpuBuffer out,
      int m, int n, int k) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) { // an empty sum; OpenBLAS rejects leading dimensions of 0
      if (out.dtype() == DType.FLOAT32) {
        Arrays.fill(out.floats(), 0f);
      } else {
        Arrays.fill(out.doubles(), 0.0);
      }
      return;
    }
    int lda = transA ? m : k;
    int ldb = transB ? k : n;
    int ta = transA ? CblasTrans : CblasNoTrans;
    int tb = transB ? CblasTrans : CblasNoTrans;
    if (out.dtype() == DType.FLOAT32) {
      openblas_nolapack.cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1f, a.floats(), lda,
          b.floats(), ldb, 0f, out.floats(), n);
    } else {
      openblas_nolapack.cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, a.doubles(), lda,
          b.doubles(), ldb, 0.0, out.doubles(), n);
    }
  }
}
