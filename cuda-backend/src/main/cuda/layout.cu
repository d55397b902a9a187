// Data movement: copy of an axis range, a strided view made dense, batched transpose, gather/scatter-add along an axis,
// one-hot encoding. Index buffers are INT32 (const int *); a bad index is never dereferenced: the
// element is skipped (gathers write 0) and reported in err (see common.cuh). INT32 data (labels)
// is copied and gathered by the _f32 entries: they only move 4-byte words, bit for bit. UINT8
// data (pixels) has its own _u8 entries of the three kernels that only move elements.
#include "common.cuh"

template <typename T>
__device__ void copy_axis(const T *src, i64 srcAxis, i64 srcStart, T *dst, i64 dstAxis,
                          i64 dstStart, i64 outer, i64 count, i64 inner) {
  i64 slab = count * inner;
  JG_GRID_STRIDE(t, outer * slab) {
    i64 o = t / slab;
    i64 r = t - o * slab; // r = i * inner + j, contiguous within the copied range
    dst[(o * dstAxis + dstStart) * inner + r] = src[(o * srcAxis + srcStart) * inner + r];
  }
}

// dst[i] = src[offset + sum_d coord_d(i) * stride_d]: a strided view (permute, slice with a
// step, expand with stride 0) made dense. p holds the view's dims and strides in dims/aStride
// (bStride is 0); the host drops 1s and merges contiguous neighbours first (BroadcastPlan).
// 64-bit offsets throughout: a small view may read far into a large source buffer.
template <typename T>
__device__ void copy_strided(const T *src, i64 offset, T *dst, i64 n, BcastParams p) {
  JG_GRID_STRIDE(i, n) {
    i64 so, unused;
    bcast_offsets<i64>(p, i, &so, &unused);
    dst[i] = src[offset + so];
  }
}

// x [batch, rows, cols] -> out [batch, cols, rows] through a 32x32 shared-memory tile, so both
// the reads and the writes are coalesced. Block (32, 8): each thread moves 4 elements per tile.
// The +1 column of padding keeps the column reads free of shared-memory bank conflicts.
template <typename T>
__device__ void transpose(const T *x, T *out, i64 batch, i64 rows, i64 cols) {
  __shared__ T tile[32][33];
  i64 tilesY = (rows + 31) / 32;
  i64 tx = blockIdx.x;
  // Both loops depend on blockIdx only: uniform across the block, so __syncthreads is safe.
  for (i64 b = blockIdx.z; b < batch; b += gridDim.z) {
    const T *xb = x + b * rows * cols;
    T *ob = out + b * rows * cols;
    for (i64 ty = blockIdx.y; ty < tilesY; ty += gridDim.y) {
      i64 c = tx * 32 + threadIdx.x;
      for (int j = threadIdx.y; j < 32; j += 8) {
        i64 r = ty * 32 + j;
        if (r < rows && c < cols) tile[j][threadIdx.x] = xb[r * cols + c];
      }
      __syncthreads();
      i64 orow = ty * 32 + threadIdx.x; // a row of x is a column of out
      for (int j = threadIdx.y; j < 32; j += 8) {
        i64 oc = tx * 32 + j;
        if (oc < cols && orow < rows) ob[oc * rows + orow] = tile[threadIdx.x][j];
      }
      __syncthreads();
    }
  }
}

// Splits a flat index t of a [outer, count, inner] iteration into its three coordinates.
__device__ __forceinline__ void split3(i64 t, i64 count, i64 inner, i64 *o, i64 *i, i64 *j) {
  i64 slab = count * inner;
  *o = t / slab;
  i64 r = t - *o * slab;
  *i = r / inner;
  *j = r - *i * inner;
}

template <typename T>
__device__ void index_select(const T *src, i64 outer, i64 axis, i64 inner, const int *indices,
                             i64 count, T *out, i64 *err) {
  JG_GRID_STRIDE(t, outer * count * inner) {
    i64 o, i, j, k;
    split3(t, count, inner, &o, &i, &j);
    // Report once per index position (o == 0, j == 0), not once per element that reads it.
    bool ok = jg_read_index(indices, i, axis, err, JG_PRIM_INDEX_SELECT, o == 0 && j == 0, &k);
    out[t] = ok ? src[(o * axis + k) * inner + j] : (T)0;
  }
}

