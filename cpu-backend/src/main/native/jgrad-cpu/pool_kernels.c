/*
 * Max pooling over 2x2 windows with stride 2 (every pooling layer of the book's CNNs) and its
 * gradient, LANES windows at a time. The Java loop spent about 25 cycles a window on the
 * gradient; here a window's four entries are split from two rows by even and odd lanes, compared
 * as integers and the gradient's four entries written back interleaved.
 *
 * The same results as PatchLoops.maxPool2x2Plane: a window's value is the largest entry, +0
 * above -0, or a NaN when it holds one; its gradient goes to the first entry in row-major order
 * equal to that value (the first NaN when it holds one), the other three get +0. The gradient
 * writes the whole input plane: a last odd row or column, in no window, gets zeros. Built for
 * AVX-512 and AVX2; the x86-64 build has no kernel (lanes 0) and the caller keeps Java's loop.
 */
#include <stddef.h>
#include <string.h>

#include "vectors.h"

#if defined(__AVX512F__)
#define LANES 16
typedef v16 vec;
typedef int vint __attribute__((vector_size(64)));
#define EVEN {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30}
#define ODD {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31}
#define LOW {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23}
#define HIGH {8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31}
#define load_first load_first16
#define store_first store_first16
/* The first count windows' codes (0 to 3), one byte each. */
static inline void store_codes(unsigned char *p, vint k, int count) {
  _mm_mask_storeu_epi8(p, (__mmask16) ((1u << count) - 1), _mm512_cvtepi32_epi8((__m512i) k));
}
static inline vint load_codes(const unsigned char *p, int count) {
  return (vint) _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8((__mmask16) ((1u << count) - 1), p));
}
#elif defined(__AVX2__)
#define LANES 8
typedef v8 vec;
typedef v8i vint;
#define EVEN {0, 2, 4, 6, 8, 10, 12, 14}
#define ODD {1, 3, 5, 7, 9, 11, 13, 15}
#define LOW {0, 8, 1, 9, 2, 10, 3, 11}
#define HIGH {4, 12, 5, 13, 6, 14, 7, 15}
#define load_first load_first8
#define store_first store_first8
static inline void store_codes(unsigned char *p, vint k, int count) {
  for (int l = 0; l < count; l++) {
    p[l] = (unsigned char) k[l];
  }
}
static inline vint load_codes(const unsigned char *p, int count) {
  vint k = {0};
  for (int l = 0; l < count; l++) {
    k[l] = p[l];
  }
  return k;
}
#else
#define LANES 0
#endif

/* Windows a vector holds in this build; 0 where there is no kernel. */
const int NAME(jg_pool_lanes) = LANES;

#if LANES > 0

#define NAN_BITS 0x7fc00000

/*
 * Float bits as integers ordered like the floats, -0 below +0 (negative floats' magnitudes
 * reversed); its own inverse.
 */
static inline vint ordered(vint bits) { return bits ^ ((bits >> 31) & 0x7fffffff); }

static inline vint is_nan(vint bits) { return (bits & 0x7fffffff) > 0x7f800000; }

static inline vint larger(vint a, vint b) {
  vint m = a > b;
  return (a & m) | (b & ~m);
}

/*
 * planes of x[h][w] pooled into out[h / 2][w / 2] (gy NULL), or the gradient gy[h / 2][w / 2]
 * of that pooling into dx[h][w] (out unused). codes, when not NULL, holds a byte per window,
 * [planes][h / 2][w / 2]: which entry won it (0 to 3, row-major). Pooling writes them; the
 * gradient reads them instead of x, which it then does not touch.
 */
