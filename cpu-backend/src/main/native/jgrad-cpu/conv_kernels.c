/*
 * Direct 2-D correlation of float samples, stride 1: the CPU backend's conv2d and its input
 * gradient without im2col. With 16-64 filters im2col + GEMM spent as long writing and reading the
 * column matrix (9 copies of the input) as multiplying; here each input entry is read from L1 and
 * broadcast against a vector of filters.
 *
 *   out[s][o][y][x] = bias[o] + sum over (ch, i, j) of tap(o, ch, i, j) * pad[s][ch][y + i][x + j]
 *
 * where pad is the input placed at (top, left) in zeros, and the sum is one fused multiply-add
 * chain from 0 in the order ch, i, j (bias added after): the same bits in every build that has
 * the kernel and for every thread count. Taps are w[o][ch][i][j] for conv2d; for its input gradient
 * (the correlation of the output gradient with the flipped, transposed weight) they are
 * w[ch][o][kh-1-i][kw-1-j].
 *
 * Two register tiles compute that chain. The filter tile holds Q output columns of one output
 * row for one or two vectors of filters; each step broadcasts one input entry per column and
 * multiplies it by the filter vector(s). The row tile holds vectors along the output rows, up to
 * RR rows x RF filters; each step loads one input vector per row and broadcasts one tap per
 * filter.
 * With one vector of filters the filter tile gets one multiply-add per broadcast, the row tile RF
 * per broadcast; so wide rows with few filters take the row tile (prefers_rows). Each output is
 * the same chain in either, so the choice does not change the bits. Built for AVX-512 and AVX2
 * (their fused multiply-add); the x86-64 build has no kernel (lanes 0) and the caller uses
 * im2col + GEMM.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "vectors.h"

#if defined(__AVX512F__)
#define LANES 16
#define QMAX 14 /* 2 x 14 accumulators + 2 filter vectors of 32 registers */
/*
 * Row tile: RF filters x (RACC / filters, at most RR) rows, 8 x 3 with 8 filters or more. Each
 * step's input vectors mostly straddle two cache lines; 8 x 3 loads 3 of them for 24 multiply-adds
 * where 4 x 6 loaded 6, and ran 18-20% faster on 16x28x28->16.
 */
#define RF 8
#define RACC 24
#define RR 6
typedef v16 vec;
#define load_vec load16
#define store_vec store16
#define splat_vec splat16
#define store_first store_first16
#elif defined(__AVX2__) && defined(__FMA__)
#define LANES 8
#define QMAX 6 /* 2 x 6 accumulators + 2 filter vectors + a broadcast of 16 registers */
#define RF 4 /* row tile: 4 filters x 2 rows, 2 input vectors, a broadcast (others no faster) */
#define RACC 8
#define RR 2
typedef v8 vec;
#define load_vec load8
#define store_vec store8
#define splat_vec splat8
#define store_first store_first8
#else
#define LANES 0
#endif

/* Filters a vector holds in this build; 0 where there is no kernel. */
const int NAME(jg_correlate_lanes) = LANES;

#if LANES > 0

/* Where each tap (ch, i, j) starts in a placed sample of planes plane entries, rows pw wide. */
static void tap_offsets(int channels, int kh, int kw, size_t plane, int pw, size_t *offset) {
  for (int ch = 0, t = 0; ch < channels; ch++) {
    for (int i = 0; i < kh; i++) {
      for (int j = 0; j < kw; j++, t++) {
        offset[t] = ch * plane + (size_t) i * pw + j;
      }
    }
  }
}

/* The geometry of one call, shared by its tiles. */
struct geometry {
  int channels; /* input channels */
  int kh, kw;
  int pad_plane; /* entries of one padded channel */
  int pad_width;
  int outs; /* output channels */
  int ow;
  size_t out_plane;
  size_t tap_block; /* entries of one vector's taps: channels * kh * kw * LANES */
  int taps;         /* channels * kh * kw */
  const size_t *offset; /* tap_offsets: one loop over the taps, not three short ones */
};

/*
 * Transposes LANES vectors in place (m[i][j] becomes m[j][i]): at each block size B the two
 * off-diagonal B x B blocks of every 2B x 2B block swap, two two-vector shuffles a pair of rows.
 */
#define LO(B, k) (((k) & (B)) ? LANES + (k) - (B) : (k))
#define HI(B, k) (((k) & (B)) ? LANES + (k) : (k) + (B))
#if LANES == 16
typedef int vmask __attribute__((vector_size(64)));
#define MASK(F, B)                                                                              \
  ((vmask){F(B, 0), F(B, 1), F(B, 2), F(B, 3), F(B, 4), F(B, 5), F(B, 6), F(B, 7), F(B, 8),     \
      F(B, 9), F(B, 10), F(B, 11), F(B, 12), F(B, 13), F(B, 14), F(B, 15)})
#else
typedef int vmask __attribute__((vector_size(32)));
#define MASK(F, B) ((vmask){F(B, 0), F(B, 1), F(B, 2), F(B, 3), F(B, 4), F(B, 5), F(B, 6), F(B, 7)})
#endif
#define SWAP_BLOCKS(m, B)                                                                       \
  for (int i = 0; i < LANES; i++) {                                                             \
    if ((i & (B)) == 0) {                                                                       \
      vec lo = __builtin_shuffle(m[i], m[i + (B)], MASK(LO, B));                                \
      vec hi = __builtin_shuffle(m[i], m[i + (B)], MASK(HI, B));                                \
      m[i] = lo;                                                                                \
      m[i + (B)] = hi;                                                                          \
    }                                                                                           \
  }
