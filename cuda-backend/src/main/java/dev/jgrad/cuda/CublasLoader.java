package dev.jgrad.cuda;

import jcuda.jcublas.JCublas2;

/**
 * Makes cuBLAS available to JCublas2 before its native library loads.
 *
 * <p>JCublas 12.6.0's {@code libJCublas2} links against {@code libcublas.so.12} with versioned
 * symbols. The dynamic loader satisfies that dependency with any already loaded library whose
 * soname is {@code libcublas.so.12}, so this class loads, by absolute path:
 * <ul>
 *   <li>with CUDA 12: {@code libcublasLt.so.12} and {@code libcublas.so.12} wherever the
 *       {@link CublasLocator} found them, even in folders the loader does not search (pip);
 *   <li>with only CUDA 13: {@code libcublasLt.so.13} and {@code libcublas.so.13}, then the
 *       forwarding shim this jar carries: a small library with soname and symbol version
 *       {@code libcublas.so.12} whose every function jumps to the same-named function of the
 *       already loaded {@code libcublas.so.13} (see {@code src/main/native/cublas-shim}).
 * </ul>
 * It must run before the first JCublas2 class initialises: once {@code libJCublas2} failed to
 * find {@code libcublas.so.12}, the JVM cannot retry. {@link CudaBackend#create()} calls it first.
 */
final class CublasLoader {
  /** The shim in the jar, and the file name it is extracted as. */
  static final String SHIM_RESOURCE = "native/linux-x86_64/libcublas.so.12";

  private static CublasLocator.Location loaded;
  private static IllegalStateException failure;

  private CublasLoader() {}

  /** Loads the cuBLAS the locator found (once per JVM) and JCublas2's native library with it. */
  static synchronized CublasLocator.Location ensureLoaded(CublasLocator.Result found) {
    if (loaded != null) {
      return loaded;
    }
    if (failure != null) {
      throw failure; // a half-loaded cuBLAS cannot be unloaded; fail the same way every time
    }
    try {
      loaded = load(found);
      return loaded;
    } catch (IllegalStateException e) {
      failure = e;
      throw e;
    }
  }

  private static CublasLocator.Location load(CublasLocator.Result found) {
    CublasLocator.Location loc = found.location().orElseThrow(() -> new IllegalStateException(
        "cuda backend: no cuBLAS found (neither libcublas.so.12 nor libcublas.so.13); searched: "
            + found.searched() + ". Set " + CublasLocator.ENV + " (or -D" + CublasLocator.PROPERTY
            + ") to the folder that holds it."));
    loc.lt().ifPresent(lt -> loadLibrary(lt.toString(), "cublasLt beside " + loc.library()));
    loadLibrary(loc.library().toString(), loc.toString());
    if (loc.major() == 13) {
      if (!NativeResources.exists(SHIM_RESOURCE)) {
        throw new IllegalStateException("cuda backend: only cuBLAS 13 was found (" + loc
            + ") and this jar has no libcublas.so.12 forwarding shim for this platform");
      }
      String shim = NativeResources.extract(SHIM_RESOURCE, "libcublas.so.12").toString();
      loadLibrary(shim, "the libcublas.so.12 -> libcublas.so.13 forwarding shim");
    }
    try {
      JCublas2.setExceptionsEnabled(false); // initialises JCublas2: loads libJCublas2 now
    } catch (LinkageError e) {
      throw new IllegalStateException("cuda backend: JCublas2's native library did not load "
          + "after " + loc + " was loaded" + (loc.major() == 13 ? " with the forwarding shim" : "")
          + ": " + e, e);
    }
    return loc;
  }

  private static void loadLibrary(String path, String what) {
    try {
      System.load(path);
    } catch (UnsatisfiedLinkError e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("already loaded in another classloader")) {
        return; // it is in the process, which is all the dynamic loader needs
      }
      throw new IllegalStateException("cuda backend: could not load " + what + " (" + path
          + "): " + msg, e);
    }
  }
}
