package dev.jgrad.cuda;

import dev.jgrad.api.Availability;
import dev.jgrad.api.SystemProperties;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whether the CUDA backend can run here, and if not why, in the order a user would fix things:
 * platform, driver library, driver and device, cuBLAS (unless {@code -Djgrad.cuda.gemm=ptx}).
 * Never throws: any unexpected failure is an "unavailable" with the failure as the reason.
 *
 * <p>libcuda.so.1 is looked for as a file first (LD_LIBRARY_PATH, the loader cache, the system
 * folders); only when it exists is anything native loaded, so a machine without the NVIDIA driver
 * (CI) answers without touching native code at all.
 */
final class CudaProbe {
  private final LibrarySearch search;
  private final String osName;
  private final String osArch;
  private final Function<Path, CudaDriverCheck.Result> driverCheck;

  /**
   * @param driverCheck given the libcuda.so.1 found, the driver's problem or CUDA version
   *     (injected so tests can check the other steps without loading anything)
   */
  CudaProbe(LibrarySearch search, String osName, String osArch,
      Function<Path, CudaDriverCheck.Result> driverCheck) {
    this.search = search;
    this.osName = osName;
    this.osArch = osArch;
    this.driverCheck = driverCheck;
  }

  static CudaProbe system() {
    return new CudaProbe(LibrarySearch.system(), System.getProperty("os.name", ""),
        System.getProperty("os.arch", ""), libcuda -> CudaDriverCheck.check(libcuda,
            SystemProperties.integer(CudaBackend.DEVICE_PROPERTY, 0, 0)));
  }

  /**
   * Whether {@code -Djgrad.cuda.gemm} asks for cuBLAS (the default) rather than jgrad's kernel.
   * Here, not in CudaBackend: the probe must not initialise the backend's classes.
   */
  static boolean usesCublas() {
    return SystemProperties.choice(CudaBackend.GEMM_PROPERTY, "cublas", "cublas", "ptx")
        .equals("cublas");
  }

  Availability probe() {
    boolean cublas;
    try {
      SystemProperties.integer(CudaBackend.DEVICE_PROPERTY, 0, 0); // a bad -D: its own message
      cublas = usesCublas();
    } catch (IllegalArgumentException e) {
      return Availability.unavailable(e.getMessage());
    }
    try {
      String problem = problem(cublas);
      return problem == null ? Availability.available() : Availability.unavailable(problem);
    } catch (Throwable t) { // the probe's contract: never throw, whatever happens underneath
      return Availability.unavailable("the CUDA probe failed unexpectedly: " + t);
    }
  }

  private String problem(boolean cublasNeeded) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (!os.startsWith("linux") || !(osArch.equals("amd64") || osArch.equals("x86_64"))) {
      return "the CUDA backend supports Linux on x86-64 only (its JCuda natives and cuBLAS shim "
          + "are built for it); this is " + osName + " on " + osArch;
    }
    List<LibrarySearch.Step> steps =
        List.of(search.ldLibraryPath(), search.ldCache("libcuda.so.1"), search.systemDirs());
    Optional<LibrarySearch.Found> libcuda = LibrarySearch.findFirst("libcuda.so.1", steps);
    if (libcuda.isEmpty()) {
      return "no libcuda.so.1 (the NVIDIA driver's library) found, so no NVIDIA driver is "
          + "installed here or it is not on the library path; searched " + steps;
    }
    CudaDriverCheck.Result driver = driverCheck.apply(libcuda.get().file());
    if (driver.problem() != null) {
      return driver.problem();
    }
    if (!cublasNeeded) {
      return null;
    }
    CublasLocator.Result cublas = new CublasLocator(search).locate();
    if (cublas.location().isEmpty()) {
      return "no cuBLAS found: neither libcublas.so.12 nor libcublas.so.13; searched "
          + cublas.searched() + ". Install cuBLAS (CUDA toolkit, or pip install "
          + "nvidia-cublas-cu12), or set " + CublasLocator.ENV + " to the folder holding it, "
          + "or run without it: -D" + CudaBackend.GEMM_PROPERTY + "=ptx (jgrad's own, slower "
          + "matrix products)";
    }
    CublasLocator.Location loc = cublas.location().get();
    if (loc.major() == 13 && !NativeResources.exists(CublasLoader.SHIM_RESOURCE)) {
      return "only cuBLAS 13 was found (" + loc + ") and this jar lacks the libcublas.so.12 "
          + "forwarding shim";
    }
    if (loc.major() == 13
        && driver.cudaVersion() < CudaDriverCheck.MIN_DRIVER_VERSION_CUBLAS13) {
      // Found now, not at the first matrix product, where cublasCreate would fail.
      return "only cuBLAS 13 was found (" + loc + "), which needs a driver for CUDA 13.0 or "
          + "newer (R580+), but this NVIDIA driver supports CUDA "
          + CudaDriverCheck.versionName(driver.cudaVersion()) + ". Install cuBLAS 12 (the "
          + "CUDA 12 toolkit, or pip install nvidia-cublas-cu12) and point "
          + CublasLocator.ENV + " at it, or update the driver";
    }
    return null;
  }
}
