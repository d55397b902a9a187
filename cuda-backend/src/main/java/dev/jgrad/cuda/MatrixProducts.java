package dev.jgrad.cuda;

import dev.jgrad.api.DType;
import jcuda.driver.CUdeviceptr;

/**
 * The backend's matrix products, each one column-major GEMM call as {@link GemmPlan} plans it:
 * cuBLAS ({@link CublasGemm}, the default) or jgrad's own kernel ({@link PtxGemm},
 * {@code -Djgrad.cuda.gemm=ptx}). Asynchronous, on the backend's stream.
 */
interface MatrixProducts {
  /** {@code c = op(a) op(b)}, all row-major, as planned. */
  void gemm(DType dtype, GemmPlan p, CUdeviceptr a, CUdeviceptr b, CUdeviceptr c);

  /** {@code c[i] = op(a[i]) op(b[i])} for every product of the batch, as planned. */
  void gemmStridedBatched(DType dtype, GemmPlan.Strided s, CUdeviceptr a, CUdeviceptr b,
      CUdeviceptr c);
}