static inline __attribute__((always_inline)) void transpose(vec *m) {
  SWAP_BLOCKS(m, 1)
  SWAP_BLOCKS(m, 2)
  SWAP_BLOCKS(m, 4)
#if LANES == 16
  SWAP_BLOCKS(m, 8)
#endif
}

/*
 * One tile: output columns x0..x0+Q of row y for filters o0..o0 + FB * LANES (those below
 * g->outs stored). Always inlined with constant FB and Q, so the accumulators stay in registers.
 */
static inline __attribute__((always_inline)) void tile(const int FB, const int Q,
    const struct geometry *g, const float *pad, const float *taps, const float *bias, int o0,
    float *out, int y, int x0) {
  vec acc[2][QMAX];
  for (int b = 0; b < FB; b++) {
    for (int q = 0; q < Q; q++) {
      acc[b][q] = splat_vec(0.0f);
    }
  }
  const float *base = pad + (size_t) y * g->pad_width + x0;
  for (int k = 0; k < g->taps; k++) {
    const float *row = base + g->offset[k];
    vec w0 = load_vec(taps + (size_t) k * LANES);
    vec w1 = FB > 1 ? load_vec(taps + (size_t) k * LANES + g->tap_block) : w0;
    for (int q = 0; q < Q; q++) {
      vec s = splat_vec(row[q]);
      acc[0][q] += s * w0;
      if (FB > 1) {
        acc[1][q] += s * w1;
      }
    }
  }
  for (int b = 0; b < FB; b++) {
    /* columns x filters into filters x columns, so each filter's Q outputs are one store */
    vec m[LANES];
    for (int q = 0; q < LANES; q++) {
      m[q] = q < Q ? acc[b][q] : splat_vec(0.0f);
    }
    transpose(m);
    int first = o0 + b * LANES;
    int count = g->outs - first < LANES ? g->outs - first : LANES;
    for (int l = 0; l < count; l++) {
      float *o = out + (size_t) (first + l) * g->out_plane + (size_t) y * g->ow + x0;
      store_first(o, bias != NULL ? m[l] + splat_vec(bias[first + l]) : m[l], Q);
    }
  }
}

typedef void (*tile_fn)(const struct geometry *, const float *, const float *, const float *,
    int, float *, int, int);

#define TILE_FN(fb, q)                                                                          \
  static void tile_##fb##_##q(const struct geometry *g, const float *pad, const float *taps,    \
      const float *bias, int o0, float *out, int y, int x0) {                                   \
    tile(fb, q, g, pad, taps, bias, o0, out, y, x0);                                            \
  }
#define TILE_FNS(fb)                                                                            \
  TILE_FN(fb, 1) TILE_FN(fb, 2) TILE_FN(fb, 3) TILE_FN(fb, 4) TILE_FN(fb, 5) TILE_FN(fb, 6)
TILE_FNS(1)
TILE_FNS(2)
#if QMAX > 6
#define TILE_FNS_WIDE(fb)                                                                       \
  TILE_FN(fb, 7) TILE_FN(fb, 8) TILE_FN(fb, 9) TILE_FN(fb, 10) TILE_FN(fb, 11) TILE_FN(fb, 12)  \
  TILE_FN(fb, 13) TILE_FN(fb, 14)
TILE_FNS_WIDE(1)
TILE_FNS_WIDE(2)
static const tile_fn TILES[2][QMAX + 1] = {
    {NULL, tile_1_1, tile_1_2, tile_1_3, tile_1_4, tile_1_5, tile_1_6, tile_1_7, tile_1_8,
        tile_1_9, tile_1_10, tile_1_11, tile_1_12, tile_1_13, tile_1_14},
    {NULL, tile_2_1, tile_2_2, tile_2_3, tile_2_4, tile_2_5, tile_2_6, tile_2_7, tile_2_8,
        tile_2_9, tile_2_10, tile_2_11, tile_2_12, tile_2_13, tile_2_14}};
#else
static const tile_fn TILES[2][QMAX + 1] = {
    {NULL, tile_1_1, tile_1_2, tile_1_3, tile_1_4, tile_1_5, tile_1_6},
    {NULL, tile_2_1, tile_2_2, tile_2_3, tile_2_4, tile_2_5, tile_2_6}};
#endif

/*
 * Row widths from which the row tile may run: 3/4 of a vector (narrower rows leave most of one
 * idle; a width just past a multiple of LANES still leaves part of its last vector idle).
 */
#define ROW_MIN_WIDTH (LANES * 3 / 4)

/*
 * One row tile: output rows y..y+RN, columns x0..x0+count (count <= LANES), for filters
 * o0..o0+FN, taps [ch][i][j][RF] of this group of filters. Input vectors read up to LANES - 1
 * entries past a row's last column (the next row's, or the scratch's slack); those lanes are
 * never stored.
 */