template <typename T>
__device__ void index_add(const T *src, const int *indices, i64 count, T *dst, i64 outer,
                          i64 axis, i64 inner, i64 *err) {
  JG_GRID_STRIDE(t, outer * count * inner) {
    i64 o, i, j, k;
    split3(t, count, inner, &o, &i, &j);
    if (jg_read_index(indices, i, axis, err, JG_PRIM_INDEX_ADD, o == 0 && j == 0, &k)) {
      // Repeated indices accumulate; double atomicAdd needs sm_60, below our sm_75 floor.
      atomicAdd(&dst[(o * axis + k) * inner + j], src[t]);
    }
  }
}

template <typename T>
__device__ void one_hot(const int *indices, i64 count, i64 classes, T *out, i64 *err) {
  JG_GRID_STRIDE(t, count * classes) {
    i64 r = t / classes;
    i64 c = t - r * classes;
    i64 k;
    bool ok = jg_read_index(indices, r, classes, err, JG_PRIM_ONE_HOT, c == 0, &k);
    out[t] = (ok && k == c) ? (T)1 : (T)0;
  }
}

extern "C" {
__global__ void jg_copy_axis_f32(const float *src, i64 srcAxis, i64 srcStart, float *dst,
                                 i64 dstAxis, i64 dstStart, i64 outer, i64 count, i64 inner) {
  copy_axis(src, srcAxis, srcStart, dst, dstAxis, dstStart, outer, count, inner);
}
__global__ void jg_copy_axis_f64(const double *src, i64 srcAxis, i64 srcStart, double *dst,
                                 i64 dstAxis, i64 dstStart, i64 outer, i64 count, i64 inner) {
  copy_axis(src, srcAxis, srcStart, dst, dstAxis, dstStart, outer, count, inner);
}
__global__ void jg_copy_axis_u8(const unsigned char *src, i64 srcAxis, i64 srcStart,
                                unsigned char *dst, i64 dstAxis, i64 dstStart, i64 outer,
                                i64 count, i64 inner) {
  copy_axis(src, srcAxis, srcStart, dst, dstAxis, dstStart, outer, count, inner);
}

__global__ void jg_copy_strided_f32(const float *src, i64 offset, float *dst, i64 n,
                                    BcastParams p) {
  copy_strided(src, offset, dst, n, p);
}
__global__ void jg_copy_strided_f64(const double *src, i64 offset, double *dst, i64 n,
                                    BcastParams p) {
  copy_strided(src, offset, dst, n, p);
}
__global__ void jg_copy_strided_u8(const unsigned char *src, i64 offset, unsigned char *dst,
                                   i64 n, BcastParams p) {
  copy_strided(src, offset, dst, n, p);
}

__global__ void jg_transpose_f32(const float *x, float *out, i64 batch, i64 rows, i64 cols) {
  transpose(x, out, batch, rows, cols);
}
__global__ void jg_transpose_f64(const double *x, double *out, i64 batch, i64 rows, i64 cols) {
  transpose(x, out, batch, rows, cols);
}

__global__ void jg_index_select_f32(const float *src, i64 outer, i64 axis, i64 inner,
                                    const int *indices, i64 count, float *out, i64 *err) {
  index_select(src, outer, axis, inner, indices, count, out, err);
}
__global__ void jg_index_select_f64(const double *src, i64 outer, i64 axis, i64 inner,
                                    const int *indices, i64 count, double *out, i64 *err) {
  index_select(src, outer, axis, inner, indices, count, out, err);
}
__global__ void jg_index_select_u8(const unsigned char *src, i64 outer, i64 axis, i64 inner,
                                   const int *indices, i64 count, unsigned char *out, i64 *err) {
  index_select(src, outer, axis, inner, indices, count, out, err);
}

__global__ void jg_index_add_f32(const float *src, const int *indices, i64 count, float *dst,
                                 i64 outer, i64 axis, i64 inner, i64 *err) {
  index_add(src, indices, count, dst, outer, axis, inner, err);
}
__global__ void jg_index_add_f64(const double *src, const int *indices, i64 count,
                                 double *dst, i64 outer, i64 axis, i64 inner, i64 *err) {
  index_add(src, indices, count, dst, outer, axis, inner, err);
}

__global__ void jg_one_hot_f32(const int *indices, i64 count, i64 classes, float *out,
                               i64 *err) {
  one_hot(indices, count, classes, out, err);
}
__global__ void jg_one_hot_f64(const int *indices, i64 count, i64 classes, double *out,
                               i64 *err) {
  one_hot(indices, count, classes, out, err);
}
}
