/*
 * Float products whose left operand is mostly zeros (MNIST pixels, ReLU outputs): only the
 * nonzero entries of a are multiplied, so the work shrinks with the density. Compiled three times
 * by build.sh: for AVX-512 (x86-64-v4, suffix _avx512), AVX2+FMA (suffix _avx2) and any x86-64
 * (suffix _base); jgrad_cpu_jni.c picks one at load time. Every build with FMA gives the same
 * result bit for bit: each output element is one chain of fused multiply-adds over the nonzeros
 * in order, whatever the vector width. Row-major throughout, leading dimensions in elements.
 *
 * As IEEE-faithful as a dense product: where a skipped zero of a meets an infinity or NaN of b
 * (0 * inf = NaN), that output element is NaN, whatever the other rows of a hold. Each product
 * checks b for infinities and NaNs with vector integer operations (finite_rows; over lists built
 * ahead, mostly c and the rows of b no nonzero met: may_be_nonfinite); only when that finds one
 * does a scalar pass mark the outputs (nan_where_zeros_meet). Finite outputs keep their bits. A
 * NaN in a is not zero and propagates through the accumulation like any value.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "vectors.h"


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
 * Bit 31 of (bits & exponent) + lowest exponent bit is set exactly for an infinity or NaN (all
 * exponent bits set) of a float's bits: three integer operations, and OR-ed together the results
 * form 1-cycle dependency chains that keep up with the loads.
 */
#define NONFINITE_SIGN(bits) (((bits) & 0x7f800000) + 0x00800000)

/*
 * Whether the rows p < k of b (n values each, ldb apart) that `skip` leaves in (all when skip is
 * NULL, else those with skip[p] == 0) hold only finite values; a row's last vector overlaps the
 * one before rather than ending in a scalar loop. Runs with every sparse product, so it is the
 * whole cost of IEEE faithfulness while b is finite (all of a 784x100 W1 in L2: 1.8 us, the
 * third of its rows no MNIST pixel of a batch meets: 1.2-1.6 us; C harness).
 */
static int finite_rows(const float *b, size_t ldb, int k, int n, const int *skip) {
  size_t len = (size_t) n;
  int rows = k;
  if (skip == NULL && ldb == len) { /* contiguous: one long row */
    len *= (size_t) k;
    rows = 1;
  }
  v16u s0 = {0}, s1 = s0, s2 = s0, s3 = s0;
  unsigned tail = 0;
  for (int r = 0; r < rows; r++) {
    if (skip != NULL && skip[r] != 0) {
      continue;
    }
    const float *row = b + (size_t) r * ldb;
    size_t j = 0;
    for (; j + 64 <= len; j += 64) {
      s0 |= NONFINITE_SIGN(load16u(row + j));
      s1 |= NONFINITE_SIGN(load16u(row + j + 16));
      s2 |= NONFINITE_SIGN(load16u(row + j + 32));
      s3 |= NONFINITE_SIGN(load16u(row + j + 48));
    }
    for (; j + 16 <= len; j += 16) {
      s0 |= NONFINITE_SIGN(load16u(row + j));
    }
    if (j < len && len >= 16) {
      s1 |= NONFINITE_SIGN(load16u(row + len - 16));
    } else {
      for (; j < len; j++) {
        unsigned bits;
        memcpy(&bits, row + j, sizeof bits);
        tail |= NONFINITE_SIGN(bits);
      }
    }
  }
  v16u s = (s0 | s1) | (s2 | s3);
  for (int lane = 0; lane < 16; lane++) {
    tail |= s[lane];
  }
  return (tail & 0x80000000u) == 0;
}

/* Whether b[k, n] (rows ldb apart) holds only finite values. */
static int all_finite(const float *b, size_t ldb, int k, int n) {
  return finite_rows(b, ldb, k, n, NULL);
}

/*
 * The left operand as nan_where_zeros_meet reads it: op(a)[r, p] at a[r * row_step + p *
 * col_step], or (a NULL) the ascending lists of nonzero columns of each row r, count[r] entries
 * at idx + start[r].
 */
struct left {
  const float *a;
  size_t row_step, col_step;
  const int *start, *count, *idx;
};

