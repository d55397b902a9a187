/*
 * The small FLOAT32 passes of a training step: bias plus ReLU, ReLU's gradient, the bias
 * gradients (sums down the rows; along them for a convolution's planes) and the SGD and Adam
 * updates; and the batch gather. Each computes exactly what the Java loop it replaces computes
 * (FloatKernels, FloatReductions), operation for operation in the same order, so the bits are
 * the same with or without the helper: this file is built with
 * -ffp-contract=off (no fused multiply-adds) and spells out Java's Math.max/Math.min, whose NaN
 * and signed-zero rules C's fmaxf does not share. Plain loops, vectorized by GCC for each build.
 *
 * Why native at all: the Java loops are interpreted and then compiled while a run's first epoch
 * trains (on two cores the compiler takes one of them), and the bias-plus-ReLU and column-sum
 * loops copy through scratch rows to get C2 to vectorize them. Compiled twice like
 * sparse_kernels.c.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "vectors.h"

/* Java's Math.max(v, 0f): NaN stays NaN, -0 becomes +0. */
static inline float relu(float v) {
  return v > 0.0f ? v : (v != v ? v : 0.0f);
}

/*
 * out[r, j] = x[r, j] + bias[j] for r in [0, rows), then relu when asked; x and out are [rows,
 * cols] (out may be x).
 */
void NAME(jg_bias_act)(int rows, int cols, const float *x, const float *bias, int with_relu,
    float *out) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t) r * cols;
    float *o = out + (size_t) r * cols;
    if (with_relu) {
      for (int j = 0; j < cols; j++) {
        o[j] = relu(xr[j] + bias[j]);
      }
    } else {
      for (int j = 0; j < cols; j++) {
        o[j] = xr[j] + bias[j];
      }
    }
  }
}

/*
 * relu's gradient, FloatKernels.reluGrad's values: g[i] where x[i] > 0; +0 where x[i] <= 0, even
 * for an infinite or negative g (PyTorch's threshold_backward; g * step(x) made inf * 0 = NaN and
 * -0 of a negative g); NaN where x[i] or g[i] is NaN. Selects only, no arithmetic: GCC turns them
 * into compares and blends, vectorized as the multiply was.
 */
void NAME(jg_relu_grad)(int n, const float *g, const float *x, float *out) {
  for (int i = 0; i < n; i++) {
    float gi = g[i];
    float xi = x[i];
    out[i] = xi > 0.0f ? gi : (xi != xi ? xi : (gi != gi ? gi : 0.0f));
  }
}

/*
 * out[j] = the sum over r of x[r, j], for j in [from, to), adding row after row from row 0 in
 * double and rounding once, as FloatReductions does (float sums of long columns drifted: 1e6
 * values 0.1f came to 100958); x is [rows, cols] (rows >= 1). Columns go in blocks whose double
 * sums fit on the stack; each column's additions are in the same order whatever the block.
 */
#define COLUMN_BLOCK 512
void NAME(jg_column_sums)(int rows, int cols, const float *x, int from, int to,
    float *out) {
  double acc[COLUMN_BLOCK];
  for (int lo = from; lo < to; lo += COLUMN_BLOCK) {
    int n = to - lo < COLUMN_BLOCK ? to - lo : COLUMN_BLOCK;
    for (int j = 0; j < n; j++) {
      acc[j] = x[lo + j];
    }
    for (int r = 1; r < rows; r++) {
      const float *xr = x + (size_t) r * cols + lo;
      for (int j = 0; j < n; j++) {
        acc[j] += xr[j];
      }
    }
    for (int j = 0; j < n; j++) {
      out[lo + j] = (float) acc[j];
    }
  }
}

typedef double v4d __attribute__((vector_size(32)));

/*
 * The sums of R rows of x (each len long, rows apart by len) as FloatReductions sums one row:
 * four double partial sums, s_k over the entries at k mod 4 in order, the last len % 4 entries
 * into s_0, then (float) ((s_0 + s_1) + (s_2 + s_3)). A row's four sums are one vector.
 */
static inline __attribute__((always_inline)) void row_sums(const int R, int len,
    const float *x, float *out) {
  v4d s[8];
  for (int k = 0; k < R; k++) {
    s[k] = (v4d) {0.0, 0.0, 0.0, 0.0};
  }
  int i = 0;
  for (; i + 3 < len; i += 4) {
    for (int k = 0; k < R; k++) {
      s[k] += __builtin_convertvector(load4(x + (size_t) k * len + i), v4d);
    }
  }
  for (int k = 0; k < R; k++) {
    double s0 = s[k][0];
    for (int j = i; j < len; j++) {
      s0 += x[(size_t) k * len + j];
    }
    out[k] = (float) ((s0 + s[k][1]) + (s[k][2] + s[k][3]));
  }
}

/*
 * out[r] = the sum of row r of x[rows, len] (len >= 0), bit for bit FloatReductions' row sum (a
 * conv bias gradient's planes). Eight rows at a time: one row's additions form a chain that waits
 * out the adder's latency each step, eight rows' chains overlap (about 4x the Java loop's speed).
 */
