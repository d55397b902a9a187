/**
 * The CPU backend: Java arrays, OpenBLAS products and a small JNI helper. Applications find it
 * through {@code dev.jgrad.api.Backends}; the package is exported for code that names
 * {@code CpuBackend} directly (benchmarks, tests).
 */
module dev.jgrad.cpu {
  requires transitive dev.jgrad.api;
  requires com.google.common;
  requires org.slf4j;
  requires org.bytedeco.javacpp;
  requires org.bytedeco.openblas;
  // The linux-x86_64 natives (the pom's classifier jars): nothing else names these modules, and
  // on the module path a module nobody requires is not resolved, so OpenBLAS would not load.
  requires org.bytedeco.openblas.linux.x86_64;
  requires org.bytedeco.javacpp.linux.x86_64;

  exports dev.jgrad.cpu;

  provides dev.jgrad.api.BackendProvider with dev.jgrad.cpu.CpuBackendProvider;
  provides dev.jgrad.api.op.OpProvider with
      dev.jgrad.cpu.CpuLossKernels,
      dev.jgrad.cpu.CpuBiasActivationKernels,
      dev.jgrad.cpu.CpuReluGradKernel,
      dev.jgrad.cpu.CpuConvKernels,
      dev.jgrad.cpu.CpuPoolKernels,
      dev.jgrad.cpu.CpuDropoutKernel;
}
