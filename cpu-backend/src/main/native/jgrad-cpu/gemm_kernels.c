/*
 * Dense float products, row-major: c[m,n] = op(a)[m,k] op(b)[k,n], in place of OpenBLAS's sgemm
 * where this build has a kernel (AVX-512 or AVX2). On the 2-core Zen 5 reference machine,
 * OpenBLAS ran the MLP's 100x1000x1000 products at 65-75% of the cores' multiply-add peak and
 * its transposed-right-operand product slower still; the kernel here runs them at about 80%
 * (docs/benchmarks.md, "Our own float GEMM").
 *
 * The classic blocking (Goto, BLIS): k in blocks of KC; per block, op(a) is packed into panels
 * of MR rows ([p][r]: one broadcast per row and step), and op(b), one panel of NV vectors of
 * columns at a time, into a buffer that stays in L1 ([p][column]); the register tile MR x NV
 * vectors multiplies one a panel by one b panel. The panels are padded with zeros, so the tile
 * always computes whole; only the real rows and columns are stored. A transposed b is packed
 * 16 x 16 at a time through registers (AVX-512), which made the product with b^T as fast as with b.
 *
 * Each output is one fused multiply-add chain per KC block of k, from 0 in the order of p, added
 * to the output after the first block: the bits depend on k alone, not on m, n, the offsets or
 * how the caller split the product over threads. Zeros padded into a panel meet only outputs
 * that are not stored, so 0 * inf and NaN propagate exactly as in a dense product.
 *
 * jg_sgemm_sgd fuses SGD into the product: each tile's outputs, the gradient, go to the SGD
 * update of a parameter in place of c (elementwise_kernels.c's jg_sgd_rows, so the same bits as
 * the product stored and jg_sgd run after it), for a k of one block, where c is never read.
 *
 * The tile's width follows n: four vectors for wide products, two or three (and taller tiles) for
 * narrower ones, and the last panel of columns only as many vectors as it needs, so a product
 * with 100 columns computes 112 (64 + 48), not 128.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "vectors.h"

#if defined(__AVX512F__)
#define LANES 16
typedef v16 vec;
#define load_vec load16
#define store_vec store16
#define splat_vec splat16
#define load_first load_first16
#define store_first store_first16
#define REGISTERS 32
#elif defined(__AVX2__) && defined(__FMA__)
#define LANES 8
typedef v8 vec;
#define load_vec load8
#define store_vec store8
#define splat_vec splat8
#define load_first load_first8
#define store_first store_first8
#define REGISTERS 16
#else
#define LANES 0
#endif

/* Floats a vector holds in this build; 0 where there is no kernel (the caller uses OpenBLAS). */
const int NAME(jg_gemm_lanes) = LANES;

void NAME(jg_sgd_rows)(int rows, int cols, float *p, int ldp, const float *g, int ldg, float *v,
    float lr, float m, float wd);

/* The SGD a product applies to its outputs instead of storing them (jg_sgemm_sgd). */
struct sgd_update {
  const float *c0; /* the product's first output, where v's first entry belongs */
  float *v;        /* velocity laid out as c, or NULL */
  float lr, momentum, wd;
};

#if LANES > 0

#define KC 256     /* k block: a b panel of KC x 4 vectors is 64 KiB with AVX-512 */
const int NAME(jg_gemm_k_block) = KC;
#define MC_ROWS 240 /* rows of op(a) packed at a time (at most; a multiple of every MR) */
#define NV_MAX 4
#define PACK_A_PANELS 4 /* b panels from which op(a) is packed (product) */
#define MR_MAX 12

/* Per-thread packing buffers, freed when the thread ends. */
static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;
static __thread float *buffers;

static void make_key(void) { pthread_key_create(&buffers_key, free); }

static float *thread_buffers(void) {
  if (buffers == NULL) {
    pthread_once(&buffers_once, make_key);
    void *p = NULL;
    size_t floats = (size_t) MC_ROWS * KC + (size_t) KC * NV_MAX * LANES;
    if (posix_memalign(&p, 64, floats * sizeof(float)) != 0) {
      return NULL;
    }
    buffers = p;
    pthread_setspecific(buffers_key, p);
  }
  return buffers;
}

#if LANES == 16
/*
 * dst[p * stride + i] = src[i * ld + p] for i < width, p < steps (at most 16 each): rows i of
 * src (zeros from row `rows` on) become lanes, 16 x 16 at a time through registers. Packs what is
 * stored the other way round: a not transposed, b transposed.
 */
