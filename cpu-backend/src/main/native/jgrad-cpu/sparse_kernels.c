/*
 * Float products whose left operand is mostly zeros (MNIST pixels, ReLU outputs): only the
 * nonzero entries of a are multiplied, so the work shrinks with the density. Compiled twice by
 * build.sh: with AVX2+FMA (suffix _avx2) and for any x86-64 (suffix _base); jgrad_cpu_jni.c picks
 * one at load time. Row-major throughout, leading dimensions in elements.
 *
 * An entry of a that is exactly zero contributes nothing, even where b holds an infinity or NaN
 * (as in any sparse product); a NaN in a itself is not zero and propagates.
 */
#include <stddef.h>
#include <string.h>
#ifdef __AVX2__
#include <immintrin.h>
#endif

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define NAME(f) CAT(f, SUFFIX)

typedef float v8 __attribute__((vector_size(32)));

static inline v8 load8(const float *p) {
  v8 v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline void store8(float *p, v8 v) { memcpy(p, &v, sizeof v); }

static inline v8 splat8(float s) { return (v8){s, s, s, s, s, s, s, s}; }

/*
 * Calls visit(p) for each nonzero entry row[p] of row[0..k), in order of p. With AVX2 the zeros
 * are skipped 8 at a time (unordered-or-not-equal: a NaN counts as nonzero).
 */
#ifdef __AVX2__
#define FOR_EACH_NONZERO(row, k, p, visit)                                                   \
  do {                                                                                       \
    const __m256 zero_ = _mm256_setzero_ps();                                                \
    int base_ = 0;                                                                           \
    for (; base_ + 8 <= (k); base_ += 8) {                                                   \
      unsigned mask_ = (unsigned) _mm256_movemask_ps(                                        \
          _mm256_cmp_ps(_mm256_loadu_ps((row) + base_), zero_, _CMP_NEQ_UQ));                \
      while (mask_ != 0) {                                                                   \
        int p = base_ + __builtin_ctz(mask_);                                                \
        mask_ &= mask_ - 1;                                                                  \
        visit;                                                                               \
      }                                                                                      \
    }                                                                                        \
    for (int p = base_; p < (k); p++) {                                                      \
      if (!((row)[p] == 0.0f)) {                                                             \
        visit;                                                                               \
      }                                                                                      \
    }                                                                                        \
  } while (0)
#else
#define FOR_EACH_NONZERO(row, k, p, visit) \
  do {                                     \
    for (int p = 0; p < (k); p++) {        \
      if (!((row)[p] == 0.0f)) {           \
        visit;                             \
      }                                    \
    }                                      \
  } while (0)
#endif

/* Writes the nonzero entries of row[0..k) to (idx, val) and returns how many. */
static int nonzeros(const float *row, int k, int *idx, float *val) {
  int nnz = 0;
  FOR_EACH_NONZERO(row, k, p, (idx[nnz] = p, val[nnz++] = row[p]));
  return nnz;
}

/*
 * 32 columns [j0, j0 + 32) of one output row: sum of val[q] * b[idx[q], :] over the row's
 * nonzeros, accumulated in registers. Two accumulator sets (even and odd q) keep both FMA pipes
 * busy despite their latency.
 */
static void row_block32(const int *idx, const float *val, int nnz, const float *b, size_t ldb,
    int j0, float *out) {
  v8 e0 = {0}, e1 = {0}, e2 = {0}, e3 = {0}, o0 = {0}, o1 = {0}, o2 = {0}, o3 = {0};
  int q = 0;
  for (; q + 2 <= nnz; q += 2) {
    const float *be = b + (size_t) idx[q] * ldb + j0;
    const float *bo = b + (size_t) idx[q + 1] * ldb + j0;
    v8 se = splat8(val[q]), so = splat8(val[q + 1]);
    e0 += se * load8(be);
    e1 += se * load8(be + 8);
    e2 += se * load8(be + 16);
    e3 += se * load8(be + 24);
    o0 += so * load8(bo);
    o1 += so * load8(bo + 8);
    o2 += so * load8(bo + 16);
    o3 += so * load8(bo + 24);
  }
  if (q < nnz) {
    const float *be = b + (size_t) idx[q] * ldb + j0;
    v8 se = splat8(val[q]);
    e0 += se * load8(be);
    e1 += se * load8(be + 8);
    e2 += se * load8(be + 16);
    e3 += se * load8(be + 24);
  }
  store8(out + j0, e0 + o0);
  store8(out + j0 + 8, e1 + o1);
  store8(out + j0 + 16, e2 + o2);
  store8(out + j0 + 24, e3 + o3);
}

/* 8 columns [j0, j0 + 8), as row_block32. */
static void row_block8(const int *idx, const float *val, int nnz, const float *b, size_t ldb,
    int j0, float *out) {
  v8 e = {0}, o = {0};
  int q = 0;
  for (; q + 2 <= nnz; q += 2) {
    e += splat8(val[q]) * load8(b + (size_t) idx[q] * ldb + j0);
    o += splat8(val[q + 1]) * load8(b + (size_t) idx[q + 1] * ldb + j0);
  }
  if (q < nnz) {
    e += splat8(val[q]) * load8(b + (size_t) idx[q] * ldb + j0);
  }
  store8(out + j0, e + o);
}

/*
 * One output row of n columns from its nonzeros: blocks of 32 columns, then 8; a last partial
 * block is computed as the 8 columns ending at n, overlapping the block before it (it writes the
 * same values there), so only n < 8 needs a scalar loop.
 */
static void sparse_row(const int *idx, const float *val, int nnz, const float *b, size_t ldb,
    int n, float *out) {
  int j0 = 0;
  for (; j0 + 32 <= n; j0 += 32) {
    row_block32(idx, val, nnz, b, ldb, j0, out);
  }
  for (; j0 + 8 <= n; j0 += 8) {
    row_block8(idx, val, nnz, b, ldb, j0, out);
  }
  if (j0 < n && n >= 8) {
    row_block8(idx, val, nnz, b, ldb, n - 8, out);
    return;
  }
  for (; j0 < n; j0++) {
    float s = 0.0f;
    for (int q = 0; q < nnz; q++) {
      s += val[q] * b[(size_t) idx[q] * ldb + j0];
    }
    out[j0] = s;
  }
}

/* c[m,n] = a[m,k] b[k,n]. Scratch: idx and val of k entries each. */
void NAME(jg_sparse_mm)(int m, int n, int k, const float *a, size_t lda, const float *b,
    size_t ldb, float *c, size_t ldc, int *idx, float *val) {
  for (int i = 0; i < m; i++) {
    int nnz = nonzeros(a + (size_t) i * lda, k, idx, val);
    sparse_row(idx, val, nnz, b, ldb, n, c + (size_t) i * ldc);
  }
}

/*
 * c[m,n] = a^T b with a stored [k,m] and b [k,n]. The nonzeros of a are first regrouped by
 * column (a counting sort into compressed columns: start[m + 1], idx and val of k * m entries),
 * so each output row is then accumulated in registers like a row of jg_sparse_mm, with b (the
 * small operand) read from cache.
 */
void NAME(jg_sparse_mm_ta)(int m, int n, int k, const float *a, size_t lda, const float *b,
    size_t ldb, float *c, size_t ldc, int *start, int *idx, float *val) {
  memset(start, 0, (size_t) (m + 1) * sizeof(int));
  for (int i = 0; i < k; i++) {
    const float *ar = a + (size_t) i * lda;
    for (int p = 0; p < m; p++) {
      start[p + 1] += !(ar[p] == 0.0f);
    }
  }
  for (int p = 0; p < m; p++) {
    start[p + 1] += start[p];
  }
  /* fill: start[p] walks forward through column p's slots, then is restored below */
  for (int i = 0; i < k; i++) {
    const float *ar = a + (size_t) i * lda;
    FOR_EACH_NONZERO(ar, m, p, (idx[start[p]] = i, val[start[p]++] = ar[p]));
  }
  for (int p = m; p > 0; p--) {
    start[p] = start[p - 1];
  }
  start[0] = 0;
  for (int p = 0; p < m; p++) {
    sparse_row(idx + start[p], val + start[p], start[p + 1] - start[p], b, ldb, n,
        c + (size_t) p * ldc);
  }
}
