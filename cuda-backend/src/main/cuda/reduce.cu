// Reductions of the middle axis of x viewed as [outer, axis, inner] into out [outer, inner].
//
// Three shapes of work, chosen on the host (LaunchGeometry.reduceStrategy):
//  - reduce_cols: one thread per output. Neighbouring threads read neighbouring inner
//    positions, so loads coalesce; best when there are many outputs or a short axis.
//  - reduce_rows: one block per output, threads stride over the axis and combine with a block
//    reduction; for few outputs with a long contiguous axis (inner == 1: row sums, a full sum).
//  - reduce_tiled: one block of 32 x 8 threads per 32 neighbouring outputs: the 32 lanes read
//    32 neighbouring inner positions (coalesced), the 8 rows of threads split the axis; for few
//    outputs with a long strided axis (inner > 1: column sums, e.g. a bias gradient).
// Semantics shared by both: SUM is Kahan-compensated; MAX and ARGMAX propagate NaN (the first
// NaN wins); ARGMAX writes the first index of the maximum into an INT32 out (out is void*).
#include "common.cuh"

// Whether a result of op over a line of T must be summed again in double: a FLOAT32 SUM, which
// the CPU adds in double along and across rows alike (FloatReductions, NativeCpu's row and
// column sums), where the sum in T is not finite: partial sums past FLT_MAX then keep the CPU's
// finite total. Finite sums are untouched: the compensated float sum is as accurate as the
// CPU's double one rounded once (a column of 1e6 values 0.1f: 100000, not 100958).
template <typename T>
__device__ __forceinline__ bool jg_sum_again(int op, const Acc<T> &a) {
  return sizeof(T) < sizeof(double) && op == JG_REDUCE_SUM && !jg_isfinite(jg_acc_result(op, a));
}

template <typename T>
__device__ void reduce_cols(const T *x, void *out, i64 outer, i64 axis, i64 inner, int op) {
  i64 n = outer * inner;
  JG_GRID_STRIDE(t, n) {
    i64 o = t / inner;
    i64 i = t - o * inner;
    const T *p = x + o * axis * inner + i;
    Acc<T> a = jg_acc_identity<T>(op);
    for (i64 j = 0; j < axis; ++j) jg_acc_add(op, a, p[j * inner], j);
    if (jg_sum_again(op, a)) {
      Acc<double> d = jg_acc_identity<double>(op);
      for (i64 j = 0; j < axis; ++j) jg_acc_add(op, d, (double)p[j * inner], j);
      ((T *)out)[t] = (T)jg_acc_result(op, d);
    } else {
      jg_acc_store(op, a, out, t);
    }
  }
}

template <typename T>
__device__ void reduce_rows(const T *x, void *out, i64 outer, i64 axis, i64 inner, int op) {
  i64 n = outer * inner;
  // The loop bound depends on blockIdx only, so every thread of a block runs the same number of
  // iterations and the __syncthreads inside jg_block_reduce is reached uniformly.
  for (i64 t = blockIdx.x; t < n; t += gridDim.x) {
    i64 o = t / inner;
    i64 i = t - o * inner;
    const T *p = x + o * axis * inner + i;
    Acc<T> a = jg_acc_identity<T>(op);
    for (i64 j = threadIdx.x; j < axis; j += blockDim.x) jg_acc_add(op, a, p[j * inner], j);
    a = jg_block_reduce(op, a);
    __shared__ bool again;
    if (threadIdx.x == 0) again = jg_sum_again(op, a);
    __syncthreads(); // every thread reads `again` before the next output's block reduce
    if (again) {
      Acc<double> d = jg_acc_identity<double>(op);
      for (i64 j = threadIdx.x; j < axis; j += blockDim.x) jg_acc_add(op, d, (double)p[j * inner], j);
      d = jg_block_reduce(op, d);
      if (threadIdx.x == 0) ((T *)out)[t] = (T)jg_acc_result(op, d);
    } else if (threadIdx.x == 0) {
      jg_acc_store(op, a, out, t);
    }
  }
}

