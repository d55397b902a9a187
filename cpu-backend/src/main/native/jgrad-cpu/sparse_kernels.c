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

#ifdef __AVX2__
/* COMPRESS[mask] lists the set bits of an 8-bit mask, lowest first: a lane permutation. */
static int COMPRESS[256][8];

static void init_compress(void) {
  for (int mask = 0; mask < 256; mask++) {
    int n = 0;
    for (int lane = 0; lane < 8; lane++) {
      if (mask & (1 << lane)) {
        COMPRESS[mask][n++] = lane;
      }
    }
    while (n < 8) {
      COMPRESS[mask][n++] = 0;
    }
  }
}
#endif

/* Prepares the tables of this build of the kernels; called once before any product. */
void NAME(jg_sparse_init)(void) {
#ifdef __AVX2__
  init_compress();
#endif
}

/*
 * Writes the nonzero entries of row[0..k) to (idx, val) and returns how many. With AVX2, 8
 * entries at a time without branches: a compare gives the mask of nonzero lanes, and a table
 * permutation packs them to the front of a full 8-lane store. So idx and val need room for
 * k + 8 entries.
 */
static int nonzeros(const float *row, int k, int *idx, float *val) {
  int nnz = 0, p = 0;
#ifdef __AVX2__
  const __m256 zero = _mm256_setzero_ps();
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (; p + 8 <= k; p += 8) {
    __m256 v = _mm256_loadu_ps(row + p);
    /* unordered-or-not-equal: a NaN counts as nonzero */
    int mask = _mm256_movemask_ps(_mm256_cmp_ps(v, zero, _CMP_NEQ_UQ));
    __m256i perm = _mm256_loadu_si256((const __m256i *) COMPRESS[mask]);
    _mm256_storeu_si256((__m256i *) (idx + nnz),
        _mm256_add_epi32(_mm256_permutevar8x32_epi32(lanes, perm), _mm256_set1_epi32(p)));
    _mm256_storeu_ps(val + nnz, _mm256_permutevar8x32_ps(v, perm));
    nnz += __builtin_popcount((unsigned) mask);
  }
#endif
  for (; p < k; p++) {
    idx[nnz] = p;
    val[nnz] = row[p];
    nnz += !(row[p] == 0.0f);
  }
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

/* c[m,n] = a[m,k] b[k,n]. Scratch: idx and val of k + 8 entries each. */
void NAME(jg_sparse_mm)(int m, int n, int k, const float *a, size_t lda, const float *b,
    size_t ldb, float *c, size_t ldc, int *idx, float *val) {
  for (int i = 0; i < m; i++) {
    int nnz = nonzeros(a + (size_t) i * lda, k, idx, val);
    sparse_row(idx, val, nnz, b, ldb, n, c + (size_t) i * ldc);
  }
}

/*
 * c[m,n] = a^T b with a stored [k,m] and b [k,n]. The nonzeros of a are first regrouped by
 * column (a counting sort into compressed columns: start[m + 1], then idx and val of k * m
 * entries followed by room for one row's m + 8), so each output row is then accumulated in
 * registers like a row of jg_sparse_mm, with b (the small operand) read from cache.
 */
void NAME(jg_sparse_mm_ta)(int m, int n, int k, const float *a, size_t lda, const float *b,
    size_t ldb, float *c, size_t ldc, int *start, int *idx, float *val) {
  int *row_idx = idx + (size_t) k * m;
  float *row_val = val + (size_t) k * m;
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
    int nnz = nonzeros(a + (size_t) i * lda, m, row_idx, row_val);
    for (int q = 0; q < nnz; q++) {
      int at = start[row_idx[q]]++;
      idx[at] = i;
      val[at] = row_val[q];
    }
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