/* Whether op(a)[r, p] is a zero the kernel skipped. */
static int skipped(const struct left *l, int r, int p) {
  if (l->a != NULL) {
    return l->a[(size_t) r * l->row_step + (size_t) p * l->col_step] == 0.0f;
  }
  const int *list = l->idx + l->start[r];
  int lo = 0, hi = l->count[r];
  while (lo < hi) {
    int mid = (lo + hi) >> 1;
    if (list[mid] < p) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo == l->count[r] || list[lo] != p;
}

/*
 * What a dense product adds to c[m, n] = op(a)[m, k] b[k, n] and the sparse kernels left out:
 * NaN wherever a skipped zero of op(a) meets an infinity or NaN of b. The rare case (b not all
 * finite): scalar, row by row of b, each output row on its own.
 */
static void nan_where_zeros_meet(const struct left *l, int m, int n, int k, const float *b,
    size_t ldb, float *c, size_t ldc) {
  for (int p = 0; p < k; p++) {
    const float *row = b + (size_t) p * ldb;
    if (all_finite(row, ldb, 1, n)) {
      continue;
    }
    for (int r = 0; r < m; r++) {
      if (!skipped(l, r, p)) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        if (!isfinite(row[j])) {
          c[(size_t) r * ldc + j] = NAN;
        }
      }
    }
  }
}

/*
 * Writes the nonzero entries of row[0..k) to (idx, val) and returns how many. With AVX2, 8
 * entries at a time without branches: a compare gives the mask of nonzero lanes, and a table
 * permutation packs them to the front of a full 8-lane store. So idx and val need room for
 * k + 8 entries, or the caller gives a smaller `room`: writes then stop before it, and a row
 * with more nonzeros than fit is cut short (lists sized from a count, should the row have
 * changed since: never a write out of bounds).
 */
static int nonzeros(const float *row, int k, int *idx, float *val, size_t room) {
  int nnz = 0, p = 0;
#ifdef __AVX512F__
  /* 16 at a time: the mask of nonzero lanes compresses them to the front, and a masked store
     writes exactly those, so this loop needs no room beyond the entries */
  const __m512i lanes16 = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (; p + 16 <= k; p += 16) {
    __m512 v = _mm512_loadu_ps(row + p);
    __mmask16 mask = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NEQ_UQ);
    int cnt = __builtin_popcount(mask);
    if ((size_t) nnz + cnt > room) {
      break; /* the loops below stop at room */
    }
    __mmask16 first = (__mmask16) ((1u << cnt) - 1);
    _mm512_mask_storeu_epi32(idx + nnz, first,
        _mm512_maskz_compress_epi32(mask, _mm512_add_epi32(lanes16, _mm512_set1_epi32(p))));
    _mm512_mask_storeu_ps(val + nnz, first, _mm512_maskz_compress_ps(mask, v));
    nnz += cnt;
  }
#endif
#ifdef __AVX2__
  const __m256 zero = _mm256_setzero_ps();
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (; p + 8 <= k && (size_t) nnz + 8 <= room; p += 8) {
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
  for (; p < k && (size_t) nnz < room; p++) {
    idx[nnz] = p;
    val[nnz] = row[p];
    nnz += !(row[p] == 0.0f);
  }
  return nnz;
}

/* Most accumulators of one pass: 13 vectors (104 columns) and a splat fit the 16 registers. */
#define MAX_VECTORS 13

/*
 * Columns [j0, j0 + 8 * full) of one output row, and when tail >= 0 also the 8 columns from tail:
 * the sum of val[q] * b[idx[q], :] over the row's nonzeros, each vector accumulated in its own
 * register, so one load of idx and val serves up to 13 vectors of b. full and has_tail are
 * constants where this is inlined (see pass below), so the accumulators stay in registers.
 */
static inline __attribute__((always_inline)) void pass_n(const int *idx, const float *val,
    int nnz, const float *b, size_t ldb, int j0, int tail, float *out, const int full,
    const int has_tail) {
  /* offsets from b + j0 are then constants: no register per vector for its address */
  b += j0;
  out += j0;
  tail -= j0;
  v8 acc[MAX_VECTORS];
  for (int v = 0; v < MAX_VECTORS; v++) {
    acc[v] = splat8(0.0f);
  }
  for (int q = 0; q < nnz; q++) {
    const float *row = b + (size_t) idx[q] * ldb;
    v8 s = splat8(val[q]);
#pragma GCC unroll 13
    for (int v = 0; v < full; v++) {
      acc[v] += s * load8(row + 8 * v);
    }
    if (has_tail) {
      acc[full] += s * load8(row + tail);
    }
  }
#pragma GCC unroll 13
  for (int v = 0; v < full; v++) {
    store8(out + 8 * v, acc[v]);
  }
  if (has_tail) {
    store8(out + tail, acc[full]);
  }
}

#define PASS_CASE(f)                                            \
  case f:                                                       \
    if (tail >= 0) {                                            \
      pass_n(idx, val, nnz, b, ldb, j0, tail, out, f, 1);       \
    } else {                                                    \
      pass_n(idx, val, nnz, b, ldb, j0, tail, out, f, 0);       \
    }                                                           \
    return;

