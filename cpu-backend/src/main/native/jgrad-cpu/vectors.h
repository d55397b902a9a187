/*
 * Floats as GCC vectors of 4, 8 and 16 lanes: machine registers where the build targets them
 * (build.sh compiles each kernel file for x86-64, AVX2 and AVX-512), pairs or quads of narrower
 * ones otherwise, and the bits of 16 floats as unsigned integers. Unaligned loads and stores
 * through memcpy.
 */
#ifndef JGRAD_VECTORS_H
#define JGRAD_VECTORS_H
#include <string.h>

typedef float v4 __attribute__((vector_size(16)));
typedef float v8 __attribute__((vector_size(32)));
typedef int v8i __attribute__((vector_size(32)));
typedef float v16 __attribute__((vector_size(64)));
typedef unsigned v16u __attribute__((vector_size(64)));

#define DEFINE_VECTOR_ACCESS(type, lanes)                                                      \
  static inline type load##lanes(const float *p) {                                            \
    type v;                                                                                    \
    memcpy(&v, p, sizeof v);                                                                   \
    return v;                                                                                  \
  }                                                                                            \
  static inline void store##lanes(float *p, type v) { memcpy(p, &v, sizeof v); }

DEFINE_VECTOR_ACCESS(v4, 4)
DEFINE_VECTOR_ACCESS(v8, 8)
DEFINE_VECTOR_ACCESS(v16, 16)

/* Each kernel file is built once per instruction set (-DSUFFIX=_avx512 ...): f's name there. */
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define NAME(f) CAT(f, SUFFIX)

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

/*
 * The first count lanes (0 to all) of a vector from or to memory, the others neither read nor
 * written (0 when loaded): the last, partial vector of a row.
 */
#if defined(__AVX512F__)
static inline v16 load_first16(const float *p, int count) {
  return (v16) _mm512_maskz_loadu_ps((__mmask16) ((1u << count) - 1), p);
}
static inline void store_first16(float *p, v16 v, int count) {
  _mm512_mask_storeu_ps(p, (__mmask16) ((1u << count) - 1), (__m512) v);
}
#endif
#if defined(__AVX2__)
static inline __m256i first_lanes8(int count) {
  v8i lane = {0, 1, 2, 3, 4, 5, 6, 7};
  return (__m256i) (lane < count);
}
static inline v8 load_first8(const float *p, int count) {
  return (v8) _mm256_maskload_ps(p, first_lanes8(count));
}
static inline void store_first8(float *p, v8 v, int count) {
  _mm256_maskstore_ps(p, first_lanes8(count), (__m256) v);
}
#endif

/* The bits of 16 floats. */
static inline v16u load16u(const float *p) {
  v16u v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline v4 splat4(float s) { return (v4){s, s, s, s}; }
static inline v8 splat8(float s) { return (v8){s, s, s, s, s, s, s, s}; }
static inline v16 splat16(float s) {
  return (v16){s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s};
}

#endif
