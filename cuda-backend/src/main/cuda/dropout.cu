// Dropout's inverted mask (jgrad::dropout_mask): the CUDA twin of dev.jgrad.api.op.DropoutMask,
// which defines it; keep the two line by line equal, as BackendParityTest checks bit for bit.
//
// Element i is kept iff (mix64(key + (i + 1) * GAMMA) >> 11) >= threshold, where the host passes
// key = DropoutMask.key(seed, counter) and threshold = ceil(p * 2^53), so the device does only
// unsigned 64-bit integer arithmetic (wrapping, as Java's long) and writes scale or 0.
#include "common.cuh"

typedef unsigned long long u64;

#define JG_SPLITMIX_GAMMA 0x9E3779B97F4A7C15ULL

// splitmix64's output function (Stafford's variant 13), as java.util.SplittableRandom's mix64.
__device__ __forceinline__ u64 jg_mix64(u64 z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

template <typename T>
__device__ void dropout_mask(T *out, i64 n, u64 key, u64 threshold, T scale) {
  JG_GRID_STRIDE(i, n) {
    u64 bits = jg_mix64(key + ((u64)i + 1ULL) * JG_SPLITMIX_GAMMA);
    out[i] = (bits >> 11) >= threshold ? scale : (T)0;
  }
}

extern "C" {
__global__ void jg_dropout_mask_f32(float *out, i64 n, i64 key, i64 threshold, float scale) {
  dropout_mask(out, n, (u64)key, (u64)threshold, scale);
}
__global__ void jg_dropout_mask_f64(double *out, i64 n, i64 key, i64 threshold, double scale) {
  dropout_mask(out, n, (u64)key, (u64)threshold, scale);
}
}