void NAME(jg_row_sums)(int rows, int len, const float *x, float *out) {
  int r = 0;
  for (; r + 8 <= rows; r += 8) {
    row_sums(8, len, x + (size_t) r * len, out + r);
  }
  for (; r < rows; r++) {
    row_sums(1, len, x + (size_t) r * len, out + r);
  }
}

/*
 * SGD on [from, to): without v, p -= lr * (g + wd * p); with v, v = m * v + g + wd * p, then
 * p -= lr * v (FloatKernels.sgdUpdate).
 */
void NAME(jg_sgd)(int from, int to, float *p, const float *g, float *v, float lr, float m,
    float wd) {
  if (v == NULL) {
    for (int i = from; i < to; i++) {
      p[i] -= lr * (g[i] + wd * p[i]);
    }
  } else {
    for (int i = from; i < to; i++) {
      v[i] = m * v[i] + g[i] + wd * p[i];
      p[i] -= lr * v[i];
    }
  }
}

/*
 * jg_sgd on rows x cols of p (and v, unless NULL) with row stride ldp, the gradient g with row
 * stride ldg: the SGD fused into a product (gemm_kernels.c) calls it on each output tile, so
 * every element gets jg_sgd's operations, in its order, and so its bits.
 */
void NAME(jg_sgd_rows)(int rows, int cols, float *p, int ldp, const float *g, int ldg, float *v,
    float lr, float m, float wd) {
  for (int r = 0; r < rows; r++) {
    NAME(jg_sgd)(0, cols, p + (size_t) r * ldp, g + (size_t) r * ldg,
        v == NULL ? NULL : v + (size_t) r * ldp, lr, m, wd);
  }
}

/*
 * Adam on [from, to) as FloatKernels.adamUpdate: m += (g - m) * c1, v += (g * g - v) * c2,
 * p += (m / (sqrt(v) + eps)) * step. sqrtf is Java's (float) Math.sqrt of the float: a double
 * square root rounded to float is the correctly rounded float square root.
 */
void NAME(jg_adam)(int from, int to, float *p, const float *g, float *m, float *v, float c1,
    float c2, float eps, float step) {
  for (int i = from; i < to; i++) {
    float gi = g[i];
    float mi = m[i] + (gi - m[i]) * c1;
    float vi = v[i] + (gi * gi - v[i]) * c2;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] + (mi / (sqrtf(vi) + eps)) * step;
  }
}

/* Rows gathered ahead of the one being copied: their page walks and first lines overlap it. */
#define GATHER_AHEAD 2

/*
 * out[o, i, :] = src[o, idx[i], :] for o < outer, i < n, rows of `inner` elements of
 * `elem_bytes` bytes each (floats, or the bytes of UINT8 pixels; the indices already checked
 * against axis). A plain copy, with the rows GATHER_AHEAD ahead prefetched:
 * a batch's rows lie anywhere in a dataset far larger than the caches and the TLB (Fashion-MNIST's
 * 188 MB), and copying them one after another waited for each row's page walk and first lines
 * (100 rows of 784 floats: 48-52 us, 31-35 with the prefetches, in a C harness here).
 */
void NAME(jg_gather_rows)(int outer, int axis, int inner, int elem_bytes, const int *idx, int n,
    const void *src, void *out) {
  size_t row_bytes = (size_t) inner * elem_bytes;
  for (int o = 0; o < outer; o++) {
    const char *base = (const char *) src + (size_t) o * axis * row_bytes;
    char *dst = (char *) out + (size_t) o * n * row_bytes;
    for (int i = 0; i < n; i++) {
      if (i + GATHER_AHEAD < n) {
        const char *ahead = base + (size_t) idx[i + GATHER_AHEAD] * row_bytes;
        for (size_t b = 0; b < row_bytes; b += 64) {
          __builtin_prefetch(ahead + b, 0, 0);
        }
      }
      memcpy(dst + (size_t) i * row_bytes, base + (size_t) idx[i] * row_bytes, row_bytes);
    }
  }
}

/*
 * out[i] = a[i] / s for i < n (out may be a): a true IEEE division, as Java's, in the step's
 * first epochs too (a batch of pixels divided by 255 every step; the Java loop ran 5x slower
 * until C2 compiled it).
 */
void NAME(jg_div_scalar)(const float *a, float s, float *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    out[i] = a[i] / s;
  }
}

/*
 * dst[i] = src[i] read as unsigned, for i < n: a batch of UINT8 pixels to FLOAT32 (exact). Java
 * does not vectorize this loop (JDK 17: 38 us for 78,400 pixels, 100 images of 784).
 */
void NAME(jg_u8_to_f32)(const unsigned char *src, float *dst, size_t n) {
  for (size_t i = 0; i < n; i++) {
    dst[i] = (float) src[i];
  }
}
