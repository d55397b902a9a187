/*
 * A stand-in libcublas.so.13 (soname libcublas.so.13) with a handful of functions, for testing
 * the forwarding shim where no real cuBLAS is installed: argument passing through the lazy
 * stubs (integer, pointer, floating-point and stack arguments, float and double results) and
 * the "missing symbol" path for everything else. Not cuBLAS semantics: each function returns a
 * checksum of its arguments that the checker recomputes.
 */
int cublasGetProperty(int type, int *value) {
  *value = type == 0 ? 13 : 42;
  return 0;
}

/* 14 arguments: the last 8 go on the stack. */
int cublasDgemm_v2(void *handle, int transa, int transb, int m, int n, int k, const double *alpha,
                   const double *a, int lda, const double *b, int ldb, const double *beta,
                   double *c, int ldc) {
  c[0] = *alpha * 1000 + *beta * 100 + a[0] + b[0];
  return (int)(long)handle + transa + 2 * transb + 3 * m + 5 * n + 7 * k + 11 * lda + 13 * ldb +
         17 * ldc;
}

/* A double in a vector register; the legacy API returns nothing. */
void cublasDaxpy(int n, double alpha, const double *x, int incx, double *y, int incy) {
  y[0] = alpha * n + x[0] * incx + incy;
}

/* A float result in a vector register. */
float cublasSdot(int n, const float *x, int incx, const float *y, int incy) {
  return (float)n * x[0] * y[0] + (float)(incx + incy);
}
