// Dropout's inverted mask (jgrad::dropout_mask): the CUDA twin of dev.jgrad.api.op.DropoutMask,
// which defines it; keep the two line by line equal, as BackendParityTest checks bit for bit.
//
// Element i is kept iff (mix64(key + (i + 1) * GAMMA) >> 11) >= threshold, with
// key = mix64(seed + (counter + 1) * GAMMA) (DropoutMask.key) and threshold = ceil(p * 2^53) from
// the host: unsigned 64-bit integer arithmetic (wrapping, as Java's long), writing scale or 0.
// The counter is read from device memory when the kernel runs (a FLOAT64 holding a whole number
// below 2^53), so a CUDA graph draws a new mask each launch from the counter filled in before it.
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
__device__ void dropout_mask(T *out, i64 n, u64 seed, const double *counter, u64 threshold,
                             T scale) {
  const u64 key = jg_mix64(seed + ((u64)counter[0] + 1ULL) * JG_SPLITMIX_GAMMA);
  JG_GRID_STRIDE(i, n) {
    u64 bits = jg_mix64(key + ((u64)i + 1ULL) * JG_SPLITMIX_GAMMA);
    out[i] = (bits >> 11) >= threshold ? scale : (T)0;
  }
}

extern "C" {
__global__ void jg_dropout_mask_f32(float *out, i64 n, i64 seed, const double *counter,
                                    i64 threshold, float scale) {
  dropout_mask(out, n, (u64)seed, counter, (u64)threshold, scale);
}
__global__ void jg_dropout_mask_f64(double *out, i64 n, i64 seed, const double *counter,
                                    i64 threshold, double scale) {
  dropout_mask(out, n, (u64)seed, counter, (u64)threshold, scale);
}
}