/* pass_n with full and has_tail made constants: full in [0, 12], or 13 without a tail. */
static void pass(const int *idx, const float *val, int nnz, const float *b, size_t ldb, int j0,
    int full, int tail, float *out) {
  switch (full) {
    PASS_CASE(0)
    PASS_CASE(1)
    PASS_CASE(2)
    PASS_CASE(3)
    PASS_CASE(4)
    PASS_CASE(5)
    PASS_CASE(6)
    PASS_CASE(7)
    PASS_CASE(8)
    PASS_CASE(9)
    PASS_CASE(10)
    PASS_CASE(11)
    PASS_CASE(12)
    default:
      pass_n(idx, val, nnz, b, ldb, j0, -1, out, 13, 0);
      return;
  }
}

/*
 * One output row of n columns from its nonzeros, in passes of up to 13 vectors. Where n is not a
 * multiple of 8, the last pass adds the 8 columns ending at n, overlapping the vector before it
 * (it writes the same values there), so only n < 8 needs a scalar loop.
 */
static void sparse_row(const int *idx, const float *val, int nnz, const float *b, size_t ldb,
    int n, float *out) {
  if (n < 8) {
    for (int j = 0; j < n; j++) {
      float s = 0.0f;
      for (int q = 0; q < nnz; q++) {
        s += val[q] * b[(size_t) idx[q] * ldb + j];
      }
      out[j] = s;
    }
    return;
  }
  int vectors = n / 8;
  int tail = n % 8 ? n - 8 : -1;
  int j0 = 0;
  /* passes of 13 while more than 13 vectors (12 and the tail) are left */
  while (vectors - j0 / 8 > MAX_VECTORS - (tail >= 0)) {
    pass(idx, val, nnz, b, ldb, j0, MAX_VECTORS, -1, out);
    j0 += 8 * MAX_VECTORS;
  }
  pass(idx, val, nnz, b, ldb, j0, vectors - j0 / 8, tail, out);
}

#ifdef __AVX512F__
/*
 * Full 16-lane vectors of one pass over two rows: 2 x (6 + a tail) accumulators and the two
 * rows' splats fit the 32 registers. Two rows side by side give the core two independent chains
 * of loads (different rows of b) to overlap: on MNIST batches X W1 took 78% of the time of one
 * row at a time in 8 lanes (C harness).
 */
#define MAX_VECTORS16 6

/* acc[0..full) += s * row[16v..], and the tail vector of `tail` lanes at row + tail_at */
static inline __attribute__((always_inline)) void accumulate16(v16 *acc, v8 *acc8, v4 *acc4,
    const float *row, float s, int tail_at, const int full, const int tail) {
  v16 s16 = splat16(s);
#pragma GCC unroll 7
  for (int v = 0; v < full; v++) {
    acc[v] += s16 * load16(row + 16 * v);
  }
  if (tail == 16) {
    acc[full] += s16 * load16(row + tail_at);
  } else if (tail == 8) {
    *acc8 += splat8(s) * load8(row + tail_at);
  } else if (tail == 4) {
    *acc4 += splat4(s) * load4(row + tail_at);
  }
}

static inline __attribute__((always_inline)) void store_pass(float *out, const v16 *acc,
    v8 acc8, v4 acc4, int tail_at, const int full, const int tail) {
#pragma GCC unroll 7
  for (int v = 0; v < full; v++) {
    store16(out + 16 * v, acc[v]);
  }
  if (tail == 16) {
    store16(out + tail_at, acc[full]);
  } else if (tail == 8) {
    store8(out + tail_at, acc8);
  } else if (tail == 4) {
    store4(out + tail_at, acc4);
  }
}

/*
 * Columns [j0, j0 + 16 * full) of two output rows, and the `tail` columns ending at tail_at +
 * tail (overlapping the vector before, with the same values), the rows' nonzeros taken in
 * lockstep while both have some. full and tail are constants where this is inlined.
 */
static inline __attribute__((always_inline)) void pass2_n(const int *i0, const float *v0,
    int n0, const int *i1, const float *v1, int n1, const float *b, size_t ldb, int j0,
    int tail_at, float *o0, float *o1, const int full, const int tail) {
  b += j0;
  o0 += j0;
  o1 += j0;
  tail_at -= j0;
  v16 a[MAX_VECTORS16 + 1], c[MAX_VECTORS16 + 1];
  for (int v = 0; v <= MAX_VECTORS16; v++) {
    a[v] = c[v] = splat16(0.0f);
  }
  v8 a8 = splat8(0.0f), c8 = splat8(0.0f);
  v4 a4 = splat4(0.0f), c4 = splat4(0.0f);
  int both = n0 < n1 ? n0 : n1;
  for (int q = 0; q < both; q++) {
    accumulate16(a, &a8, &a4, b + (size_t) i0[q] * ldb, v0[q], tail_at, full, tail);
    accumulate16(c, &c8, &c4, b + (size_t) i1[q] * ldb, v1[q], tail_at, full, tail);
  }
  for (int q = both; q < n0; q++) {
    accumulate16(a, &a8, &a4, b + (size_t) i0[q] * ldb, v0[q], tail_at, full, tail);
  }
  for (int q = both; q < n1; q++) {
    accumulate16(c, &c8, &c4, b + (size_t) i1[q] * ldb, v1[q], tail_at, full, tail);
  }
  store_pass(o0, a, a8, a4, tail_at, full, tail);
  store_pass(o1, c, c8, c4, tail_at, full, tail);
}

