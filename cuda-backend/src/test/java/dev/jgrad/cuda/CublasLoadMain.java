package dev.jgrad.cuda;

import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;

/**
 * Loads cuBLAS the way the backend does ({@link CublasLoader}, with the shim when only CUDA 13 is
 * found) and asks it for its version; run in a child JVM by {@link CublasShimLoadTest}.
 */
public final class CublasLoadMain {
  private CublasLoadMain() {}

  public static void main(String[] args) {
    CublasLocator.Location loc =
        CublasLoader.ensureLoaded(new CublasLocator(LibrarySearch.system()).locate());
    int[] major = new int[1];
    int[] minor = new int[1];
    int s1 = JCublas2.cublasGetProperty(0, major);
    int s2 = JCublas2.cublasGetProperty(1, minor);
    System.out.println("LOADED " + loc);
    System.out.println("CUBLAS " + major[0] + "." + minor[0] + " status " + s1 + "/" + s2);
    // Without a GPU this cannot succeed; it must fail with a status, not take the JVM down.
    int create = JCublas2.cublasCreate(new cublasHandle());
    System.out.println("CREATE status " + create);
  }
}