static void transpose16(const float *src, size_t ld, int rows, int steps, float *dst,
    size_t stride, int width) {
  __m512 r[16], t[16];
  for (int i = 0; i < 16; i++) {
    r[i] = i < rows ? _mm512_maskz_loadu_ps((__mmask16) ((1u << steps) - 1), src + i * ld)
                    : _mm512_setzero_ps();
  }
  /* four rounds of pairing: 32-bit lanes, 64-bit lanes, then 128-bit lanes twice */
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; i++) {
    __m512d t0 = _mm512_castps_pd(t[4 * i]), t1 = _mm512_castps_pd(t[4 * i + 1]);
    __m512d t2 = _mm512_castps_pd(t[4 * i + 2]), t3 = _mm512_castps_pd(t[4 * i + 3]);
    r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
    r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
    r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
    r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
  }
  for (int h = 0; h < 2; h++) {
    for (int i = 0; i < 4; i++) {
      t[8 * h + i] = _mm512_shuffle_f32x4(r[8 * h + i], r[8 * h + i + 4], 0x88);
      t[8 * h + i + 4] = _mm512_shuffle_f32x4(r[8 * h + i], r[8 * h + i + 4], 0xdd);
    }
  }
  for (int i = 0; i < 8; i++) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
  }
  for (int q = 0; q < steps; q++) { /* r[q] holds step q of the 16 rows */
    _mm512_mask_storeu_ps(dst + q * stride, (__mmask16) ((1u << width) - 1), r[q]);
  }
}

/*
 * rows x kc of a matrix stored [row][p] (row stride ld) into dst[p * width + i], i < width (zeros
 * from `rows` on): transpose16 over 16-row, 16-step blocks.
 */
static void pack_transposed(const float *src, size_t ld, int rows, int kc, float *dst,
    int width) {
  for (int i0 = 0; i0 < width; i0 += 16) {
    int lanes = width - i0 < 16 ? width - i0 : 16;
    int valid = rows - i0 < 0 ? 0 : rows - i0 < 16 ? rows - i0 : 16;
    for (int p0 = 0; p0 < kc; p0 += 16) {
      transpose16(src + i0 * ld + p0, ld, valid, kc - p0 < 16 ? kc - p0 : 16,
          dst + (size_t) p0 * width + i0, width, lanes);
    }
  }
}
#else
/* As the AVX-512 build's, one entry at a time. */
static void pack_transposed(const float *src, size_t ld, int rows, int kc, float *dst,
    int width) {
  for (int i = 0; i < width; i++) {
    for (int p = 0; p < kc; p++) {
      dst[(size_t) p * width + i] = i < rows ? src[i * ld + p] : 0.0f;
    }
  }
}
#endif

/*
 * op(a) rows i0..i0+rows, k from pc to pc+kc, as panels of MR rows: panel q holds
 * dst[q * MR * kc + p * MR + r] = op(a)[i0 + q * MR + r][pc + p], zeros past the last row.
 */
static inline __attribute__((always_inline)) void pack_a(const int MR, int trans,
    const float *a, int lda, int i0, int rows, int pc, int kc, float *dst) {
  for (int q = 0; q * MR < rows; q++, dst += (size_t) MR * kc) {
    int mr = rows - q * MR < MR ? rows - q * MR : MR;
    int first = i0 + q * MR;
    if (trans) { /* a stored [k][m]: op(a)'s rows are a's columns, contiguous in r */
      for (int p = 0; p < kc; p++) {
        const float *src = a + (size_t) (pc + p) * lda + first;
        for (int r = 0; r < MR; r++) {
          dst[p * MR + r] = r < mr ? src[r] : 0.0f;
        }
      }
    } else {
      pack_transposed(a + (size_t) first * lda + pc, lda, mr, kc, dst, MR);
    }
  }
}

/*
 * Columns j0..j0+cols of op(b), k from pc to pc+kc, as one panel NV vectors wide:
 * dst[p * NV * LANES + j] = op(b)[pc + p][j0 + j], zeros past the last column.
 */
