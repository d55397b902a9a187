/*
 * Checks the forwarding shim against fake_cublas13.c: arguments of every register class and on
 * the stack survive the lazy stub, resolved calls go straight through, and a function the
 * target lacks prints its name on stderr and returns CUBLAS_STATUS_NOT_SUPPORTED (or, for
 * cublasGetStatusName, a string). Run by CublasShimFreshnessTest wherever gcc exists.
 *
 *   shim_fake_check FAKE_CUBLAS13 SHIM
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void expect(int ok, const char *what) {
  printf("%s %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) failures++;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s FAKE_CUBLAS13 SHIM\n", argv[0]);
    return 2;
  }
  if (!dlopen(argv[1], RTLD_NOW | RTLD_LOCAL)) {
    printf("FAIL dlopen %s: %s\n", argv[1], dlerror());
    return 1;
  }
  void *shim = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
  if (!shim) {
    printf("FAIL dlopen %s: %s\n", argv[2], dlerror());
    return 1;
  }
  int (*dgemm)(void *, int, int, int, int, int, const double *, const double *, int,
               const double *, int, const double *, double *, int) =
      (int (*)(void *, int, int, int, int, int, const double *, const double *, int,
               const double *, int, const double *, double *, int))dlsym(shim, "cublasDgemm_v2");
  void (*daxpy)(int, double, const double *, int, double *, int) =
      (void (*)(int, double, const double *, int, double *, int))dlsym(shim, "cublasDaxpy");
  float (*sdot)(int, const float *, int, const float *, int) =
      (float (*)(int, const float *, int, const float *, int))dlsym(shim, "cublasSdot");
  int (*get_property)(int, int *) = (int (*)(int, int *))dlsym(shim, "cublasGetProperty");
  int (*create)(void **) = (int (*)(void **))dlsym(shim, "cublasCreate_v2");
  const char *(*status_name)(int) = (const char *(*)(int))dlsym(shim, "cublasGetStatusName");
  int (*resolve_all)(void) = (int (*)(void))dlsym(shim, "jgrad_cublas_shim_resolve_all");
  if (!dgemm || !daxpy || !sdot || !get_property || !create || !status_name || !resolve_all) {
    printf("FAIL the shim lacks an expected export\n");
    return 1;
  }

  for (int round = 0; round < 2; round++) { /* round 0: lazy stubs; round 1: resolved table */
    double alpha = 2.5, beta = 0.5, a = 3, b = 4, c = 0;
    int r = dgemm((void *)7, 1, 1, 2, 3, 4, &alpha, &a, 5, &b, 6, &beta, &c, 8);
    int want = 7 + 1 + 2 + 6 + 15 + 28 + 55 + 78 + 136;
    expect(r == want && c == 2500 + 50 + 3 + 4, "14-argument call (stack arguments)");

    double x = 1.5, y = 0;
    daxpy(3, 0.25, &x, 2, &y, 5);
    expect(y == 0.75 + 3.0 + 5, "double argument in a vector register");

    float fx = 2, fy = 3;
    float d = sdot(4, &fx, 1, &fy, 2);
    expect(d == 4 * 2 * 3 + 3.0f, "float result in a vector register");

    int v = 0;
    expect(get_property(0, &v) == 0 && v == 13, "pointer argument and int result");
  }

  void *handle = NULL;
  expect(create(&handle) == 15, "missing function returns CUBLAS_STATUS_NOT_SUPPORTED");
  const char *name = status_name(0);
  expect(name != NULL && strcmp(name, "CUBLAS_STATUS_NOT_SUPPORTED") == 0,
         "missing string function returns a string");
  int missing = resolve_all();
  expect(missing > 600, "resolve_all counts the functions the fake lacks");

  printf("%s\n", failures == 0 ? "ALL OK" : "FAILED");
  return failures == 0 ? 0 : 1;
}
