package dev.jgrad.cuda;

import dev.jgrad.api.DType;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

/**
 * Matrix products with cuBLAS (SGEMM, DGEMM) on the backend's stream. Row-major operands are
 * passed as they are, by operand order ({@link GemmPlan}); nothing is copied or transposed.
 * The default math mode is kept: true FP32, no TF32, so results match the CPU within 1e-4.
 */
final class CublasGemm {
  private final cublasHandle handle = new cublasHandle();
  private final Pointer oneF = Pointer.to(new float[] {1f});
  private final Pointer zeroF = Pointer.to(new float[] {0f});
  private final Pointer oneD = Pointer.to(new double[] {1d});
  private final Pointer zeroD = Pointer.to(new double[] {0d});
  private final ActivityCounter activity;

  /** Must be called with the context current and after {@link CublasLoader#ensureLoaded}. */
  CublasGemm(CudaContext context) {
    this.activity = context.activity;
    check(JCublas2.cublasCreate(handle), "cublasCreate");
    check(JCublas2.cublasSetStream(handle, new cudaStream_t(context.stream)), "cublasSetStream");
  }

  /** {@code c = op(a) op(b)}, all row-major, as planned. */
  void gemm(DType dtype, GemmPlan p, CUdeviceptr a, CUdeviceptr b, CUdeviceptr c) {
    int status = dtype == DType.FLOAT32
        ? JCublas2.cublasSgemm(handle, p.opFirst(), p.opSecond(), p.m(), p.n(), p.k(), oneF, b,
            p.ldFirst(), a, p.ldSecond(), zeroF, c, p.ldc())
        : JCublas2.cublasDgemm(handle, p.opFirst(), p.opSecond(), p.m(), p.n(), p.k(), oneD, b,
            p.ldFirst(), a, p.ldSecond(), zeroD, c, p.ldc());
    if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) { // the message only when it is needed
      check(status, (dtype == DType.FLOAT32 ? "cublasSgemm " : "cublasDgemm ") + p);
    }
    activity.gemmCall();
  }

  /**
   * {@code c[i] = op(a[i]) op(b[i])} for every product of the batch, all row-major, as planned:
   * one strided-batched call.
   */
  void gemmStridedBatched(DType dtype, GemmPlan.Strided s, CUdeviceptr a, CUdeviceptr b,
      CUdeviceptr c) {
    GemmPlan p = s.each();
    int status = dtype == DType.FLOAT32
        ? JCublas2.cublasSgemmStridedBatched(handle, p.opFirst(), p.opSecond(), p.m(), p.n(),
            p.k(), oneF, b, p.ldFirst(), s.strideFirst(), a, p.ldSecond(), s.strideSecond(), zeroF,
            c, p.ldc(), s.strideC(), s.batch())
        : JCublas2.cublasDgemmStridedBatched(handle, p.opFirst(), p.opSecond(), p.m(), p.n(),
            p.k(), oneD, b, p.ldFirst(), s.strideFirst(), a, p.ldSecond(), s.strideSecond(), zeroD,
            c, p.ldc(), s.strideC(), s.batch());
    if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
      check(status, (dtype == DType.FLOAT32 ? "cublasSgemmStridedBatched "
          : "cublasDgemmStridedBatched ") + s);
    }
    activity.gemmCall();
  }

  private static void check(int status, String what) {
    if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
      throw new IllegalStateException("cuda backend: " + what + " failed: "
          + cublasStatus.stringFor(status) + " (" + status + ")");
    }
  }
}