static inline __attribute__((always_inline)) void pack_b(const int NV, int trans,
    const float *b, int ldb, int j0, int cols, int pc, int kc, float *dst) {
  const int width = NV * LANES;
  if (!trans) {
    for (int p = 0; p < kc; p++) {
      const float *src = b + (size_t) (pc + p) * ldb + j0;
      for (int v = 0; v < NV; v++) {
        int count = cols - v * LANES;
        vec x = count >= LANES ? load_vec(src + v * LANES)
            : count > 0        ? load_first(src + v * LANES, count)
                               : splat_vec(0.0f);
        store_vec(dst + (size_t) p * width + v * LANES, x);
      }
    }
    return;
  }
  pack_transposed(b + (size_t) j0 * ldb + pc, ldb, cols, kc, dst, width);
}

/*
 * The register tile: rows (at most MR) x cols of c from MR rows of op(a) (entry (r, p) at
 * ap[p * p_step + r * row_step]: a packed panel, or a itself) and one packed b panel; accumulate
 * adds to c (the k blocks after the first); upd, unless NULL, takes the outputs as a gradient
 * instead (k in one block). Always inlined with constant MR and NV, so the accumulators stay in
 * registers. Only the first `rows` rows of a are read.
 */
static inline __attribute__((always_inline)) void tile(const int MR, const int NV, int kc,
    const float *ap, size_t row_step, size_t p_step, const float *bp, float *c, int ldc,
    int rows, int cols, int accumulate, const struct sgd_update *upd) {
  vec acc[MR_MAX][NV_MAX];
  for (int r = 0; r < MR; r++) {
    for (int v = 0; v < NV; v++) {
      acc[r][v] = splat_vec(0.0f);
    }
  }
  if (upd != NULL) { /* the parameter's next tile down, read after that tile's k loop */
    for (int r = MR; r < 2 * MR && r < rows; r++) {
      for (int v = 0; v < NV; v++) {
        __builtin_prefetch(c + (size_t) r * ldc + v * LANES, 1);
      }
    }
  }
  for (int p = 0; p < kc; p++) {
    vec bv[NV_MAX];
    for (int v = 0; v < NV; v++) {
      bv[v] = load_vec(bp + (size_t) p * NV * LANES + v * LANES);
    }
    for (int r = 0; r < MR; r++) {
      vec s = splat_vec(ap[p * p_step + r * row_step]);
      for (int v = 0; v < NV; v++) {
        acc[r][v] += s * bv[v];
      }
    }
  }
  if (upd != NULL) {
    float g[MR_MAX * NV_MAX * LANES];
    int stored = rows < MR ? rows : MR;
    for (int r = 0; r < stored; r++) {
      for (int v = 0; v < NV; v++) {
        store_vec(g + (r * NV + v) * LANES, acc[r][v]);
      }
    }
    NAME(jg_sgd_rows)(stored, cols, c, ldc, g, NV * LANES,
        upd->v == NULL ? NULL : upd->v + (c - upd->c0), upd->lr, upd->momentum, upd->wd);
    return;
  }
  for (int r = 0; r < MR && r < rows; r++) {
    float *cr = c + (size_t) r * ldc;
    for (int v = 0; v < NV; v++) {
      int count = cols - v * LANES;
      if (count >= LANES) {
        store_vec(cr + v * LANES, accumulate ? acc[r][v] + load_vec(cr + v * LANES) : acc[r][v]);
      } else if (count > 0) {
        store_first(cr + v * LANES,
            accumulate ? acc[r][v] + load_first(cr + v * LANES, count) : acc[r][v], count);
      }
    }
  }
}

/* Where one b panel's tiles read op(a) and write c (product). */
struct panel {
  const float *a;
  size_t row_step, p_step; /* op(a)[i][p] = a[i * row_step + p * p_step] */
  const float *apack;
  int pack_all; /* every row panel packed, else only the last, partial one */
  int whole;    /* rows in full panels */
  int rows, i0, pc, kc;
  float *c; /* the panel's first output */
  int ldc, cols;
  const struct sgd_update *upd;
};

/* Packs columns j0..j0+at->cols of op(b) V vectors wide and runs the tiles down the rows. */
static inline __attribute__((always_inline)) void panel(const int MR, const int V,
    const struct panel *at, const float *b, int ldb, int trans_b, int j0, float *bpack) {
  pack_b(V, trans_b, b, ldb, j0, at->cols, at->pc, at->kc, bpack);
  int acc = at->pc > 0;
  for (int q = 0; q * MR < at->rows; q++) {
    float *out = at->c + (size_t) q * MR * at->ldc;
    int left = at->rows - q * MR;
    if (at->pack_all) {
      tile(MR, V, at->kc, at->apack + (size_t) q * MR * at->kc, 1, MR, bpack, out, at->ldc,
          left, at->cols, acc, at->upd);
    } else if (q * MR < at->whole) {
      tile(MR, V, at->kc, at->a + (at->i0 + q * MR) * at->row_step + at->pc * at->p_step,
          at->row_step, at->p_step, bpack, out, at->ldc, MR, at->cols, acc, at->upd);
    } else {
      tile(MR, V, at->kc, at->apack, 1, MR, bpack, out, at->ldc, left, at->cols, acc, at->upd);
    }
  }
}