int NAME(jg_max_pool2x2)(int planes, const float *x, int h, int w, float *out, const float *gy,
    float *dx, unsigned char *codes) {
  const vint even = EVEN, odd = ODD, low = LOW, high = HIGH;
  int oh = h / 2;
  int ow = w / 2;
  for (int p = 0; p < planes; p++) {
    const float *xp = x + (size_t) p * h * w;
    for (int oy = 0; oy < oh; oy++) {
      const float *top = xp + (size_t) 2 * oy * w;
      const float *bottom = top + w;
      size_t o = ((size_t) p * oh + oy) * ow;
      float *dtop = dx != NULL ? dx + (size_t) p * h * w + (size_t) 2 * oy * w : NULL;
      float *dbottom = dtop != NULL ? dtop + w : NULL;
      /* a row's windows LANES at a time, the last vector's partly: 14-window rows are common */
      for (int ox = 0; ox < ow; ox += LANES) {
        int count = ow - ox < LANES ? ow - ox : LANES;
        int first = 2 * count < LANES ? 2 * count : LANES; /* entries from 2 * ox */
        int second = 2 * count - first;                   /* and from 2 * ox + LANES */
        vint k; /* the winners */
        if (gy != NULL && codes != NULL) {
          k = load_codes(codes + o + ox, count);
        } else {
          vec t0 = load_first(top + 2 * ox, first);
          vec t1 = load_first(top + 2 * ox + LANES, second);
          vec b0 = load_first(bottom + 2 * ox, first);
          vec b1 = load_first(bottom + 2 * ox + LANES, second);
          vint x0 = (vint) __builtin_shuffle(t0, t1, even);
          vint x1 = (vint) __builtin_shuffle(t0, t1, odd);
          vint x2 = (vint) __builtin_shuffle(b0, b1, even);
          vint x3 = (vint) __builtin_shuffle(b0, b1, odd);
          vint s0 = ordered(x0), s1 = ordered(x1), s2 = ordered(x2), s3 = ordered(x3);
          vint m = larger(larger(s0, s1), larger(s2, s3));
          vint n0 = is_nan(x0), n1 = is_nan(x1), n2 = is_nan(x2), n3 = is_nan(x3);
          vint nan = n0 | n1 | n2 | n3;
          if (gy == NULL) {
            vint v = (ordered(m) & ~nan) | (nan & NAN_BITS);
            store_first(out + o + ox, (vec) v, count);
            if (codes == NULL) {
              continue;
            }
          }
          vint e0 = (nan & n0) | (~nan & (s0 == m));
          vint e1 = (nan & n1) | (~nan & (s1 == m));
          vint e2 = (nan & n2) | (~nan & (s2 == m));
          /* the first entry equal to the value: 3 when none of the first three is */
          k = (e1 & ~e0 & 1) | (e2 & ~(e0 | e1) & 2) | (~(e0 | e1 | e2) & 3);
          if (gy == NULL) {
            store_codes(codes + o + ox, k, count);
            continue;
          }
        }
        vint g = (vint) load_first(gy + o + ox, count);
        vint d0 = g & (k == 0);
        vint d1 = g & (k == 1);
        vint d2 = g & (k == 2);
        vint d3 = g & (k == 3);
        store_first(dtop + 2 * ox, (vec) __builtin_shuffle(d0, d1, low), first);
        store_first(dtop + 2 * ox + LANES, (vec) __builtin_shuffle(d0, d1, high), second);
        store_first(dbottom + 2 * ox, (vec) __builtin_shuffle(d2, d3, low), first);
        store_first(dbottom + 2 * ox + LANES, (vec) __builtin_shuffle(d2, d3, high), second);
      }
      if (dx != NULL && w > 2 * ow) { /* the last odd column is in no window */
        dtop[w - 1] = 0.0f;
        dbottom[w - 1] = 0.0f;
      }
    }
    if (dx != NULL && h > 2 * oh) { /* nor the last odd row */
      memset(dx + (size_t) p * h * w + (size_t) (h - 1) * w, 0, sizeof(float) * (size_t) w);
    }
  }
  return 0;
}

#else

int NAME(jg_max_pool2x2)(int planes, const float *x, int h, int w, float *out, const float *gy,
    float *dx, unsigned char *codes) {
  return -2; /* no kernel in this build: jg_pool_lanes is 0 */
}

#endif
