package dev.jgrad.cuda;

import dev.jgrad.api.DType;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matrix products with cuBLAS (SGEMM, DGEMM) on the backend's stream. Row-major operands are
 * passed as they are, by operand order ({@link GemmPlan}); nothing is copied or transposed.
 * The default math mode is kept: true FP32, no TF32, so results match the CPU within 1e-4.
 */
final class CublasGemm implements MatrixProducts {
  private final cublasHandle handle = new cublasHandle();
  private final Pointer oneF = Pointer.to(new float[] {1f});
  private final Pointer zeroF = Pointer.to(new float[] {0f});
  private final Pointer oneD = Pointer.to(new double[] {1d});
  private final Pointer zeroD = Pointer.to(new double[] {0d});
  private final ActivityCounter activity;

  /**
   * cuBLAS's workspace, set once (PyTorch's size for Hopper): without one of our own, cuBLAS 12.2+
   * allocates another inside a CUDA graph capture than it uses eagerly, and may then choose other
   * kernels, so a replay's bits could differ from an eager step's.
   */
  static final long WORKSPACE_BYTES = 32L << 20;

  private static final Logger log = LoggerFactory.getLogger(CublasGemm.class);

  /** Must be called with the context current and after {@link CublasLoader#ensureLoaded}. */
  CublasGemm(CudaContext context) {
    this.activity = context.activity;
    check(JCublas2.cublasCreate(handle), "cublasCreate");
    check(JCublas2.cublasSetStream(handle, new cudaStream_t(context.stream)), "cublasSetStream");
    CUdeviceptr workspace = new CUdeviceptr();
    int allocated = JCudaDriver.cuMemAlloc(workspace, WORKSPACE_BYTES);
    int set = allocated != CUresult.CUDA_SUCCESS ? -1
        : JCublas2.cublasSetWorkspace(handle, workspace, WORKSPACE_BYTES);
    if (set != cublasStatus.CUBLAS_STATUS_SUCCESS) { // products still work, with cuBLAS's own
      log.warn("cuBLAS workspace not set ({}): products use cuBLAS's default workspace, and a "
          + "CUDA graph's replay may not match eager steps bit for bit", allocated
          != CUresult.CUDA_SUCCESS ? "cuMemAlloc: " + CudaDriver.name(allocated)
          : "cublasSetWorkspace: " + cublasStatus.stringFor(set));
      if (allocated == CUresult.CUDA_SUCCESS) {
        JCudaDriver.cuMemFree(workspace);
      }
    }
  }

  @Override
  public void gemm(DType dtype, GemmPlan p, CUdeviceptr a, CUdeviceptr b, CUdeviceptr c) {
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

  /** One strided-batched call. */
  @Override
  public void gemmStridedBatched(DType dtype, GemmPlan.Strided s, CUdeviceptr a, CUdeviceptr b,
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
