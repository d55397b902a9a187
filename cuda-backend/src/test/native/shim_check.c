/*
 * Loads the libcublas.so.12 forwarding shim against a real libcublas.so.13 and checks it, the
 * way jgrad does it in the JVM: cublasLt 13 and cublas 13 first by absolute path, then the shim,
 * then JCublas2's native library with RTLD_NOW, which binds all its versioned imports at once.
 * Run by CublasShimLoadTest; needs no GPU.
 *
 *   shim_check LT13 CUBLAS13 SHIM JCUBLAS2_NATIVE
 * Prints one line per check; exit status 0 when all pass.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void *open_or_fail(const char *path, int flags) {
  void *h = dlopen(path, flags);
  if (h == NULL) {
    printf("FAIL dlopen %s: %s\n", path, dlerror());
    failures++;
  } else {
    printf("ok   dlopen %s\n", path);
  }
  return h;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s LT13 CUBLAS13 SHIM JCUBLAS2_NATIVE\n", argv[0]);
    return 2;
  }
  if (!open_or_fail(argv[1], RTLD_NOW | RTLD_LOCAL)) return 1;
  if (!open_or_fail(argv[2], RTLD_NOW | RTLD_LOCAL)) return 1;
  void *shim = open_or_fail(argv[3], RTLD_NOW | RTLD_LOCAL);
  if (!shim) return 1;

  /* First calls go through the lazy stubs: arguments and results must survive them. */
  int (*get_property)(int, int *) = (int (*)(int, int *))dlsym(shim, "cublasGetProperty");
  const char *(*status_name)(int) = (const char *(*)(int))dlsym(shim, "cublasGetStatusName");
  if (!get_property || !status_name) {
    printf("FAIL the shim does not export cublasGetProperty/cublasGetStatusName\n");
    return 1;
  }
  int major = -1, minor = -1;
  int s1 = get_property(0, &major); /* MAJOR_VERSION */
  int s2 = get_property(1, &minor); /* MINOR_VERSION, now through the patched table */
  if (s1 != 0 || s2 != 0 || major != 13) {
    printf("FAIL cublasGetProperty through the shim: status %d/%d, version %d.%d\n", s1, s2, major,
           minor);
    failures++;
  } else {
    printf("ok   cublasGetProperty through the shim: cuBLAS %d.%d\n", major, minor);
  }
  const char *st = status_name(15);
  if (st == NULL || strcmp(st, "CUBLAS_STATUS_NOT_SUPPORTED") != 0) {
    printf("FAIL cublasGetStatusName(15) through the shim: %s\n", st ? st : "(null)");
    failures++;
  } else {
    printf("ok   cublasGetStatusName(15) = %s\n", st);
  }

  int (*resolve_all)(void) = (int (*)(void))dlsym(shim, "jgrad_cublas_shim_resolve_all");
  int (*count)(void) = (int (*)(void))dlsym(shim, "jgrad_cublas_shim_symbol_count");
  if (!resolve_all || !count) {
    printf("FAIL the shim does not export its check functions\n");
    return 1;
  }
  int missing = resolve_all();
  if (missing != 0) {
    printf("FAIL %d of %d symbols are missing from libcublas.so.13 (listed on stderr)\n", missing,
           count());
    failures++;
  } else {
    printf("ok   all %d symbols resolve in libcublas.so.13\n", count());
  }

  /* JCublas2's native library binds every import with version libcublas.so.12 right now. */
  open_or_fail(argv[4], RTLD_NOW | RTLD_LOCAL);

  printf("%s\n", failures == 0 ? "ALL OK" : "FAILED");
  return failures == 0 ? 0 : 1;
}