/*
 * The whole product with tile MR x NV vectors; returns 0, or 2 when out of memory. op(a) is
 * packed when at least PACK_A_PANELS b panels reuse it; a narrow product reads a in place (its
 * packing cost as much as the multiplying: each entry meets only n columns), packing only the
 * last, partial panel of rows, whose padding the tile reads.
 */
static inline __attribute__((always_inline)) int product(const int MR, const int NV,
    int trans_a, int trans_b, int m, int n, int k, const float *a, int lda, const float *b,
    int ldb, float *c, int ldc, const struct sgd_update *upd) {
  float *apack = thread_buffers();
  if (apack == NULL) {
    return 2;
  }
  float *bpack = apack + (size_t) MC_ROWS * KC;
  const int width = NV * LANES;
  int pack_all = (n + width - 1) / width >= PACK_A_PANELS;
  /* op(a)[i][p] = a[i * row_step + p * p_step] */
  size_t row_step = trans_a ? 1 : (size_t) lda, p_step = trans_a ? (size_t) lda : 1;
  for (int pc = 0; pc < k; pc += KC) {
    int kc = k - pc < KC ? k - pc : KC;
    for (int i0 = 0; i0 < m; i0 += MC_ROWS) {
      int rows = m - i0 < MC_ROWS ? m - i0 : MC_ROWS;
      int whole = rows / MR * MR; /* rows in full panels */
      if (pack_all) {
        pack_a(MR, trans_a, a, lda, i0, rows, pc, kc, apack);
      } else if (whole < rows) {
        pack_a(MR, trans_a, a, lda, i0 + whole, rows - whole, pc, kc, apack);
      }
      for (int j0 = 0; j0 < n; j0 += width) {
        int cols = n - j0 < width ? n - j0 : width;
        /* the last panel as narrow as its columns allow: 100 columns are 64 + 48, not 2 x 64 */
        int vectors = (cols + LANES - 1) / LANES;
        struct panel at = {a, row_step, p_step, apack, pack_all, whole, rows, i0, pc, kc,
            c + (size_t) i0 * ldc + j0, ldc, cols, upd};
        if (vectors >= NV) {
          panel(MR, NV, &at, b, ldb, trans_b, j0, bpack);
        } else if (vectors == 3) {
          panel(MR, 3, &at, b, ldb, trans_b, j0, bpack);
        } else if (vectors == 2) {
          panel(MR, 2, &at, b, ldb, trans_b, j0, bpack);
        } else {
          panel(MR, 1, &at, b, ldb, trans_b, j0, bpack);
        }
      }
    }
  }
  return 0;
}

/* Tiles: rows x vectors, MR * NV accumulators, NV loads and a broadcast, within the registers. */
#if LANES == 16
#define MR4 6  /* 24 accumulators */
#define MR3 8  /* 24 */
#define MR2 12 /* 24 */
#else
#define MR4 3 /* 12 of 16 registers */
#define MR3 4 /* 12 */
#define MR2 6 /* 12 */
#endif