static inline __attribute__((always_inline)) void row_tile(const int FN, const int RN,
    const struct geometry *g, const float *pad, const float *taps, const float *bias, int o0,
    float *out, int y, int x0, int count) {
  vec acc[RACC]; /* [FN][RN]; one dimension, sized as the registers allow, stays in them */
  for (int f = 0; f < FN; f++) {
    for (int r = 0; r < RN; r++) {
      acc[f * RN + r] = splat_vec(0.0f);
    }
  }
  const float *base = pad + (size_t) y * g->pad_width + x0;
  for (int k = 0; k < g->taps; k++) {
    const float *row = base + g->offset[k];
    const float *t = taps + (size_t) k * RF;
    vec in[RR];
    for (int r = 0; r < RN; r++) {
      in[r] = load_vec(row + (size_t) r * g->pad_width);
    }
    for (int f = 0; f < FN; f++) {
      vec s = splat_vec(t[f]);
      for (int r = 0; r < RN; r++) {
        acc[f * RN + r] += s * in[r];
      }
    }
  }
  for (int f = 0; f < FN; f++) {
    float *o = out + (size_t) (o0 + f) * g->out_plane + (size_t) y * g->ow + x0;
    for (int r = 0; r < RN; r++) {
      vec v = bias != NULL ? acc[f * RN + r] + splat_vec(bias[o0 + f]) : acc[f * RN + r];
      if (count == LANES) {
        store_vec(o + (size_t) r * g->ow, v);
      } else {
        store_first(o + (size_t) r * g->ow, v, count);
      }
    }
  }
}

typedef void (*row_tile_fn)(const struct geometry *, const float *, const float *,
    const float *, int, float *, int, int, int);

#define ROW_FN(fn, rn)                                                                          \
  static void row_tile_##fn##_##rn(const struct geometry *g, const float *pad,                 \
      const float *taps, const float *bias, int o0, float *out, int y, int x0, int count) {     \
    row_tile(fn, rn, g, pad, taps, bias, o0, out, y, x0, count);                                \
  }
#define ROW_FNS_2(fn) ROW_FN(fn, 1) ROW_FN(fn, 2)
ROW_FNS_2(1)
ROW_FNS_2(2)
ROW_FNS_2(3)
ROW_FNS_2(4)
#if RF > 4
/* RN rows of FN filters where FN * RN <= RACC: 6 rows up to 4 filters, 4 up to 6, 3 up to 8 */
#define ROW_FNS_3(fn) ROW_FN(fn, 3)
#define ROW_FNS_4(fn) ROW_FN(fn, 3) ROW_FN(fn, 4)
#define ROW_FNS_6(fn) ROW_FN(fn, 3) ROW_FN(fn, 4) ROW_FN(fn, 5) ROW_FN(fn, 6)
ROW_FNS_6(1)
ROW_FNS_6(2)
ROW_FNS_6(3)
ROW_FNS_6(4)
ROW_FNS_2(5)
ROW_FNS_4(5)
ROW_FNS_2(6)
ROW_FNS_4(6)
ROW_FNS_2(7)
ROW_FNS_3(7)
ROW_FNS_2(8)
ROW_FNS_3(8)
static const row_tile_fn ROW_TILES[RF][RR + 1] = {
    {NULL, row_tile_1_1, row_tile_1_2, row_tile_1_3, row_tile_1_4, row_tile_1_5, row_tile_1_6},
    {NULL, row_tile_2_1, row_tile_2_2, row_tile_2_3, row_tile_2_4, row_tile_2_5, row_tile_2_6},
    {NULL, row_tile_3_1, row_tile_3_2, row_tile_3_3, row_tile_3_4, row_tile_3_5, row_tile_3_6},
    {NULL, row_tile_4_1, row_tile_4_2, row_tile_4_3, row_tile_4_4, row_tile_4_5, row_tile_4_6},
    {NULL, row_tile_5_1, row_tile_5_2, row_tile_5_3, row_tile_5_4, NULL, NULL},
    {NULL, row_tile_6_1, row_tile_6_2, row_tile_6_3, row_tile_6_4, NULL, NULL},
    {NULL, row_tile_7_1, row_tile_7_2, row_tile_7_3, NULL, NULL, NULL},
    {NULL, row_tile_8_1, row_tile_8_2, row_tile_8_3, NULL, NULL, NULL}};
#else
static const row_tile_fn ROW_TILES[RF][RR + 1] = {{NULL, row_tile_1_1, row_tile_1_2},
    {NULL, row_tile_2_1, row_tile_2_2}, {NULL, row_tile_3_1, row_tile_3_2},
    {NULL, row_tile_4_1, row_tile_4_2}};
#endif

/*
 * Whether the row tile runs: rows fill most of their vectors and the filters fit one vector (with
 * two the filter tile already gets two multiply-adds per broadcast).
 */
static int prefers_rows(int outs, int ow) {
  return ow >= ROW_MIN_WIDTH && outs <= LANES;
}

/* n, the size, in parts as even as they come: part t's size. */
static inline int even_part(int n, int parts, int t) {
  return n / parts + (t < n % parts ? 1 : 0);
}

/*
 * One placed sample through row tiles: row groups, then column vectors, then filter groups.
 * Rows per tile: as many as the accumulators hold for the first group's filters, at most RR.
 */
