// Shared definitions for jgrad's CUDA kernels.
//
// Every kernel exists once per dtype: a template instantiated for float and double behind
// extern "C" entry points named <kernel>_f32 and <kernel>_f64, so the PTX names are stable and
// the Java side (Kernel.java) can look them up without C++ mangling. The kernels that only move
// data also have <kernel>_u8 entries for UINT8 (unsigned char); convert has _i32 and _u8 too.
//
// Indices and lengths are 64-bit: one H100 holds more than 2^31 floats. Kernels use grid-stride
// loops so the host can cap the grid size independently of the problem size.
#pragma once

#include <math.h>

typedef long long i64;

// Op codes. Kept in sync with OpCodes.java; OpCodesTest reads this header and fails when the
// numbers drift apart, so renumbering here without Java (or the reverse) cannot go unnoticed.
#define JG_UNARY_NEG 0
#define JG_UNARY_EXP 1
#define JG_UNARY_LOG 2
#define JG_UNARY_SQRT 3
#define JG_UNARY_ABS 4
#define JG_UNARY_TANH 5
#define JG_UNARY_SIGMOID 6
#define JG_UNARY_RELU 7
#define JG_UNARY_STEP 8
#define JG_UNARY_SIN 9
#define JG_UNARY_COS 10
#define JG_UNARY_LOG1P 11
#define JG_UNARY_EXPM1 12
#define JG_UNARY_ERF 13
// Used only by the fused bias+activation kernel: no activation at all.
#define JG_UNARY_IDENTITY 100

#define JG_BINARY_ADD 0
#define JG_BINARY_SUB 1
#define JG_BINARY_MUL 2
#define JG_BINARY_DIV 3
#define JG_BINARY_POW 4
#define JG_BINARY_MAXIMUM 5
#define JG_BINARY_MINIMUM 6
#define JG_BINARY_GREATER 7
#define JG_BINARY_EQUAL 8

#define JG_REDUCE_SUM 0
#define JG_REDUCE_MAX 1
#define JG_REDUCE_ARGMAX 2

// Which primitive reported a bad index into the error record (IndexErrorRecord.java decodes it).
#define JG_PRIM_INDEX_SELECT 1
#define JG_PRIM_INDEX_ADD 2
#define JG_PRIM_ONE_HOT 3
#define JG_PRIM_SOFTMAX_XENT 4

// Element types, as convert's `to` argument names its destination (OpCodes.dtype in Java).
#define JG_DTYPE_FLOAT32 0
#define JG_DTYPE_FLOAT64 1
#define JG_DTYPE_INT32 2
#define JG_DTYPE_UINT8 3

#define JG_MAX_DIMS 8

// Broadcast addressing for binary ops, passed by value. All fields are 64-bit so the layout has
// no padding and BroadcastPlan.java can write it as 1 + 3 * 8 little-endian longs. Dimensions are
// right-aligned: dims[JG_MAX_DIMS - rank .. JG_MAX_DIMS - 1] are used, the rest are ignored.
struct BcastParams {
  i64 rank;
  i64 dims[JG_MAX_DIMS];
  i64 aStride[JG_MAX_DIMS];
  i64 bStride[JG_MAX_DIMS];
};

#define JG_GRID_STRIDE(i, n)                                                   \
  for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n);            \
       i += (i64)blockDim.x * gridDim.x)

// Offsets of output element i in a and b (binary broadcasting; copy_strided reads only a). I is
// 32-bit when the output has fewer than 2^31 elements: 64-bit division is emulated on the GPU
// and several times slower.
template <typename I>
__device__ __forceinline__ void bcast_offsets(const BcastParams &p, I i, I *aOff, I *bOff) {
  I ao = 0, bo = 0;
  int first = JG_MAX_DIMS - (int)p.rank;
#pragma unroll
  for (int d = JG_MAX_DIMS - 1; d >= 0; --d) {
    if (d < first) break;
    I dim = (I)p.dims[d];
    I c = i % dim;
    i /= dim;
    ao += c * (I)p.aStride[d];
    bo += c * (I)p.bStride[d];
  }
  *aOff = ao;
  *bOff = bo;
}