template <typename T>
__device__ void reduce_tiled(const T *x, void *out, i64 outer, i64 axis, i64 inner, int op) {
  // blockDim is (32, at most 8); the partial states of the 8 rows meet in shared memory.
  __shared__ T sv[8][32];
  __shared__ T sc[8][32];
  __shared__ i64 si[8][32];
  // A float sum that overflowed is added again in double (jg_sum_again), across the 8 rows too.
  __shared__ bool again[32];
  __shared__ double dv[8][32];
  __shared__ double dc[8][32];
  i64 tiles = (inner + 31) / 32;
  int tx = threadIdx.x, ty = threadIdx.y;
  // Uniform loop bound per block: the __syncthreads below are reached by every thread.
  for (i64 b = blockIdx.x; b < outer * tiles; b += gridDim.x) {
    i64 o = b / tiles;
    i64 i = (b - o * tiles) * 32 + tx;
    Acc<T> a = jg_acc_identity<T>(op);
    if (i < inner) {
      const T *p = x + o * axis * inner + i;
      for (i64 j = ty; j < axis; j += blockDim.y) jg_acc_add(op, a, p[j * inner], j);
    }
    sv[ty][tx] = a.v;
    sc[ty][tx] = a.c;
    si[ty][tx] = a.idx;
    __syncthreads();
    if (ty == 0) {
      bool redo = false;
      if (i < inner) {
        for (int r = 1; r < blockDim.y; ++r) {
          Acc<T> other;
          other.v = sv[r][tx];
          other.c = sc[r][tx];
          other.idx = si[r][tx];
          a = jg_acc_merge(op, a, other);
        }
        redo = jg_sum_again(op, a);
        if (!redo) jg_acc_store(op, a, out, o * inner + i);
      }
      again[tx] = redo;
    }
    __syncthreads();
    // The same for every thread of the block (all read the flags after the barrier), so the
    // barriers inside are reached uniformly.
    bool any = false;
    for (int k = 0; k < 32; ++k) any = any || again[k];
    if (any) {
      Acc<double> d = jg_acc_identity<double>(op);
      if (i < inner && again[tx]) {
        const T *p = x + o * axis * inner + i;
        for (i64 j = ty; j < axis; j += blockDim.y) jg_acc_add(op, d, (double)p[j * inner], j);
      }
      dv[ty][tx] = d.v;
      dc[ty][tx] = d.c;
      __syncthreads();
      if (ty == 0 && i < inner && again[tx]) {
        for (int r = 1; r < blockDim.y; ++r) {
          Acc<double> other;
          other.v = dv[r][tx];
          other.c = dc[r][tx];
          other.idx = 0;
          d = jg_acc_merge(op, d, other);
        }
        ((T *)out)[o * inner + i] = (T)jg_acc_result(op, d);
      }
    }
    __syncthreads();
  }
}

extern "C" {
__global__ void jg_reduce_cols_f32(const float *x, void *out, i64 outer, i64 axis, i64 inner,
                                   int op) {
  reduce_cols(x, out, outer, axis, inner, op);
}
__global__ void jg_reduce_cols_f64(const double *x, void *out, i64 outer, i64 axis, i64 inner,
                                   int op) {
  reduce_cols(x, out, outer, axis, inner, op);
}
__global__ void jg_reduce_rows_f32(const float *x, void *out, i64 outer, i64 axis, i64 inner,
                                   int op) {
  reduce_rows(x, out, outer, axis, inner, op);
}
__global__ void jg_reduce_rows_f64(const double *x, void *out, i64 outer, i64 axis, i64 inner,
                                   int op) {
  reduce_rows(x, out, outer, axis, inner, op);
}
__global__ void jg_reduce_tiled_f32(const float *x, void *out, i64 outer, i64 axis, i64 inner,
                                    int op) {
  reduce_tiled(x, out, outer, axis, inner, op);
}
__global__ void jg_reduce_tiled_f64(const double *x, void *out, i64 outer, i64 axis,
                                    i64 inner, int op) {
  reduce_tiled(x, out, outer, axis, inner, op);
}
}
