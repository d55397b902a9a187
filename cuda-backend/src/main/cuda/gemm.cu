// jgrad's own matrix product, for GPUs where cuBLAS is missing or fails to load
// (-Djgrad.cuda.gemm=ptx, or the automatic fallback): the backend then needs only the driver.
//
// The same call as cuBLAS's strided-batched GEMM with alpha 1 and beta 0, column-major, so the
// one GemmPlan feeds both: for z < batch, i < m, j < n
//   c[z*strideC + i + j*ldc] = sum over p < k of opA(i, p) * opB(p, j)
//   opA(i, p) = a[z*strideA + (transA ? p + i*lda : i + p*lda)]
//   opB(p, j) = b[z*strideB + (transB ? j + p*ldb : p + j*ldb)]
// Each output is one fused multiply-add chain over p = 0, 1, ..., k-1, whatever the tiling or
// the GPU: the same bits on every run and every device (cuBLAS picks its kernels per GPU).
//
// A block of 16 x 16 threads computes a 64 x 64 tile of c, each thread 4 x 4 outputs spaced 16
// apart (threadIdx.x along i, so the column-major writes are coalesced), from 16-deep slices of
// a and b staged in shared memory; each slice is loaded along whichever axis is contiguous.
#include "common.cuh"

#define JG_GEMM_TILE 64
#define JG_GEMM_DEPTH 16

template <typename T>
__device__ __forceinline__ T jg_fma(T a, T b, T c);
template <>
__device__ __forceinline__ float jg_fma<float>(float a, float b, float c) { return fmaf(a, b, c); }
template <>
__device__ __forceinline__ double jg_fma<double>(double a, double b, double c) {
  return fma(a, b, c);
}

// Stages a JG_GEMM_DEPTH x JG_GEMM_TILE slice: s[q][r] = op(x)(first + r, p0 + q) for the left
// operand (rows r of op(a)), or op(x)(p0 + q, first + r) for the right one (columns r of op(b)),
// 0 outside the matrix. `alongTile` says whether consecutive r are consecutive in memory.
template <typename T>
__device__ __forceinline__ void gemm_stage(T (*s)[JG_GEMM_TILE], const T *x, i64 ld,
                                           bool alongTile, int first, int extent, int p0, int k,
                                           int tid) {
#pragma unroll
  for (int e = 0; e < JG_GEMM_DEPTH * JG_GEMM_TILE / 256; e++) {
    int idx = tid + 256 * e;
    // consecutive threads read consecutive addresses: along the tile, or along the depth
    int r = alongTile ? idx % JG_GEMM_TILE : idx / JG_GEMM_DEPTH;
    int q = alongTile ? idx / JG_GEMM_TILE : idx % JG_GEMM_DEPTH;
    int row = first + r, p = p0 + q;
    T v = 0;
    if (row < extent && p < k) {
      v = alongTile ? x[row + (i64)p * ld] : x[p + (i64)row * ld];
    }
    s[q][r] = v;
  }
}

template <typename T>
__device__ void gemm(int transA, int transB, int m, int n, int k, const T *a, i64 lda,
                     i64 strideA, const T *b, i64 ldb, i64 strideB, T *c, i64 ldc, i64 strideC,
                     int batch) {
  __shared__ T as[JG_GEMM_DEPTH][JG_GEMM_TILE];
  __shared__ T bs[JG_GEMM_DEPTH][JG_GEMM_TILE];
  int tx = threadIdx.x, ty = threadIdx.y, tid = ty * 16 + tx;
  int i0 = blockIdx.x * JG_GEMM_TILE;
  int tilesN = (n + JG_GEMM_TILE - 1) / JG_GEMM_TILE;
  // Both loops depend on blockIdx only: uniform across the block, so __syncthreads is safe.
  for (int z = blockIdx.z; z < batch; z += gridDim.z) {
    const T *az = a + (i64)z * strideA;
    const T *bz = b + (i64)z * strideB;
    T *cz = c + (i64)z * strideC;
    for (int tj = blockIdx.y; tj < tilesN; tj += gridDim.y) {
      int j0 = tj * JG_GEMM_TILE;
      T acc[4][4];
#pragma unroll
      for (int r = 0; r < 4; r++) {
#pragma unroll
        for (int q = 0; q < 4; q++) acc[r][q] = 0;
      }
      for (int p0 = 0; p0 < k; p0 += JG_GEMM_DEPTH) {
        // op(a)(i, p) is a[i + p*lda] (rows contiguous) unless transposed; op(b)(p, j) is
        // b[p + j*ldb] (depth contiguous) unless transposed, where b[j + p*ldb]
        gemm_stage(as, az, lda, !transA, i0, m, p0, k, tid);
        gemm_stage(bs, bz, ldb, transB != 0, j0, n, p0, k, tid);
        __syncthreads();
        // not the zeros staged past k: 0 * inf would be NaN, and -0 + 0 = +0 a changed sign
        int depth = k - p0 < JG_GEMM_DEPTH ? k - p0 : JG_GEMM_DEPTH;
        for (int q = 0; q < depth; q++) {
          T av[4], bv[4];
#pragma unroll
          for (int r = 0; r < 4; r++) {
            av[r] = as[q][tx + 16 * r];
            bv[r] = bs[q][ty + 16 * r];
          }
#pragma unroll
          for (int r = 0; r < 4; r++) {
#pragma unroll
            for (int s = 0; s < 4; s++) acc[r][s] = jg_fma(av[r], bv[s], acc[r][s]);
          }
        }
        __syncthreads();
      }
#pragma unroll
      for (int r = 0; r < 4; r++) {
#pragma unroll
        for (int s = 0; s < 4; s++) {
          int i = i0 + tx + 16 * r, j = j0 + ty + 16 * s;
          if (i < m && j < n) cz[i + (i64)j * ldc] = acc[r][s];
        }
      }
    }
  }
}

#define JG_GEMM_ENTRY(T, SUFFIX)                                                                \
  extern "C" __global__ void __launch_bounds__(256)                                            \
      jg_gemm_##SUFFIX(int transA, int transB, int m, int n, int k, const T *a, i64 lda,      \
                       i64 strideA, const T *b, i64 ldb, i64 strideB, T *c, i64 ldc,            \
                       i64 strideC, int batch) {                                                \
    gemm<T>(transA, transB, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC, batch); \
  }

JG_GEMM_ENTRY(float, f32)
JG_GEMM_ENTRY(double, f64)