#define PASS2_ARGS i0, v0, n0, i1, v1, n1, b, ldb, j0, tail_at, o0, o1
#define PASS2_CASE(f)                                            \
  case f:                                                        \
    switch (tail) {                                              \
      case 0:                                                    \
        pass2_n(PASS2_ARGS, f, 0);                               \
        return;                                                  \
      case 4:                                                    \
        pass2_n(PASS2_ARGS, f, 4);                               \
        return;                                                  \
      case 8:                                                    \
        pass2_n(PASS2_ARGS, f, 8);                               \
        return;                                                  \
      default:                                                   \
        pass2_n(PASS2_ARGS, f, 16);                              \
        return;                                                  \
    }

/* pass2_n with full in [0, 6] and tail in {0, 4, 8, 16} made constants. */
static void pass2(const int *i0, const float *v0, int n0, const int *i1, const float *v1, int n1,
    const float *b, size_t ldb, int j0, int full, int tail, int tail_at, float *o0, float *o1) {
  switch (full) {
    PASS2_CASE(0)
    PASS2_CASE(1)
    PASS2_CASE(2)
    PASS2_CASE(3)
    PASS2_CASE(4)
    PASS2_CASE(5)
    default:
      PASS2_CASE(6)
  }
}
#endif

/* Largest b (bytes) multiplied row by row: it stays in a core's L2 (1 MiB on recent cores). */
#define SMALL_B_BYTES ((size_t) 1 << 20)

/*
 * c[r, :] for r < rows: the sum of val[q] * b[idx[q], :] over list r (at(r) = start[r], or
 * r * stride when start is NULL; count[r] entries); b has k rows. A small b (X^T G on MNIST:
 * 100 x 1000 floats) stays in L2 anyway, and each row, or pair of rows, is finished before the
 * next. A larger b is multiplied by blocks of columns, all the rows passing over each block: one
 * pass's columns of all of b's rows (784 x 96 floats, 301 KB, for X W1 on MNIST) stay in L2,
 * where row by row each row's nonzeros met most of b's rows in L3 (X W1 of a batch: 481 us
 * against 334 us this way; the same way X^T G took 8% longer). Each output element is one chain
 * over its list in order either way: the same bits.
 */
static void lists_product(int rows, int n, int k, const int *start, size_t stride,
    const int *count, const int *idx, const float *val, const float *b, size_t ldb, float *c,
    size_t ldc) {
#define AT(r) (start != NULL ? (size_t) start[r] : (size_t) (r) * stride)
  int by_blocks = (size_t) k * (size_t) n * sizeof(float) > SMALL_B_BYTES;
#ifdef __AVX512F__
  if (n >= 16) {
    int vectors = n / 16;
    int rest = n % 16;
    int tail = rest == 0 ? 0 : rest <= 4 ? 4 : rest <= 8 ? 8 : 16;
    int group = by_blocks ? rows : 2; /* rows finished before the next ones start */
    for (int g = 0; g < rows; g += group) {
      int end = g + group < rows ? g + group : rows;
      for (int j0 = 0;; j0 += 16 * MAX_VECTORS16) {
        int last = vectors - j0 / 16 <= MAX_VECTORS16;
        int full = last ? vectors - j0 / 16 : MAX_VECTORS16;
        for (int r = g; r < end; r += 2) {
          int r1 = r + 1 < end ? r + 1 : r; /* an odd last row twice: the same values stored */
          pass2(idx + AT(r), val + AT(r), count[r], idx + AT(r1), val + AT(r1), count[r1], b,
              ldb, j0, full, last ? tail : 0, last ? n - tail : 0, c + (size_t) r * ldc,
              c + (size_t) r1 * ldc);
        }
        if (last) {
          break;
        }
      }
    }
    return;
  }
#endif
  if (n < 8) {
    for (int r = 0; r < rows; r++) {
      sparse_row(idx + AT(r), val + AT(r), count[r], b, ldb, n, c + (size_t) r * ldc);
    }
    return;
  }
  int vectors = n / 8;
  int tail = n % 8 ? n - 8 : -1;
  int group = by_blocks ? rows : 1;
  for (int g = 0; g < rows; g += group) {
    int end = g + group < rows ? g + group : rows;
    for (int j0 = 0;; j0 += 8 * MAX_VECTORS) {
      /* passes of 13 while more than 13 vectors (12 and the tail) are left, as in sparse_row */
      int last = vectors - j0 / 8 <= MAX_VECTORS - (tail >= 0);
      for (int r = g; r < end; r++) {
        pass(idx + AT(r), val + AT(r), count[r], b, ldb, j0,
            last ? vectors - j0 / 8 : MAX_VECTORS, last ? tail : -1, c + (size_t) r * ldc);
      }
      if (last) {
        break;
      }
    }
  }
#undef AT
}

