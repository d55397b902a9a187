package dev.jgrad.cuda;

import dev.jgrad.api.DType;
import jcuda.driver.CUdeviceptr;

/**
 * Matrix products by jgrad's own kernel (gemm.cu), for a GPU where cuBLAS is missing or does not
 * load: {@code -Djgrad.cuda.gemm=ptx}, and the backend needs only the driver. It takes cuBLAS's
 * call as {@link GemmPlan} plans it (cuBLAS's first operand is our {@code b}), so both agree on
 * what is multiplied. Slower than cuBLAS on large products, but deterministic across GPUs: each
 * output is one fused multiply-add chain over k, in order.
 */
final class PtxGemm implements MatrixProducts {
  private final KernelLauncher launcher;
  private final LaunchGeometry geometry;

  PtxGemm(KernelLauncher launcher, LaunchGeometry geometry) {
    this.launcher = launcher;
    this.geometry = geometry;
  }

  @Override
  public void gemm(DType dtype, GemmPlan p, CUdeviceptr a, CUdeviceptr b, CUdeviceptr c) {
    gemmStridedBatched(dtype, new GemmPlan.Strided(p, 0, 0, 0, 1), a, b, c);
  }

  @Override
  public void gemmStridedBatched(DType dtype, GemmPlan.Strided s, CUdeviceptr a, CUdeviceptr b,
      CUdeviceptr c) {
    GemmPlan p = s.each();
    launcher.launch(new KernelArgs(Kernel.GEMM, dtype).i32(p.opFirst()).i32(p.opSecond())
        .i32(p.m()).i32(p.n()).i32(p.k())
        .ptr(b).i64(p.ldFirst()).i64(s.strideFirst())
        .ptr(a).i64(p.ldSecond()).i64(s.strideSecond())
        .ptr(c).i64(p.ldc()).i64(s.strideC()).i32(s.batch()),
        geometry.gemm(p.m(), p.n(), s.batch()));
  }
}
