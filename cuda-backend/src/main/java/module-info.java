/**
 * The CUDA backend: JCuda's driver API, cuBLAS and PTX kernels shipped in this jar. Applications
 * find it through {@code dev.jgrad.api.Backends}; the package is exported for code that names
 * {@code CudaBackend} directly (benchmarks, tests).
 */
@SuppressWarnings("requires-automatic") // JCuda's jars have no module names of their own
module dev.jgrad.cuda {
  requires transitive dev.jgrad.api;
  requires org.slf4j;
  // Automatic modules named after the jar files (jcuda-12.6.0.jar, jcublas-12.6.0.jar). JCuda
  // finds its natives as resources of the jcuda module, so on the module path the two natives
  // jars are patched into it: --patch-module jcuda=jcuda-natives-...jar:jcublas-natives-...jar
  requires jcuda;
  requires jcublas;

  exports dev.jgrad.cuda;

  provides dev.jgrad.api.BackendProvider with dev.jgrad.cuda.CudaBackendProvider;
  provides dev.jgrad.api.op.OpProvider with
      dev.jgrad.cuda.CudaLossKernels,
      dev.jgrad.cuda.CudaBiasActivationKernels,
      dev.jgrad.cuda.CudaReluGradKernel,
      dev.jgrad.cuda.CudaConvKernels,
      dev.jgrad.cuda.CudaDropoutKernel;
}