/* c[m,n] = a[m,k] b[k,n]. Scratch: count of m, idx and val of m * (k + 8) entries. */
void NAME(jg_sparse_mm)(int m, int n, int k, const float *a, size_t lda, const float *b,
    size_t ldb, float *c, size_t ldc, int *count, int *idx, float *val) {
  size_t stride = (size_t) k + 8;
  for (int i = 0; i < m; i++) {
    count[i] = nonzeros(a + (size_t) i * lda, k, idx + i * stride, val + i * stride, stride);
  }
  lists_product(m, n, k, NULL, stride, count, idx, val, b, ldb, c, ldc);
  if (!all_finite(b, ldb, k, n)) {
    struct left l = {a, lda, 1, NULL, NULL, NULL};
    nan_where_zeros_meet(&l, m, n, k, b, ldb, c, ldc);
  }
}

#ifdef __AVX512F__
/* t[c] = column c of the 16x16 block r[0..16) (rows), in 64 in-register shuffles. */
static inline void transpose16(const __m512 r[16], __m512 t[16]) {
  __m512 c[4][4]; /* c[g][q]: in 128-bit lane L, column 4L + q of rows 4g..4g+3 */
  for (int g = 0; g < 4; g++) {
    __m512 lo01 = _mm512_unpacklo_ps(r[4 * g], r[4 * g + 1]);
    __m512 hi01 = _mm512_unpackhi_ps(r[4 * g], r[4 * g + 1]);
    __m512 lo23 = _mm512_unpacklo_ps(r[4 * g + 2], r[4 * g + 3]);
    __m512 hi23 = _mm512_unpackhi_ps(r[4 * g + 2], r[4 * g + 3]);
    c[g][0] = _mm512_shuffle_ps(lo01, lo23, 0x44);
    c[g][1] = _mm512_shuffle_ps(lo01, lo23, 0xEE);
    c[g][2] = _mm512_shuffle_ps(hi01, hi23, 0x44);
    c[g][3] = _mm512_shuffle_ps(hi01, hi23, 0xEE);
  }
  for (int q = 0; q < 4; q++) { /* a 4x4 transpose of 128-bit lanes */
    __m512 x0 = _mm512_shuffle_f32x4(c[0][q], c[1][q], 0x44);
    __m512 x1 = _mm512_shuffle_f32x4(c[0][q], c[1][q], 0xEE);
    __m512 y0 = _mm512_shuffle_f32x4(c[2][q], c[3][q], 0x44);
    __m512 y1 = _mm512_shuffle_f32x4(c[2][q], c[3][q], 0xEE);
    t[q] = _mm512_shuffle_f32x4(x0, y0, 0x88);
    t[4 + q] = _mm512_shuffle_f32x4(x0, y0, 0xDD);
    t[8 + q] = _mm512_shuffle_f32x4(x1, y1, 0x88);
    t[12 + q] = _mm512_shuffle_f32x4(x1, y1, 0xDD);
  }
}
#endif

/*
 * The nonzeros of each column p of a[k, m]: their rows (ascending) and values, at idx + at(p)
 * and val + at(p), where at(p) = start[p], or p * (k + 8) when start is NULL; their count at
 * count[p]. Each list needs room for its count + 8 entries. With AVX2, 8x8 blocks of a are
 * transposed in registers and each column's 8 entries packed as in nonzeros().
 */
