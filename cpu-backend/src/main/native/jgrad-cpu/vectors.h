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