static void correlate_rows(const struct geometry *g, const float *pad, const float *taps,
    const float *bias, float *out, int oh) {
  int groups = (g->outs + RF - 1) / RF;
  int widest = g->outs < RF ? g->outs : RF;
  int rows = RACC / widest < RR ? RACC / widest : RR;
  int row_tiles = (oh + rows - 1) / rows;
  size_t tap_group = (size_t) g->channels * g->kh * g->kw * RF;
  for (int t = 0, y = 0; t < row_tiles; y += even_part(oh, row_tiles, t), t++) {
    int rn = even_part(oh, row_tiles, t);
    for (int x0 = 0; x0 < g->ow; x0 += LANES) {
      int count = g->ow - x0 < LANES ? g->ow - x0 : LANES;
      for (int k = 0; k < groups; k++) {
        int fn = g->outs - k * RF < RF ? g->outs - k * RF : RF;
        ROW_TILES[fn - 1][rn](g, pad, taps + k * tap_group, bias, k * RF, out, y, x0, count);
      }
    }
  }
}

/*
 * Taps by group of `group` outputs (LANES for the filter tile, RF for the row tile):
 * [group][ch][i][j][output in group], 0 for outputs past outs. The weight is
 * w[outs][channels][kh][kw], or with flip w[channels][outs][kh][kw] read flipped.
 */
static void arrange_taps(const float *w, int outs, int channels, int kh, int kw, int flip,
    int group, float *taps) {
  int groups = (outs + group - 1) / group;
  memset(taps, 0, sizeof(float) * (size_t) groups * channels * kh * kw * group);
  for (int o = 0; o < outs; o++) {
    for (int ch = 0; ch < channels; ch++) {
      for (int i = 0; i < kh; i++) {
        for (int j = 0; j < kw; j++) {
          size_t from = flip ? (((size_t) ch * outs + o) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)
                             : (((size_t) o * channels + ch) * kh + i) * kw + j;
          size_t to = ((((size_t) (o / group) * channels + ch) * kh + i) * kw + j) * group
              + o % group;
          taps[to] = w[from];
        }
      }
    }
  }
}

/* One sample [channels, h, w] placed at (top, left) of a zeroed [channels, ph, pw]. */
static void place(const float *x, int channels, int h, int w, int top, int left, int ph, int pw,
    float *pad) {
  memset(pad, 0, sizeof(float) * (size_t) channels * ph * pw);
  int y0 = top < 0 ? -top : 0; /* a negative offset crops the input */
  int x0 = left < 0 ? -left : 0;
  int y1 = h < ph - top ? h : ph - top;
  int x1 = w < pw - left ? w : pw - left;
  if (y0 >= y1 || x0 >= x1) {
    return;
  }
  for (int ch = 0; ch < channels; ch++) {
    for (int y = y0; y < y1; y++) {
      memcpy(pad + ((size_t) ch * ph + y + top) * pw + x0 + left,
          x + ((size_t) ch * h + y) * w + x0, sizeof(float) * (size_t) (x1 - x0));
    }
  }
}

/*
 * n samples x[n][channels][h][w] into out[n][outs][oh][ow] (see the top of the file); bias may
 * be NULL. Returns 0, or -1 when memory for the scratch ran out.
 */
int NAME(jg_correlate)(int n, const float *x, int channels, int h, int w, int top, int left,
    int outs, int oh, int ow, int kh, int kw, const float *weight, int flip, const float *bias,
    float *out) {
  struct geometry g;
  g.channels = channels;
  g.kh = kh;
  g.kw = kw;
  g.pad_width = ow + kw - 1;
  g.pad_plane = (oh + kh - 1) * g.pad_width;
  g.outs = outs;
  g.ow = ow;
  g.out_plane = (size_t) oh * ow;
  g.tap_block = (size_t) channels * kh * kw * LANES;
  int vectors = (outs + LANES - 1) / LANES;
  int rows = prefers_rows(outs, ow);
  int group = rows ? RF : LANES;
  size_t placed = (size_t) channels * g.pad_plane;
  float *taps = malloc(sizeof(float) * channels * kh * kw * group * ((outs + group - 1) / group));
  float *pad = malloc(sizeof(float) * (placed + LANES)); /* slack for the row tile's reads */
  size_t *offset = malloc(sizeof(size_t) * channels * kh * kw);
  if (taps == NULL || pad == NULL || offset == NULL) {
    free(taps);
    free(pad);
    free(offset);
    return -1;
  }
  g.taps = channels * kh * kw;
  tap_offsets(channels, kh, kw, g.pad_plane, g.pad_width, offset);
  g.offset = offset;
  arrange_taps(weight, outs, channels, kh, kw, flip, group, taps);
  memset(pad + placed, 0, sizeof(float) * LANES);
  for (int s = 0; s < n; s++) {
    place(x + (size_t) s * channels * h * w, channels, h, w, top, left, oh + kh - 1,
        g.pad_width, pad);
    float *os = out + (size_t) s * outs * g.out_plane;
    if (rows) {
      correlate_rows(&g, pad, taps, bias, os, oh);
      continue;
    }
    for (int v = 0; v < vectors;) {
      int fb = vectors - v >= 2 ? 2 : 1;
      /* the row in tiles of at most QMAX columns, as even as they come */
      int tiles = (ow + QMAX - 1) / QMAX;
      for (int y = 0; y < oh; y++) {
        int x0 = 0;
        for (int t = 0; t < tiles; t++) {
          int q = even_part(ow, tiles, t);
          TILES[fb - 1][q](&g, pad, taps + (size_t) v * g.tap_block, bias, v * LANES, os, y, x0);
          x0 += q;
        }
      }
      v += fb;
    }
  }
  free(offset);
  free(pad);
  free(taps);
  return 0;
}

