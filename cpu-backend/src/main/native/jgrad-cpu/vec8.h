/*
 * Eight floats as one GCC vector: an AVX register in the _avx2 build, two SSE registers in the
 * _base build (same source, see build.sh). Unaligned loads and stores through memcpy.
 */
#ifndef JGRAD_VEC8_H
#define JGRAD_VEC8_H
#include <string.h>

typedef float v8 __attribute__((vector_size(32)));
typedef int v8i __attribute__((vector_size(32)));

static inline v8 load8(const float *p) {
  v8 v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline void store8(float *p, v8 v) { memcpy(p, &v, sizeof v); }

static inline v8 splat8(float s) { return (v8){s, s, s, s, s, s, s, s}; }

#endif
