// Elementwise primitives: fill, unary, scalar, binary (same shape and broadcast), convert.
// Each thread reads element i and writes element i, so out may alias an input (in-place).
#include "common.cuh"

template <typename T> __device__ void fill(T *out, i64 n, T value) {
  JG_GRID_STRIDE(i, n) out[i] = value;
}

// To INT32 as Java's (int) cast: toward zero, NaN to 0, saturating. Spelled out rather than left
// to cvt.rzi, so that the CPU and the GPU agree by construction.
template <typename T> __device__ __forceinline__ int jg_to_int(T v) {
  if (v != v) return 0;
  if (v >= (T)2147483647.0) return 2147483647;
  if (v <= (T)-2147483648.0) return (-2147483647 - 1);
  return (int)v; // in range: C's conversion truncates toward zero
}
__device__ __forceinline__ int jg_to_int(int v) { return v; }
__device__ __forceinline__ int jg_to_int(unsigned char v) { return v; }

// dst[i] = src[i] in dtype `to` (a JG_DTYPE_ code); casts round to nearest between floats and
// from ints, as Java's do. To UINT8 it is the low 8 bits of the (int) cast, as Java's (byte)
// keeps them (C's conversion to an unsigned type is modulo 2^8).
template <typename S> __device__ void convert(const S *src, void *dst, i64 n, int to) {
  JG_GRID_STRIDE(i, n) {
    S v = src[i];
    if (to == JG_DTYPE_FLOAT32) ((float *)dst)[i] = (float)v;
    else if (to == JG_DTYPE_FLOAT64) ((double *)dst)[i] = (double)v;
    else if (to == JG_DTYPE_INT32) ((int *)dst)[i] = jg_to_int(v);
    else ((unsigned char *)dst)[i] = (unsigned char)jg_to_int(v);
  }
}

template <typename T> __device__ void unary(const T *x, T *out, i64 n, int op) {
  JG_GRID_STRIDE(i, n) out[i] = jg_unary(op, x[i]);
}

template <typename T> __device__ void scalar(const T *a, T s, T *out, i64 n, int op) {
  JG_GRID_STRIDE(i, n) out[i] = jg_binary(op, a[i], s);
}

template <typename T> __device__ void binary(const T *a, const T *b, T *out, i64 n, int op) {
  JG_GRID_STRIDE(i, n) out[i] = jg_binary(op, a[i], b[i]);
}

template <typename T>
__device__ void binary_bcast(const T *a, const T *b, T *out, i64 n, int op, BcastParams p) {
  if (n <= 0x7fffffffLL) {
    // i + stride stays below 2^32 because the host caps blockDim * gridDim far below 2^31.
    unsigned int n32 = (unsigned int)n;
    for (unsigned int i = blockIdx.x * blockDim.x + threadIdx.x; i < n32;
         i += blockDim.x * gridDim.x) {
      unsigned int ao, bo;
      bcast_offsets<unsigned int>(p, i, &ao, &bo);
      out[i] = jg_binary(op, a[ao], b[bo]);
    }
  } else {
    JG_GRID_STRIDE(i, n) {
      i64 ao, bo;
      bcast_offsets<i64>(p, i, &ao, &bo);
      out[i] = jg_binary(op, a[ao], b[bo]);
    }
  }
}

extern "C" {
__global__ void jg_fill_f32(float *out, i64 n, float value) { fill(out, n, value); }
__global__ void jg_fill_f64(double *out, i64 n, double value) { fill(out, n, value); }

__global__ void jg_convert_f32(const float *src, void *dst, i64 n, int to) {
  convert(src, dst, n, to);
}
__global__ void jg_convert_f64(const double *src, void *dst, i64 n, int to) {
  convert(src, dst, n, to);
}
__global__ void jg_convert_i32(const int *src, void *dst, i64 n, int to) {
  convert(src, dst, n, to);
}
__global__ void jg_convert_u8(const unsigned char *src, void *dst, i64 n, int to) {
  convert(src, dst, n, to);
}

__global__ void jg_unary_f32(const float *x, float *out, i64 n, int op) { unary(x, out, n, op); }
__global__ void jg_unary_f64(const double *x, double *out, i64 n, int op) {
  unary(x, out, n, op);
}

__global__ void jg_scalar_f32(const float *a, float s, float *out, i64 n, int op) {
  scalar(a, s, out, n, op);
}
__global__ void jg_scalar_f64(const double *a, double s, double *out, i64 n, int op) {
  scalar(a, s, out, n, op);
}

__global__ void jg_binary_f32(const float *a, const float *b, float *out, i64 n, int op) {
  binary(a, b, out, n, op);
}
__global__ void jg_binary_f64(const double *a, const double *b, double *out, i64 n, int op) {
  binary(a, b, out, n, op);
}

__global__ void jg_binary_bcast_f32(const float *a, const float *b, float *out, i64 n, int op,
                                    BcastParams p) {
  binary_bcast(a, b, out, n, op, p);
}
__global__ void jg_binary_bcast_f64(const double *a, const double *b, double *out, i64 n, int op,
                                    BcastParams p) {
  binary_bcast(a, b, out, n, op, p);
}
}