// ---- error record -------------------------------------------------------------------------
// Kernels never write out of bounds because of a bad index: they skip the element and record
// the first bad index here. The host reads the record at the next synchronize() or download()
// and throws IndexOutOfBoundsException, since a kernel cannot throw.
//   err[0] primitive code (0 = no error), err[1] position in the index buffer,
//   err[2] bound, err[3] the offending value as double bits.
__device__ __forceinline__ void jg_report_bad_index(i64 *err, int primitive, i64 position,
                                                    double value, i64 bound) {
  unsigned long long *flag = (unsigned long long *)err;
  if (atomicCAS(flag, 0ULL, (unsigned long long)primitive) == 0ULL) {
    err[1] = position;
    err[2] = bound;
    err[3] = __double_as_longlong(value);
  }
}

// Reads an INT32 index: it must lie in [0, bound).
__device__ __forceinline__ bool jg_read_index(const int *indices, i64 position, i64 bound,
                                              i64 *err, int primitive, bool report, i64 *out) {
  i64 k = indices[position];
  if (k < 0 || k >= bound) {
    if (report) jg_report_bad_index(err, primitive, position, (double)k, bound);
    return false;
  }
  *out = k;
  return true;
}

// ---- math, one overload per dtype so templates pick the right precision -----------------
__device__ __forceinline__ float jg_exp(float x) { return expf(x); }
__device__ __forceinline__ double jg_exp(double x) { return exp(x); }
__device__ __forceinline__ float jg_log(float x) { return logf(x); }
__device__ __forceinline__ double jg_log(double x) { return log(x); }
__device__ __forceinline__ float jg_sqrt(float x) { return sqrtf(x); }
__device__ __forceinline__ double jg_sqrt(double x) { return sqrt(x); }
__device__ __forceinline__ float jg_abs(float x) { return fabsf(x); }
__device__ __forceinline__ double jg_abs(double x) { return fabs(x); }
__device__ __forceinline__ float jg_tanh(float x) { return tanhf(x); }
__device__ __forceinline__ double jg_tanh(double x) { return tanh(x); }
// Full-range argument reduction (no fast-math): within 2 ulp of fdlibm's even for |x| of 1e4 and up.
__device__ __forceinline__ float jg_sin(float x) { return sinf(x); }
__device__ __forceinline__ double jg_sin(double x) { return sin(x); }
__device__ __forceinline__ float jg_cos(float x) { return cosf(x); }
__device__ __forceinline__ double jg_cos(double x) { return cos(x); }
// CUDA's own log1p/expm1 (1-2 ulp), never log(1 + x) or exp(x) - 1: precision near 0 is the point.
__device__ __forceinline__ float jg_log1p(float x) { return log1pf(x); }
__device__ __forceinline__ double jg_log1p(double x) { return log1p(x); }
__device__ __forceinline__ float jg_expm1(float x) { return expm1f(x); }
__device__ __forceinline__ double jg_expm1(double x) { return expm1(x); }
// CUDA's own erf (erff 2 ulp, erf 2 ulp per the CUDA math API): odd, +-1 at +-infinity.
__device__ __forceinline__ float jg_erf(float x) { return erff(x); }
__device__ __forceinline__ double jg_erf(double x) { return erf(x); }
// Java's Math.pow where C's pow differs: a NaN exponent gives NaN (C: 1 for a base of 1), and
// so does a base of +-1 to an infinite power (C: 1).
template <typename T> __device__ __forceinline__ T jg_pow_java(T a, T b, T c_pow) {
  if (b != b) return b;
  if ((a == (T)1 || a == (T)-1) && (b == (T)INFINITY || b == (T)-INFINITY)) return (T)NAN;
  return c_pow;
}
__device__ __forceinline__ float jg_pow(float a, float b) { return jg_pow_java(a, b, powf(a, b)); }
__device__ __forceinline__ double jg_pow(double a, double b) { return jg_pow_java(a, b, pow(a, b)); }
__device__ __forceinline__ bool jg_isnan(float x) { return x != x; }
__device__ __forceinline__ bool jg_isnan(double x) { return x != x; }
__device__ __forceinline__ bool jg_signbit(float x) { return signbit(x); }
__device__ __forceinline__ bool jg_signbit(double x) { return signbit(x); }
__device__ __forceinline__ bool jg_isfinite(float x) { return isfinite(x); }
__device__ __forceinline__ bool jg_isfinite(double x) { return isfinite(x); }
// Java's Math.max and Math.min for numbers (NaN is the caller's): +0 is larger than -0. C's
// fmax/fmin leave the sign of an equal zero unspecified.
template <typename T> __device__ __forceinline__ T jg_max_java(T a, T b) {
  return a > b ? a : (b > a ? b : (jg_signbit(a) ? b : a));
}
template <typename T> __device__ __forceinline__ T jg_min_java(T a, T b) {
  return a < b ? a : (b < a ? b : (jg_signbit(a) ? a : b));
}
// Operations rounded on their own: nvcc never fuses these into a multiply-add, as it may a * b + c
// (a fused kernel that must give the bits of several primitive kernels uses them).
__device__ __forceinline__ float jg_add_rn(float a, float b) { return __fadd_rn(a, b); }
__device__ __forceinline__ double jg_add_rn(double a, double b) { return __dadd_rn(a, b); }
__device__ __forceinline__ float jg_sub_rn(float a, float b) { return __fsub_rn(a, b); }
__device__ __forceinline__ double jg_sub_rn(double a, double b) { return __dsub_rn(a, b); }
__device__ __forceinline__ float jg_mul_rn(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ double jg_mul_rn(double a, double b) { return __dmul_rn(a, b); }
__device__ __forceinline__ float jg_div_rn(float a, float b) { return __fdiv_rn(a, b); }
__device__ __forceinline__ double jg_div_rn(double a, double b) { return __ddiv_rn(a, b); }

template <typename T> __device__ __forceinline__ T jg_sigmoid(T x) {
  // Two branches so exp never overflows: both forms are exact rewrites of 1 / (1 + e^-x).
  if (x >= (T)0) {
    return (T)1 / ((T)1 + jg_exp(-x));
  }
  T e = jg_exp(x);
  return e / ((T)1 + e);
}

template <typename T> __device__ __forceinline__ T jg_unary(int op, T x) {
  switch (op) {
  case JG_UNARY_NEG: return -x;
  case JG_UNARY_EXP: return jg_exp(x);
  case JG_UNARY_LOG: return jg_log(x);
  case JG_UNARY_SQRT: return jg_sqrt(x);
  case JG_UNARY_ABS: return jg_abs(x);
  case JG_UNARY_TANH: return jg_tanh(x);
  case JG_UNARY_SIGMOID: return jg_sigmoid(x);
  // Java's Math.max(x, 0): NaN stays NaN (not 0), -0 becomes +0.
  case JG_UNARY_RELU: return x > (T)0 ? x : (x != x ? x : (T)0);
  case JG_UNARY_STEP: return x > (T)0 ? (T)1 : (x != x ? x : (T)0);  // NaN stays NaN, as on the CPU
  case JG_UNARY_SIN: return jg_sin(x);
  case JG_UNARY_COS: return jg_cos(x);
  case JG_UNARY_LOG1P: return jg_log1p(x);
  case JG_UNARY_EXPM1: return jg_expm1(x);
  case JG_UNARY_ERF: return jg_erf(x);
  default: return x; // JG_UNARY_IDENTITY; the host never passes anything else
  }
}

template <typename T> __device__ __forceinline__ T jg_binary(int op, T a, T b) {
  switch (op) {
  case JG_BINARY_ADD: return a + b;
  case JG_BINARY_SUB: return a - b;
  case JG_BINARY_MUL: return a * b;
  case JG_BINARY_DIV: return a / b;
  case JG_BINARY_POW: return jg_pow(a, b);
  // fmax/fmin drop NaN; Java's Math.max propagates it, and so do we (and its +0 over -0).
  case JG_BINARY_MAXIMUM: return (jg_isnan(a) || jg_isnan(b)) ? a + b : jg_max_java(a, b);
  case JG_BINARY_MINIMUM: return (jg_isnan(a) || jg_isnan(b)) ? a + b : jg_min_java(a, b);
  case JG_BINARY_GREATER: return a > b ? (T)1 : (T)0;
  case JG_BINARY_EQUAL: return a == b ? (T)1 : (T)0;
  default: return a;
  }
}

// ---- block reductions ----------------------------------------------------------------------
// A running reduction state: value, index (for argmax) and a Kahan compensation term (for sums,
// so long float sums stay within the 1e-4 relative tolerance the tests ask for).
template <typename T> struct Acc {
  T v;
  T c;
  i64 idx;
};

template <typename T> __device__ __forceinline__ Acc<T> jg_acc_identity(int op) {
  Acc<T> a;
  a.c = (T)0;
  // An empty slot: loses to every real element, including -inf (ties go to the lower index).
  a.idx = 0x7fffffffffffffffLL;
  a.v = op == JG_REDUCE_SUM ? (T)0 : -INFINITY;
  return a;
}

// Adds element (x, j) to the state. Elements arrive in increasing j within one thread.
template <typename T> __device__ __forceinline__ void jg_acc_add(int op, Acc<T> &a, T x, i64 j) {
  if (op == JG_REDUCE_SUM) {
    T y = x - a.c;
    T t = a.v + y;
    // An infinite (or NaN) sum has no compensation: (inf - inf) would make the sum NaN where
    // the CPU's plain sum stays infinite. Finite sums are untouched.
    a.c = jg_isfinite(t) ? (t - a.v) - y : (T)0;
    a.v = t;
  } else if (a.idx == 0x7fffffffffffffffLL) {
    a.v = x;
    a.idx = j;
  } else if (!jg_isnan(a.v) && (jg_isnan(x) || x > a.v ||
                                  (op == JG_REDUCE_MAX && x == a.v && jg_signbit(a.v) &&
                                   !jg_signbit(x)))) {
    // First NaN wins and sticks (NumPy/PyTorch semantics); otherwise first strict maximum, but
    // MAX takes +0 over -0 as the CPU's Math.max does (ARGMAX keeps the first zero, as the CPU).
    a.v = x;
    a.idx = j;
  }
}

// Merges two states covering disjoint index sets.
template <typename T> __device__ __forceinline__ Acc<T> jg_acc_merge(int op, Acc<T> a, Acc<T> b) {
  if (op == JG_REDUCE_SUM) {
    Acc<T> r;
    r.v = a.v + b.v;
    r.c = a.c + b.c;
    r.idx = 0;
    return r;
  }
  if (a.idx == 0x7fffffffffffffffLL) return b;
  if (b.idx == 0x7fffffffffffffffLL) return a;
  bool an = jg_isnan(a.v), bn = jg_isnan(b.v);
  if (an != bn) return an ? a : b;
  if (!an && a.v != b.v) return a.v > b.v ? a : b;
  if (op == JG_REDUCE_MAX && !an && jg_signbit(a.v) != jg_signbit(b.v))
    return jg_signbit(a.v) ? b : a; // equal zeros: +0, as Math.max
  return a.idx <= b.idx ? a : b;
}

template <typename T> __device__ __forceinline__ Acc<T> jg_shfl_down(Acc<T> a, int delta) {
  Acc<T> r;
  r.v = __shfl_down_sync(0xffffffffu, a.v, delta);
  r.c = __shfl_down_sync(0xffffffffu, a.c, delta);
  r.idx = __shfl_down_sync(0xffffffffu, a.idx, delta);
  return r;
}

// Reduces one state per thread to a result valid in thread 0. blockDim.x must be a multiple of
// 32 and at most 1024; every thread of the block must call it (it synchronises).
template <typename T> __device__ Acc<T> jg_block_reduce(int op, Acc<T> a) {
  __shared__ T sv[32];
  __shared__ T sc[32];
  __shared__ i64 si[32];
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  for (int d = 16; d > 0; d >>= 1) a = jg_acc_merge(op, a, jg_shfl_down(a, d));
  if (lane == 0) {
    sv[warp] = a.v;
    sc[warp] = a.c;
    si[warp] = a.idx;
  }
  __syncthreads();
  int warps = blockDim.x >> 5;
  if (warp == 0) {
    a = jg_acc_identity<T>(op);
    if (lane < warps) {
      a.v = sv[lane];
      a.c = sc[lane];
      a.idx = si[lane];
    }
    for (int d = 16; d > 0; d >>= 1) a = jg_acc_merge(op, a, jg_shfl_down(a, d));
  }
  __syncthreads(); // the shared slots may be reused by the caller's next round
  return a;
}

// The final value of a state: the sum corrected by its compensation, or the max.
template <typename T> __device__ __forceinline__ T jg_acc_result(int op, Acc<T> a) {
  return op == JG_REDUCE_SUM ? a.v - a.c : a.v;
}

// Stores a state's result at out[i]: SUM and MAX into the dtype's buffer, ARGMAX's index into an
// INT32 one (indices are never rounded to the data's dtype).
template <typename T>
__device__ __forceinline__ void jg_acc_store(int op, Acc<T> a, void *out, i64 i) {
  if (op == JG_REDUCE_ARGMAX) ((int *)out)[i] = (int)a.idx;
  else ((T *)out)[i] = jg_acc_result(op, a);
}