/*
 * The weight gradient of the correlation above, conv2d's (no flip):
 *
 *   dw[o][ch][i][j] = sum over samples s and (y, x) of g[s][o][y][x] * pad[s][ch][y + i][x + j]
 *
 * with pad as above. Both sides are laid on the padded input's width pw = ow + kw - 1 (g with
 * zeros in its extra columns), so for each tap (ch, i, j) the sum over (y, x) is one dot product
 * of two contiguous runs, g's plane against pad's from ch * plane + i * pw + j, vectorized along
 * it. Each dot product sums into 16 lanes (two vectors of 8 in the AVX2 build: the same lanes,
 * the same bits) over all the call's samples, then the lanes in order.
 */
#if defined(__AVX512F__)
#define WG_ROWS 4 /* a tile: 4 output channels x 6 taps, 24 accumulators */
#define WG_TAPS 6
#else
#define WG_ROWS 2 /* 2 x 2 accumulators of 2 registers each (wg_vec below) */
#define WG_TAPS 2
#endif
#define WG_GROUP_BYTES (384 * 1024)

/* The shared sizes of one weight-gradient call. */
struct wg_geometry {
  int taps;           /* channels * kh * kw */
  size_t run;         /* entries of each dot product per sample, a multiple of 16 */
  const size_t *offset; /* per tap: where its run starts in the padded sample */
  size_t pad_stride;  /* entries from one padded sample of the group to the next */
  size_t g_stride;    /* the same for g laid on the padded width */
  int samples;        /* in the group */
};

/*
 * The tile's accumulators in machine registers: one v16 per (row, tap) where the build has
 * 512-bit registers, else the two v8 halves of it. (GCC kept v16 accumulators of an AVX2 build on
 * the stack and moved them through general registers every iteration: 11-14 GFLOP/s instead of
 * 100+.) Each lane sees the same fused multiply-adds in the same order either way, so the AVX2
 * and AVX-512 builds agree bit for bit.
 */
#if defined(__AVX512F__)
typedef v16 wg_vec;
#define WG_LANES 16
#define wg_load load16
#define wg_store store16
#else
typedef v8 wg_vec;
#define WG_LANES 8
#define wg_load load8
#define wg_store store8
#endif
#define WG_HALVES (16 / WG_LANES)

/*
 * acc[o0 + r][t0 + t] += the dot products of g rows o0 + r with tap runs t0 + t over the group's
 * samples.
 */
static inline __attribute__((always_inline)) void wg_tile(const int R, const int T,
    const struct wg_geometry *g, const float *gw, const float *pad, int o0, int t0, v16 *acc) {
  wg_vec a[WG_ROWS][WG_TAPS][WG_HALVES];
  const float *rows[WG_ROWS];
  const float *runs[WG_TAPS];
  float *accf = (float *) acc;
  for (int r = 0; r < R; r++) {
    rows[r] = gw + (size_t) (o0 + r) * g->run;
    for (int t = 0; t < T; t++) {
      for (int h = 0; h < WG_HALVES; h++) {
        a[r][t][h] = wg_load(accf + ((size_t) (o0 + r) * g->taps + t0 + t) * 16 + h * WG_LANES);
      }
    }
  }
  for (int t = 0; t < T; t++) {
    runs[t] = pad + g->offset[t0 + t];
  }
  for (int s = 0; s < g->samples; s++) {
    for (size_t p = 0; p < g->run; p += 16) {
      for (int h = 0; h < WG_HALVES; h++) {
        size_t q = p + (size_t) h * WG_LANES;
        wg_vec gv[WG_ROWS];
        for (int r = 0; r < R; r++) {
          gv[r] = wg_load(rows[r] + s * g->g_stride + q);
        }
        for (int t = 0; t < T; t++) {
          wg_vec pv = wg_load(runs[t] + s * g->pad_stride + q);
          for (int r = 0; r < R; r++) {
            a[r][t][h] += gv[r] * pv;
          }
        }
      }
    }
  }
  for (int r = 0; r < R; r++) {
    for (int t = 0; t < T; t++) {
      for (int h = 0; h < WG_HALVES; h++) {
        wg_store(accf + ((size_t) (o0 + r) * g->taps + t0 + t) * 16 + h * WG_LANES, a[r][t][h]);
      }
    }
  }
}

typedef void (*wg_tile_fn)(const struct wg_geometry *, const float *, const float *, int, int,
    v16 *);
#define WG_FN(r, t)                                                                             \
  static void wg_tile_##r##_##t(const struct wg_geometry *g, const float *gw, const float *pad, \
      int o0, int t0, v16 *acc) {                                                               \
    wg_tile(r, t, g, gw, pad, o0, t0, acc);                                                     \
  }
