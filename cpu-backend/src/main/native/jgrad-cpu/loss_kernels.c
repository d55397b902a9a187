/*
 * Softmax cross-entropy with integer labels over float logits [n, k]: the loss and its gradient,
 * with exp evaluated 8 lanes at a time (the Java kernel calls Math.exp once per element, twice a
 * step, about 4% of an MNIST training step). Compiled twice like sparse_kernels.c.
 *
 * Logits whose row maximum is not finite (a NaN, or infinities) are left to the caller: these
 * functions then return that row's index, and CpuLossKernels evaluates the whole call with its
 * Java code, so that such rows give NaN exactly as before.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "vectors.h"


/* Below this, expf underflows to zero (and 2^n below leaves the normal range). */
#define EXP_LOWEST -87.33654f

/*
 * exp(x) for x <= 0, lanewise: x = n ln2 + r with |r| <= ln2 / 2, exp(r) by the minimax
 * polynomial of Cephes' expf (about 1 ulp), times 2^n built in the exponent bits. Lanes below
 * EXP_LOWEST give 0.
 */
static inline v8 exp8(v8 x) {
  const v8 magic = splat8(12582912.0f); /* 1.5 * 2^23: adding it rounds to an integer */
  v8i underflow = x < splat8(EXP_LOWEST);
  x = (v8) ((underflow & (v8i) splat8(EXP_LOWEST)) | (~underflow & (v8i) x));
  v8 t = x * splat8(1.44269504088896341f) + magic;
  v8 n = t - magic;
  v8 r = x - n * splat8(0.693359375f) - n * splat8(-2.12194440e-4f);
  v8 p = splat8(1.9875691500e-4f);
  p = p * r + splat8(1.3981999507e-3f);
  p = p * r + splat8(8.3334519073e-3f);
  p = p * r + splat8(4.1665795894e-2f);
  p = p * r + splat8(1.6666665459e-1f);
  p = p * r + splat8(5.0000001201e-1f);
  v8 y = p * r * r + r + splat8(1.0f);
  /* the low bits of t hold n: its two's complement plus the bias, shifted into the exponent */
  v8i scale = (((v8i) t - (v8i) magic) + 127) << 23;
  y = y * (v8) scale;
  return (v8) (~underflow & (v8i) y);
}

/* The row's maximum; not finite when the row holds a NaN or an infinity. */
static inline float row_max(const float *x, int k) {
  float m = x[0];
  int nan = 0;
  for (int j = 0; j < k; j++) {
    m = x[j] > m ? x[j] : m;
    nan |= x[j] != x[j];
  }
  return nan ? NAN : m;
}

/*
 * e[r, j] = exp(x[r, j] - max of row r) over the whole [n, k] block. Returns -1, or the first
 * row whose maximum is not finite (e is then unfinished). The shifted logits are written first
 * and exponentiated 8 at a time across row boundaries: with few classes (10 for MNIST) a row is
 * not a whole vector.
 */
static int shifted_exp(int n, int k, const float *x, float *e) {
  for (int r = 0; r < n; r++) {
    const float *row = x + (size_t) r * k;
    float max = row_max(row, k);
    if (!isfinite(max)) {
      return r;
    }
    float *out = e + (size_t) r * k;
    for (int j = 0; j < k; j++) {
      out[j] = row[j] - max;
    }
  }
  size_t total = (size_t) n * k;
  size_t i = 0;
  for (; i + 8 <= total; i += 8) {
    store8(e + i, exp8(load8(e + i)));
  }
  if (i < total) {
    float last[8];
    for (size_t c = 0; c < 8; c++) {
      last[c] = i + c < total ? e[i + c] : 0.0f;
    }
    v8 v = exp8(load8(last));
    for (size_t c = 0; i + c < total; c++) {
      e[i + c] = v[c];
    }
  }
  return -1;
}

static inline double row_sum(const float *e, int k) {
  double sum = 0;
  for (int j = 0; j < k; j++) {
    sum += e[j];
  }
  return sum;
}

/*
 * The sum over rows of logsumexp(x[r]) - x[r, label[r]] into *total; returns -1, or the first
 * row whose maximum is not finite (*total is then not written). e: scratch of n * k floats.
 */
int NAME(jg_sce_labels_loss)(int n, int k, const float *x, const int *labels, float *e,
    double *total) {
  int bad = shifted_exp(n, k, x, e);
  if (bad >= 0) {
    return bad;
  }
  double s = 0;
  for (int r = 0; r < n; r++) {
    const float *row = x + (size_t) r * k;
    s += log(row_sum(e + (size_t) r * k, k)) + row_max(row, k) - row[labels[r]];
  }
  *total = s;
  return -1;
}

/*
 * out[r, :] = (softmax(x[r]) - onehot(label[r])) * scale for every row; returns -1, or the first
 * row whose maximum is not finite (out is then unfinished).
 */
int NAME(jg_sce_labels_grad)(int n, int k, const float *x, const int *labels, float scale,
    float *out) {
  int bad = shifted_exp(n, k, x, out);
  if (bad >= 0) {
    return bad;
  }
  for (int r = 0; r < n; r++) {
    float *o = out + (size_t) r * k;
    float rowScale = (float) (scale / row_sum(o, k));
    for (int j = 0; j < k; j++) {
      o[j] *= rowScale;
    }
    o[labels[r]] -= scale;
  }
  return -1;
}