static void column_nonzeros(const float *a, size_t lda, int k, int m, const int *start,
    int *idx, float *val, int *count) {
  size_t stride = (size_t) k + 8;
#define AT(p) (start != NULL ? (size_t) start[p] : (size_t) (p) * stride)
  /* room of column p's list: k + 8, or (explicit starts) the count it holds on entry + 8 */
#define ROOM(p) (start != NULL ? (size_t) count[p] + 8 : stride)
  int p0 = 0;
#ifdef __AVX512F__
  /* 16x16 blocks, each column's 16 entries compressed and stored as in nonzeros() */
  const __m512i lanes16 = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (; p0 + 16 <= m; p0 += 16) {
    int nnz[16] = {0};
    int limit[16]; /* what column p0 + c may hold: its room less the 8 the AVX2 loop keeps */
    for (int c = 0; c < 16; c++) {
      limit[c] = (int) (ROOM(p0 + c) - 8);
    }
    for (int i = 0; i < k; i += 16) {
      const float *blk = a + (size_t) i * lda + p0;
      __m512 r[16], t[16];
      for (int j = 0; j < 16; j++) {
        r[j] = i + j < k ? _mm512_loadu_ps(blk + j * lda) : _mm512_setzero_ps();
      }
      transpose16(r, t);
      __m512i rows = _mm512_add_epi32(lanes16, _mm512_set1_epi32(i));
      for (int c = 0; c < 16; c++) {
        __mmask16 mask = _mm512_cmp_ps_mask(t[c], _mm512_setzero_ps(), _CMP_NEQ_UQ);
        int cnt = __builtin_popcount(mask);
        int left = limit[c] - nnz[c];
        cnt = cnt < left ? cnt : left; /* more nonzeros than counted: cut short */
        __mmask16 first = (__mmask16) ((1u << cnt) - 1);
        size_t at = AT(p0 + c) + nnz[c];
        _mm512_mask_storeu_epi32(idx + at, first, _mm512_maskz_compress_epi32(mask, rows));
        _mm512_mask_storeu_ps(val + at, first, _mm512_maskz_compress_ps(mask, t[c]));
        nnz[c] += cnt;
      }
    }
    for (int c = 0; c < 16; c++) {
      count[p0 + c] = nnz[c];
    }
  }
#endif
#ifdef __AVX2__
  const __m256 zero = _mm256_setzero_ps();
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (; p0 + 8 <= m; p0 += 8) {
    int nnz[8] = {0};
    size_t room[8];
    for (int c = 0; c < 8; c++) {
      room[c] = ROOM(p0 + c);
    }
    int i = 0;
    for (; i + 8 <= k; i += 8) {
      const float *blk = a + (size_t) i * lda + p0;
      __m256 r0 = _mm256_loadu_ps(blk), r1 = _mm256_loadu_ps(blk + lda);
      __m256 r2 = _mm256_loadu_ps(blk + 2 * lda), r3 = _mm256_loadu_ps(blk + 3 * lda);
      __m256 r4 = _mm256_loadu_ps(blk + 4 * lda), r5 = _mm256_loadu_ps(blk + 5 * lda);
      __m256 r6 = _mm256_loadu_ps(blk + 6 * lda), r7 = _mm256_loadu_ps(blk + 7 * lda);
      /* 8x8 transpose: t[c] = column p0 + c, rows i..i+7 */
      __m256 u0 = _mm256_unpacklo_ps(r0, r1), u1 = _mm256_unpackhi_ps(r0, r1);
      __m256 u2 = _mm256_unpacklo_ps(r2, r3), u3 = _mm256_unpackhi_ps(r2, r3);
      __m256 u4 = _mm256_unpacklo_ps(r4, r5), u5 = _mm256_unpackhi_ps(r4, r5);
      __m256 u6 = _mm256_unpacklo_ps(r6, r7), u7 = _mm256_unpackhi_ps(r6, r7);
      __m256 s0 = _mm256_shuffle_ps(u0, u2, 0x44), s1 = _mm256_shuffle_ps(u0, u2, 0xEE);
      __m256 s2 = _mm256_shuffle_ps(u1, u3, 0x44), s3 = _mm256_shuffle_ps(u1, u3, 0xEE);
      __m256 s4 = _mm256_shuffle_ps(u4, u6, 0x44), s5 = _mm256_shuffle_ps(u4, u6, 0xEE);
      __m256 s6 = _mm256_shuffle_ps(u5, u7, 0x44), s7 = _mm256_shuffle_ps(u5, u7, 0xEE);
      __m256 t[8];
      t[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
      t[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
      t[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
      t[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
      t[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
      t[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
      t[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
      t[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
      __m256i rows = _mm256_add_epi32(lanes, _mm256_set1_epi32(i));
      for (int c = 0; c < 8; c++) {
        /* unordered-or-not-equal: a NaN counts as nonzero */
        int mask = _mm256_movemask_ps(_mm256_cmp_ps(t[c], zero, _CMP_NEQ_UQ));
        if ((size_t) nnz[c] + 8 > room[c]) {
          continue; /* more nonzeros than counted: cut short, never out of bounds */
        }
        __m256i perm = _mm256_loadu_si256((const __m256i *) COMPRESS[mask]);
        size_t at = AT(p0 + c) + nnz[c];
        _mm256_storeu_si256((__m256i *) (idx + at), _mm256_permutevar8x32_epi32(rows, perm));
        _mm256_storeu_ps(val + at, _mm256_permutevar8x32_ps(t[c], perm));
        nnz[c] += __builtin_popcount((unsigned) mask);
      }
    }
    for (; i < k; i++) {
      for (int c = 0; c < 8; c++) {
        float x = a[(size_t) i * lda + p0 + c];
        if ((size_t) nnz[c] >= room[c]) {
          continue;
        }
        size_t at = AT(p0 + c) + nnz[c];
        idx[at] = i;
        val[at] = x;
        nnz[c] += !(x == 0.0f);
      }
    }
    for (int c = 0; c < 8; c++) {
      count[p0 + c] = (size_t) nnz[c] + 8 > room[c] ? (int) (room[c] - 8) : nnz[c];
    }
  }
#endif
  for (int p = p0; p < m; p++) {
    int nnz = 0;
    size_t room = ROOM(p);
    for (int i = 0; i < k && (size_t) nnz < room; i++) {
      float x = a[(size_t) i * lda + p];
      idx[AT(p) + nnz] = i;
      val[AT(p) + nnz] = x;
      nnz += !(x == 0.0f);
    }
    count[p] = (size_t) nnz + 8 > room ? (int) (room - 8) : nnz;
  }
#undef ROOM
#undef AT
}

/*
 * c[m,n] = a^T b with a stored [k,m] and b [k,n]. The nonzeros of a are first listed by column
 * (scratch: count of m, idx and val of m * (k + 8) entries), so each output row is then
 * accumulated in registers like a row of jg_sparse_mm, with b (the small operand) read from
 * cache.
 */
void NAME(jg_sparse_mm_ta)(int m, int n, int k, const float *a, size_t lda, const float *b,
    size_t ldb, float *c, size_t ldc, int *count, int *idx, float *val) {
  column_nonzeros(a, lda, k, m, NULL, idx, val, count);
  lists_product(m, n, k, NULL, (size_t) k + 8, count, idx, val, b, ldb, c, ldc);
  if (!all_finite(b, ldb, k, n)) {
    struct left l = {a, 1, lda, NULL, NULL, NULL};
    nan_where_zeros_meet(&l, m, n, k, b, ldb, c, ldc);
  }
}

void NAME(jg_sgd_rows)(int rows, int cols, float *p, int ldp, const float *g, int ldg, float *v,
    float lr, float m, float wd);

/*
 * SGD of p[rows, n] (rows ldp apart; velocity v laid out as p, or NULL) from the gradient whose
 * row r is the sum of val[q] * b[idx[q], :] over list r (at start[r], or r * stride when start is
 * NULL; count[r] entries): each pair of the gradient's rows accumulated by lists_product into
 * `tile` (2 x n floats, in L1), then jg_sgd_rows on p's two rows. So the same bits as the
 * product stored and jg_sgd run after it, without writing and reading back the gradient (W1 of
 * 784-1000-1000-10: 3.1 MB each way, every step). Only for a finite b: the product's NaN where a
 * zero meets an infinity or NaN of b is not reproduced here (the callers decline then, changing
 * nothing, and their caller takes the product and the pass).
 */
static void sgd_from_lists(int rows, int n, int k, const int *start, size_t stride,
    const int *count, const int *idx, const float *val, const float *b, size_t ldb, float *p,
    size_t ldp, float *v, float lr, float momentum, float wd, float *tile) {
  for (int r = 0; r < rows; r += 2) {
    int pair = r + 1 < rows ? 2 : 1;
    if (start != NULL) { /* the pair's lists at start[r], start[r + 1] */
      lists_product(pair, n, k, start + r, 0, count + r, idx, val, b, ldb, tile, (size_t) n);
    } else {
      lists_product(pair, n, k, NULL, stride, count + r, idx + r * stride, val + r * stride, b,
          ldb, tile, (size_t) n);
    }
    NAME(jg_sgd_rows)(pair, n, p + (size_t) r * ldp, (int) ldp, tile, n,
        v == NULL ? NULL : v + (size_t) r * ldp, lr, momentum, wd);
  }
}

/*
 * sgd_from_lists for the gradient a^T b, a stored [k, m] and mostly zeros, b [k, n], its
 * nonzeros listed by column here (scratch as jg_sparse_mm_ta). Returns 0, having changed
 * nothing, when b holds an infinity or NaN; else 1.
 */
int NAME(jg_sparse_sgd_ta)(int m, int n, int k, const float *a, size_t lda, const float *b,
    size_t ldb, float *p, size_t ldp, float *v, float lr, float momentum, float wd, int *count,
    int *idx, float *val, float *tile) {
  if (!all_finite(b, ldb, k, n)) {
    return 0;
  }
  column_nonzeros(a, lda, k, m, NULL, idx, val, count);
  sgd_from_lists(m, n, k, NULL, (size_t) k + 8, count, idx, val, b, ldb, p, ldp, v, lr,
      momentum, wd, tile);
  return 1;
}

/*
 * sgd_from_lists over lists built ahead (NativeCpu.sparseLists), `rows` of them from start and
 * count; 0, having changed nothing, when b holds an infinity or NaN; else 1.
 */
int NAME(jg_sparse_sgd_lists)(int rows, int n, int k, const int *start, const int *count,
    const int *idx, const float *val, const float *b, size_t ldb, float *p, size_t ldp, float *v,
    float lr, float momentum, float wd, float *tile) {
  if (!all_finite(b, ldb, k, n)) {
    return 0;
  }
  sgd_from_lists(rows, n, k, start, 0, count, idx, val, b, ldb, p, ldp, v, lr, momentum, wd,
      tile);
  return 1;
}

/*
 * Lists built ahead of the products (NativeCpu.sparseLists): the nonzeros of a[m,k] counted
 * per row and per column, so that the caller can size the lists exactly.
 */
void NAME(jg_sparse_count)(int m, int k, const float *a, size_t lda, int *row_count,
    int *col_count) {
  memset(col_count, 0, (size_t) k * sizeof(int));
  for (int i = 0; i < m; i++) {
    const float *row = a + (size_t) i * lda;
    int nnz = 0;
    for (int p = 0; p < k; p++) {
      int nonzero = !(row[p] == 0.0f);
      col_count[p] += nonzero;
      nnz += nonzero;
    }
    row_count[i] = nnz;
  }
}

/*
 * The nonzeros of a[m,k] listed by row (row i's at row_start[i], ascending columns; the lists
 * follow each other in arrays of row_room entries, 8 more than they hold) and by column (column
 * p's at col_start[p], ascending rows, with room for col_count[p] + 8 entries), from the counts
 * of jg_sparse_count; col_count receives the counts again. Should a have changed since it was
 * counted, lists are cut short rather than written out of bounds.
 */
void NAME(jg_sparse_lists)(int m, int k, const float *a, size_t lda, const int *row_start,
    int *row_idx, float *row_val, size_t row_room, const int *col_start, int *col_count,
    int *col_idx, float *col_val) {
  for (int i = 0; i < m; i++) {
    nonzeros(a + (size_t) i * lda, k, row_idx + row_start[i], row_val + row_start[i],
        row_room - (size_t) row_start[i]);
  }
  column_nonzeros(a, lda, m, k, col_start, col_idx, col_val, col_count);
}

/*
 * After c[rows, n] was accumulated over all the lists of op(a): whether b[k, n] may hold an
 * infinity or NaN. uses[p] counts the nonzeros of op(a) that met row p of b. Each such nonzero
 * carried any infinity or NaN of row p into c (x * inf is infinite for every x != 0, and inf
 * plus anything is never finite again), so a finite c and finite rows that no nonzero met tell
 * that b is finite. That reads less than b when c is small and most rows of b were met: X W1 on
 * MNIST reads c of 100x100 (still in cache) and about a third of W1's 784 rows.
 */
static int may_be_nonfinite(int rows, int n, int k, const int *uses, const float *b,
    size_t ldb, const float *c, size_t ldc) {
  int unmet = 0;
  for (int p = 0; p < k; p++) {
    unmet += uses[p] == 0;
  }
  if (rows + unmet >= k) { /* reading b is no more work */
    return !all_finite(b, ldb, k, n);
  }
  return !all_finite(c, ldc, rows, n) || !finite_rows(b, ldb, k, n, uses);
}

/*
 * c[r, :] = sum of val[q] * b[idx[q], :] over list r (start[r], count[r] entries), r < rows; b
 * has k rows (NaN where a column missing from list r meets an infinity or NaN of b). uses: NULL,
 * or (when the lists are all of op(a)'s) how many nonzeros meet each row of b, which makes the
 * check of b cheaper (may_be_nonfinite).
 */
void NAME(jg_sparse_mm_lists)(int rows, int n, int k, const int *start, const int *count,
    const int *idx, const float *val, const int *uses, const float *b, size_t ldb, float *c,
    size_t ldc) {
  lists_product(rows, n, k, start, 0, count, idx, val, b, ldb, c, ldc);
  if (uses != NULL ? may_be_nonfinite(rows, n, k, uses, b, ldb, c, ldc)
                   : !all_finite(b, ldb, k, n)) {
    struct left l = {NULL, 0, 0, start, count, idx};
    nan_where_zeros_meet(&l, rows, n, k, b, ldb, c, ldc);
  }
}