WG_FN(1, 1) WG_FN(1, 2) WG_FN(2, 1) WG_FN(2, 2)
#if WG_ROWS > 2
WG_FN(1, 3) WG_FN(1, 4) WG_FN(1, 5) WG_FN(1, 6)
WG_FN(2, 3) WG_FN(2, 4) WG_FN(2, 5) WG_FN(2, 6)
WG_FN(3, 1) WG_FN(3, 2) WG_FN(3, 3) WG_FN(3, 4) WG_FN(3, 5) WG_FN(3, 6)
WG_FN(4, 1) WG_FN(4, 2) WG_FN(4, 3) WG_FN(4, 4) WG_FN(4, 5) WG_FN(4, 6)
static const wg_tile_fn WG_TILES[WG_ROWS][WG_TAPS] = {
    {wg_tile_1_1, wg_tile_1_2, wg_tile_1_3, wg_tile_1_4, wg_tile_1_5, wg_tile_1_6},
    {wg_tile_2_1, wg_tile_2_2, wg_tile_2_3, wg_tile_2_4, wg_tile_2_5, wg_tile_2_6},
    {wg_tile_3_1, wg_tile_3_2, wg_tile_3_3, wg_tile_3_4, wg_tile_3_5, wg_tile_3_6},
    {wg_tile_4_1, wg_tile_4_2, wg_tile_4_3, wg_tile_4_4, wg_tile_4_5, wg_tile_4_6}};
#else
static const wg_tile_fn WG_TILES[WG_ROWS][WG_TAPS] = {
    {wg_tile_1_1, wg_tile_1_2}, {wg_tile_2_1, wg_tile_2_2}};
#endif

/*
 * The same weight gradient with vectors along the output channels, for many outputs on small
 * planes (by_outputs below): the runs above waste kw - 1 of every pw lanes on the padded
 * columns and sum into 16 partial sums per weight, which on 8x8 planes went through L3 once per
 * group of samples. Here dw^T[tap][o] = sum over k = (s, y, x) of pad[s][tap's (y + i, x + j)] *
 * g[s][o][y][x]: a tile holds OT taps x OV vectors of outputs and takes one vector of g (laid
 * [s][y][x][o]) per output vector and one broadcast per tap at each k. Each weight is a chain
 * of fused multiply-adds over k in order per chunk of samples, the chunks' sums added in order,
 * so the AVX2 and AVX-512 builds agree bit for bit (another order than the runs' kernel: its 16
 * partial sums).
 */
#if defined(__AVX512F__)
/*
 * A tile: OACC / vectors taps (at most OT) x up to OV vectors of 16 outputs: 6 x 4, 8 x 3,
 * 12 x 2 or 12 x 1 (with two vectors 12 taps ran 1.3x faster than 6)
 */
#define OT 12
#define OV 4
#define OACC 24
#else
#define OT 3 /* 3 taps x 3 vectors of 8 outputs, 9 accumulators of 16 registers */
#define OV 3
#define OACC 9
#endif
#define BY_OUTPUTS_CHUNK_BYTES (256 * 1024)

/* The shared sizes of one call by outputs. */
struct wo_geometry {
  int oh, ow, pw, outs;
  size_t pad_stride; /* entries from one placed sample to the next */
  size_t g_stride;   /* oh * ow * outs */
  const size_t *offset; /* per tap: its first entry in a placed sample */
};

/*
 * acc[t0 + t][o] (taps x outs, o from v0 * LANES) += the sum over the chunk's samples, k in
 * order from 0: chunk by chunk, so no chain is longer than a chunk's positions (one chain over
 * all 50 samples of a DeepConvNet 8x8 layer had 3x the rounding error of the 16-lane runs).
 */
static inline __attribute__((always_inline)) void wo_tile(const int T, const int V,
    const struct wo_geometry *g, const float *pad, const float *gt, int samples, int v0, int t0,
    float *acc) {
  vec a[OACC]; /* [T][V]; one dimension, sized as the registers allow, stays in them */
  for (int t = 0; t < T; t++) {
    for (int v = 0; v < V; v++) {
      a[t * V + v] = splat_vec(0.0f);
    }
  }
  for (int s = 0; s < samples; s++) {
    const float *ps = pad + s * g->pad_stride;
    const float *gs = gt + s * g->g_stride + (size_t) v0 * LANES;
    const float *b[OT];
    for (int t = 0; t < T; t++) {
      b[t] = ps + g->offset[t0 + t];
    }
    for (int y = 0; y < g->oh; y++) {
      for (int x = 0; x < g->ow; x++) {
        const float *gp = gs + (size_t) (y * g->ow + x) * g->outs;
        vec gv[OV];
        for (int v = 0; v < V; v++) {
          gv[v] = load_vec(gp + (size_t) v * LANES);
        }
        int q = y * g->pw + x;
        for (int t = 0; t < T; t++) {
          vec bt = splat_vec(b[t][q]);
          for (int v = 0; v < V; v++) {
            a[t * V + v] += bt * gv[v];
          }
        }
      }
    }
  }
  for (int t = 0; t < T; t++) {
    for (int v = 0; v < V; v++) {
      float *sum = acc + (size_t) (t0 + t) * g->outs + (size_t) (v0 + v) * LANES;
      store_vec(sum, load_vec(sum) + a[t * V + v]);
    }
  }
}

typedef void (*wo_tile_fn)(const struct wo_geometry *, const float *, const float *, int, int,
    int, float *);
#define WO_FN(t, v)                                                                             \
  static void wo_tile_##t##_##v(const struct wo_geometry *g, const float *pad, const float *gt, \
      int samples, int v0, int t0, float *acc) {                                                \
    wo_tile(t, v, g, pad, gt, samples, v0, t0, acc);                                            \
  }