/* Each tile width twice: storing (upd a constant NULL, so no test in its tiles) and updating. */
#define PRODUCT_FN(nv)                                                                         \
  static int product##nv(int ta, int tb, int m, int n, int k, const float *a, int lda,         \
      const float *b, int ldb, float *c, int ldc) {                                             \
    return product(MR##nv, nv, ta, tb, m, n, k, a, lda, b, ldb, c, ldc, NULL);                  \
  }                                                                                             \
  static int product_sgd##nv(int ta, int tb, int m, int n, int k, const float *a, int lda,     \
      const float *b, int ldb, float *c, int ldc, const struct sgd_update *upd) {               \
    return product(MR##nv, nv, ta, tb, m, n, k, a, lda, b, ldb, c, ldc, upd);                   \
  }
PRODUCT_FN(2)
PRODUCT_FN(3)
PRODUCT_FN(4)

#define ROW_NV 8 /* vectors of columns a one-row product keeps in registers at a time */
/*
 * Columns of row_product's blocks. A caller that splits a one-row product by columns at
 * multiples of this (and keeps every part wider than a vector, so each takes row_product) has
 * every column computed by the same block, vector and lane as in the whole product.
 */
const int NAME(jg_gemm_row_columns) = ROW_NV * LANES;

/*
 * One row, b not transposed (a service's single sample through a layer): the tile's arithmetic,
 * each output one fused multiply-add chain per KC block from 0 in the order of p, the first block
 * stored and the later ones added (acc + c), so the same bits as product(); but b's rows are read
 * in place, once, with no packing and no 5 padding rows of a 6-row tile computed for nothing
 * (which ran a 1 x 784 x 100 product at about 14 GFLOP/s on the 2-core AMD EPYC).
 */
static void row_product(int n, int k, const float *a, size_t p_step, const float *b, int ldb,
    float *c) {
  for (int pc = 0; pc < k; pc += KC) {
    int kc = k - pc < KC ? k - pc : KC;
    for (int j0 = 0; j0 < n; j0 += ROW_NV * LANES) {
      int cols = n - j0 < ROW_NV * LANES ? n - j0 : ROW_NV * LANES;
      int whole = cols / LANES, count = cols % LANES;
      vec acc[ROW_NV + 1];
      for (int v = 0; v <= whole; v++) {
        acc[v] = splat_vec(0.0f);
      }
      for (int p = 0; p < kc; p++) {
        vec s = splat_vec(a[(size_t) (pc + p) * p_step]);
        const float *bp = b + (size_t) (pc + p) * ldb + j0;
        for (int v = 0; v < whole; v++) {
          acc[v] += s * load_vec(bp + v * LANES);
        }
        if (count > 0) {
          acc[whole] += s * load_first(bp + whole * LANES, count);
        }
      }
      float *cp = c + j0;
      for (int v = 0; v < whole; v++) {
        store_vec(cp + v * LANES, pc > 0 ? acc[v] + load_vec(cp + v * LANES) : acc[v]);
      }
      if (count > 0) {
        store_first(cp + whole * LANES,
            pc > 0 ? acc[whole] + load_first(cp + whole * LANES, count) : acc[whole], count);
      }
    }
  }
}

/*
 * c[m,n] = op(a)[m,k] op(b)[k,n] (c's previous contents ignored); op(a) = a stored [m,k] with
 * row stride lda, or a^T with a stored [k,m]; the same for b. m, n, k at least 1. Returns 0, or
 * 2 when the packing buffers could not be allocated.
 */
int NAME(jg_sgemm)(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda,
    const float *b, int ldb, float *c, int ldc) {
  /* one vector or less: the tile's aligned packed panel was as fast (a 1000-long chain to 10) */
  if (m == 1 && !trans_b && n > LANES) {
    row_product(n, k, a, trans_a ? (size_t) lda : 1, b, ldb, c);
    return 0;
  }
  int vectors = (n + LANES - 1) / LANES;
  return vectors <= 2 ? product2(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc)
      : vectors == 3  ? product3(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc)
                      : product4(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
}

/*
 * c -= lr * (op(a) op(b) + wd * c) as jg_sgd does it (with velocity v laid out as c, unless
 * NULL: v = momentum * v + grad + wd * c, c -= lr * v), the product never stored; c is the
 * parameter [m, n], row stride ldc. Only for k <= jg_gemm_k_block (one pass over k); returns 4
 * for a longer k, having changed nothing, 2 when out of memory.
 */
int NAME(jg_sgemm_sgd)(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda,
    const float *b, int ldb, float *c, int ldc, float *v, float lr, float momentum, float wd) {
  if (k > KC) {
    return 4;
  }
  struct sgd_update upd = {c, v, lr, momentum, wd};
  int vectors = (n + LANES - 1) / LANES;
  return vectors <= 2 ? product_sgd2(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, &upd)
      : vectors == 3  ? product_sgd3(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, &upd)
                      : product_sgd4(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, &upd);
}

#else

const int NAME(jg_gemm_k_block) = 0;
const int NAME(jg_gemm_row_columns) = 0;

int NAME(jg_sgemm)(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda,
    const float *b, int ldb, float *c, int ldc) {
  return 1; /* no kernel in this build: the caller checks jg_gemm_lanes first */
}

int NAME(jg_sgemm_sgd)(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda,
    const float *b, int ldb, float *c, int ldc, float *v, float lr, float momentum, float wd) {
  return 1;
}

#endif
