package dev.jgrad.cpu;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import dev.jgrad.api.DType;
import java.util.Arrays;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Matrix multiply through OpenBLAS (org.bytedeco's build, which ships the native library inside
 * its jar, so it works on a machine without a system BLAS).
 *
 * <p>The operands are copied into per-thread off-heap scratch ({@link GemmScratch}) and the result
 * copied back, rather than passed as Java arrays: JavaCPP's {@code float[]} overloads go through
 * JNI {@code Get/ReleaseFloatArrayElements}, which copies all three arrays in and out through
 * freshly allocated native memory on every call and measured 3 to 5 times slower than this on the
 * MLP shapes (docs/benchmarks.md). Keeping every buffer off-heap instead would make the Java
 * elementwise loops 3 to 7 times slower, since the JIT does not vectorize direct-buffer loops.
 *
 * <p>Callers have checked every length against m, n and k: OpenBLAS trusts them and reads or writes
 * out of bounds otherwise.
 */
final class Gemm {
  static {
    // OpenBLAS uses every core by default and already runs small products on one thread; a
    // machine shared with other busy processes may do better with fewer.
    Integer threads = Integer.getInteger("jgrad.cpu.blasThreads");
    if (threads != null) {
      openblas_nolapack.blas_set_num_threads(threads);
    }
  }

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
    GemmScratch s = GemmScratch.forThisThread();
    if (out.dtype() == DType.FLOAT32) {
      s.load(a.floats(), b.floats(), m * n);
      openblas_nolapack.cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1f, s.a().asFloatBuffer(),
          lda, s.b().asFloatBuffer(), ldb, 0f, s.c().asFloatBuffer(), n);
      s.store(out.floats());
    } else {
      s.load(a.doubles(), b.doubles(), m * n);
      openblas_nolapack.cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, s.a().asDoubleBuffer(),
          lda, s.b().asDoubleBuffer(), ldb, 0.0, s.c().asDoubleBuffer(), n);
      s.store(out.doubles());
    }
  }
}