#define WO_FNS(t) WO_FN(t, 1) WO_FN(t, 2) WO_FN(t, 3)
WO_FNS(1)
WO_FNS(2)
WO_FNS(3)
#if OT > 3
/* T x V with T * V <= OACC */
#define WO_FNS_4(t) WO_FN(t, 1) WO_FN(t, 2) WO_FN(t, 3) WO_FN(t, 4)
#define WO_FNS_2(t) WO_FN(t, 1) WO_FN(t, 2)
WO_FN(1, 4) WO_FN(2, 4) WO_FN(3, 4)
WO_FNS_4(4)
WO_FNS_4(5)
WO_FNS_4(6)
WO_FNS(7)
WO_FNS(8)
WO_FNS_2(9)
WO_FNS_2(10)
WO_FNS_2(11)
WO_FNS_2(12)
static const wo_tile_fn WO_TILES[OT][OV] = {
    {wo_tile_1_1, wo_tile_1_2, wo_tile_1_3, wo_tile_1_4},
    {wo_tile_2_1, wo_tile_2_2, wo_tile_2_3, wo_tile_2_4},
    {wo_tile_3_1, wo_tile_3_2, wo_tile_3_3, wo_tile_3_4},
    {wo_tile_4_1, wo_tile_4_2, wo_tile_4_3, wo_tile_4_4},
    {wo_tile_5_1, wo_tile_5_2, wo_tile_5_3, wo_tile_5_4},
    {wo_tile_6_1, wo_tile_6_2, wo_tile_6_3, wo_tile_6_4},
    {wo_tile_7_1, wo_tile_7_2, wo_tile_7_3, NULL},
    {wo_tile_8_1, wo_tile_8_2, wo_tile_8_3, NULL},
    {wo_tile_9_1, wo_tile_9_2, NULL, NULL},
    {wo_tile_10_1, wo_tile_10_2, NULL, NULL},
    {wo_tile_11_1, wo_tile_11_2, NULL, NULL},
    {wo_tile_12_1, wo_tile_12_2, NULL, NULL}};
#else
static const wo_tile_fn WO_TILES[OT][OV] = {{wo_tile_1_1, wo_tile_1_2, wo_tile_1_3},
    {wo_tile_2_1, wo_tile_2_2, wo_tile_2_3}, {wo_tile_3_1, wo_tile_3_2, wo_tile_3_3}};
#endif

/*
 * Whether the weight gradient goes by outputs: whole vectors of outputs in both builds (a
 * multiple of 16), enough for a wide tile, and rows narrow enough that the runs' kernel wastes
 * a sixth or more of its lanes (C harness, one thread, 50 samples: 32x8x8->64 1,664 -> 1,207 us,
 * 64x4x4->64 1,618 -> 639); from 32 outputs, rows up to 16 too where there are 64 taps or more
 * (16x14x14->32 1,078 -> 789, 32x14x14->32 p2 2,400 -> 1,902, 64x14x14->64 8,269 -> 5,554; with
 * 1-4 channels, or rows of 24 and more, the runs were faster).
 */
static int by_outputs(int outs, int ow, int taps) {
  return outs % 16 == 0
      && ((outs >= 64 && ow <= 12) || (outs >= 32 && ow <= 16 && taps >= 64));
}

/* jg_correlate_weight by outputs (see above); the same arguments and results. */
static int correlate_weight_by_outputs(int n, const float *x, int channels, int h, int w,
    int top, int left, const float *g, int outs, int oh, int ow, int kh, int kw, float *dw) {
  int pw = ow + kw - 1;
  int ph = oh + kh - 1;
  size_t plane = (size_t) ph * pw;
  size_t positions = (size_t) oh * ow;
  int taps = channels * kh * kw;
  size_t pad_stride = ((size_t) channels * plane + 15) / 16 * 16; /* each on a cache line */
  size_t g_stride = positions * outs;
  int chunk = (int) (BY_OUTPUTS_CHUNK_BYTES / (sizeof(float) * (pad_stride + g_stride)));
  chunk = chunk < 1 ? 1 : chunk > n ? n : chunk;
  float *pad = aligned_alloc(64, sizeof(float) * pad_stride * chunk);
  float *gt = aligned_alloc(64, sizeof(float) * g_stride * chunk);
  float *acc = aligned_alloc(64, sizeof(float) * (size_t) taps * outs);
  size_t *offset = malloc(sizeof(size_t) * (size_t) taps);
  if (pad == NULL || gt == NULL || acc == NULL || offset == NULL) {
    free(pad);
    free(gt);
    free(acc);
    free(offset);
    return -1;
  }
  memset(acc, 0, sizeof(float) * (size_t) taps * outs);
  tap_offsets(channels, kh, kw, plane, pw, offset);
  struct wo_geometry geo = {oh, ow, pw, outs, pad_stride, g_stride, offset};
  int vectors = outs / LANES;
  for (int s0 = 0; s0 < n; s0 += chunk) {
    int samples = n - s0 < chunk ? n - s0 : chunk;
    for (int s = 0; s < samples; s++) {
      place(x + (size_t) (s0 + s) * channels * h * w, channels, h, w, top, left, ph, pw,
          pad + s * pad_stride);
      const float *gs = g + (size_t) (s0 + s) * outs * positions;
      float *d = gt + s * g_stride;
      for (int o = 0; o < outs; o++) {
        for (size_t q = 0; q < positions; q++) {
          d[q * outs + o] = gs[(size_t) o * positions + q];
        }
      }
    }
    for (int v0 = 0; v0 < vectors; v0 += OV) {
      int v = vectors - v0 < OV ? vectors - v0 : OV;
      int per = OACC / v < OT ? OACC / v : OT; /* taps a tile */
      for (int t0 = 0; t0 < taps; t0 += per) {
        int t = taps - t0 < per ? taps - t0 : per;
        WO_TILES[t - 1][v - 1](&geo, pad, gt, samples, v0, t0, acc);
      }
    }
  }
  for (int o = 0; o < outs; o++) {
    for (int t = 0; t < taps; t++) {
      dw[(size_t) o * taps + t] = acc[(size_t) t * outs + o];
    }
  }
  free(offset);
  free(acc);
  free(gt);
  free(pad);
  return 0;
}

/*
 * The weight gradient dw[outs][channels][kh][kw] of n samples x[n][channels][h][w] (placed at
 * (top, left) in zeros) and g[n][outs][oh][ow], written whole. Returns 0, or -1 when memory for
 * the scratch ran out.
 */
int NAME(jg_correlate_weight)(int n, const float *x, int channels, int h, int w, int top,
    int left, const float *g, int outs, int oh, int ow, int kh, int kw, float *dw) {
  if (by_outputs(outs, ow, channels * kh * kw)) {
    return correlate_weight_by_outputs(n, x, channels, h, w, top, left, g, outs, oh, ow, kh, kw,
        dw);
  }
  int pw = ow + kw - 1;
  int ph = oh + kh - 1;
  size_t plane = (size_t) ph * pw;
  size_t run = ((size_t) oh * pw + 15) / 16 * 16;
  int taps = channels * kh * kw;
  /*
   * a run starting at the last tap may read up to kw - 1 + run - oh * pw past the sample; each
   * sample starts on a cache line, as g's rows do (run is a multiple of 16): a 64-byte load across
   * two lines costs two, and the rows' loads were all across (5-15% of the time)
   */
  size_t pad_stride = ((size_t) channels * plane + (size_t) kw + 16 + 15) / 16 * 16;
  size_t g_stride = (size_t) outs * run;
  /*
   * Samples run in groups whose padded copies fill about 384 KiB (L2), each tile's accumulators
   * loaded and stored once a group: they take 16 times dw's size, 2.4 MB for 64 x 64 3x3.
   */
  int group = (int) (WG_GROUP_BYTES / (sizeof(float) * (pad_stride + g_stride)));
  group = group < 1 ? 1 : group > n ? n : group;
  float *pad = aligned_alloc(64, sizeof(float) * pad_stride * group);
  float *gw = aligned_alloc(64, sizeof(float) * g_stride * group);
  size_t *offset = malloc(sizeof(size_t) * (size_t) taps);
  v16 *acc = aligned_alloc(64, sizeof(v16) * (size_t) outs * taps);
  if (pad == NULL || gw == NULL || offset == NULL || acc == NULL) {
    free(pad);
    free(gw);
    free(offset);
    free(acc);
    return -1;
  }
  memset(gw, 0, sizeof(float) * g_stride * group);
  for (int s = 0; s < group; s++) {
    float *tail = pad + s * pad_stride + (size_t) channels * plane;
    memset(tail, 0, sizeof(float) * (pad_stride - (size_t) channels * plane));
  }
  memset(acc, 0, sizeof(v16) * (size_t) outs * taps);
  tap_offsets(channels, kh, kw, plane, pw, offset);
  struct wg_geometry geo = {taps, run, offset, pad_stride, g_stride, group};
  for (int s0 = 0; s0 < n; s0 += group) {
    geo.samples = n - s0 < group ? n - s0 : group;
    for (int s = 0; s < geo.samples; s++) {
      place(x + (size_t) (s0 + s) * channels * h * w, channels, h, w, top, left, ph, pw,
          pad + s * pad_stride);
      const float *gs = g + (size_t) (s0 + s) * outs * oh * ow;
      for (int o = 0; o < outs; o++) {
        for (int y = 0; y < oh; y++) { /* the extra columns and the run's tail stay 0 */
          memcpy(gw + s * g_stride + o * run + (size_t) y * pw,
              gs + ((size_t) o * oh + y) * ow, sizeof(float) * (size_t) ow);
        }
      }
    }
    for (int o0 = 0; o0 < outs; o0 += WG_ROWS) {
      int r = outs - o0 < WG_ROWS ? outs - o0 : WG_ROWS;
      for (int t0 = 0; t0 < taps; t0 += WG_TAPS) {
        int t = taps - t0 < WG_TAPS ? taps - t0 : WG_TAPS;
        WG_TILES[r - 1][t - 1](&geo, gw, pad, o0, t0, acc);
      }
    }
  }
  for (size_t k = 0; k < (size_t) outs * taps; k++) {
    float lanes[16];
    store16(lanes, acc[k]);
    float sum = 0.0f;
    for (int l = 0; l < 16; l++) {
      sum += lanes[l];
    }
    dw[k] = sum;
  }
  free(acc);
  free(offset);
  free(gw);
  free(pad);
  return 0;
}

#else

int NAME(jg_correlate)(int n, const float *x, int channels, int h, int w, int top, int left,
    int outs, int oh, int ow, int kh, int kw, const float *weight, int flip, const float *bias,
    float *out) {
  return -2; /* no kernel in this build: jg_correlate_lanes is 0 */
}

int NAME(jg_correlate_weight)(int n, const float *x, int channels, int h, int w, int top,
    int left, const float *g, int outs, int oh, int ow, int kh, int kw, float *dw) {
  return -2;
}

#endif
