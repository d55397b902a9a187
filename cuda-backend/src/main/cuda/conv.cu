// Convolution and pooling over NCHW tensors, one launch per op, one thread per output entry
// (grid-stride), each thread gathering what it needs: no atomics, so every result is summed in
// a fixed order and runs repeat bit for bit. The geometry (Conv2dGeometry in the api) comes as
// n, c, h, w, f, kh, kw, sh, sw, ph, pw, oh, ow; pooling has f = c.
//  - conv2d: out[s, fo, oy, ox] = bias[fo] + sum x[s, ch, oy*sh-ph+i, ox*sw-pw+j] w[fo, ch, i, j]
//  - conv2d_dx: dx[s, ch, y, x] = sum over the (fo, i, j) whose window covers (y, x) of
//    g[s, fo, oy, ox] w[fo, ch, i, j]
//  - conv2d_dw: dw[fo, ch, i, j] = sum over s, oy, ox of x[...] g[s, fo, oy, ox]
//  - max_pool / max_pool_dx: each window's first maximum (row-major), as the CPU kernels;
//    the gradient of an input entry adds g of every window whose first maximum it is
//  - avg_pool / avg_pool_dx: the window's sum / (kh * kw), padding counting as zeros
#include "common.cuh"

#define JG_GEOMETRY i64 n, i64 c, i64 h, i64 w, i64 f, i64 kh, i64 kw, i64 sh, i64 sw, \
    i64 ph, i64 pw, i64 oh, i64 ow
#define JG_GEOMETRY_ARGS n, c, h, w, f, kh, kw, sh, sw, ph, pw, oh, ow

template <typename T>
__device__ void conv2d(const T *x, const T *wt, const T *bias, T *out, JG_GEOMETRY) {
  JG_GRID_STRIDE(idx, n * f * oh * ow) {
    i64 ox = idx % ow;
    i64 oy = (idx / ow) % oh;
    i64 fo = (idx / (ow * oh)) % f;
    i64 s = idx / (ow * oh * f);
    T sum = bias != 0 ? bias[fo] : (T)0;
    for (i64 ch = 0; ch < c; ch++) {
      for (i64 i = 0; i < kh; i++) {
        i64 y = oy * sh - ph + i;
        if (y < 0 || y >= h) continue;
        for (i64 j = 0; j < kw; j++) {
          i64 xx = ox * sw - pw + j;
          if (xx < 0 || xx >= w) continue;
          sum += x[((s * c + ch) * h + y) * w + xx] * wt[((fo * c + ch) * kh + i) * kw + j];
        }
      }
    }
    out[idx] = sum;
  }
}

template <typename T>
__device__ void conv2d_dx(const T *g, const T *wt, T *dx, JG_GEOMETRY) {
  JG_GRID_STRIDE(idx, n * c * h * w) {
    i64 xx = idx % w;
    i64 y = (idx / w) % h;
    i64 ch = (idx / (w * h)) % c;
    i64 s = idx / (w * h * c);
    T sum = (T)0;
    for (i64 fo = 0; fo < f; fo++) {
      for (i64 i = 0; i < kh; i++) {
        i64 ty = y + ph - i;  // oy * sh
        if (ty < 0 || ty % sh != 0 || ty / sh >= oh) continue;
        for (i64 j = 0; j < kw; j++) {
          i64 tx = xx + pw - j;  // ox * sw
          if (tx < 0 || tx % sw != 0 || tx / sw >= ow) continue;
          sum += g[((s * f + fo) * oh + ty / sh) * ow + tx / sw]
              * wt[((fo * c + ch) * kh + i) * kw + j];
        }
      }
    }
    dx[idx] = sum;
  }
}

template <typename T>
__device__ void conv2d_dw(const T *x, const T *g, T *dw, JG_GEOMETRY) {
  JG_GRID_STRIDE(idx, f * c * kh * kw) {
    i64 j = idx % kw;
    i64 i = (idx / kw) % kh;
    i64 ch = (idx / (kw * kh)) % c;
    i64 fo = idx / (kw * kh * c);
    T sum = (T)0;
    for (i64 s = 0; s < n; s++) {
      for (i64 oy = 0; oy < oh; oy++) {
        i64 y = oy * sh - ph + i;
        if (y < 0 || y >= h) continue;
        for (i64 ox = 0; ox < ow; ox++) {
          i64 xx = ox * sw - pw + j;
          if (xx < 0 || xx >= w) continue;
          sum += x[((s * c + ch) * h + y) * w + xx] * g[((s * f + fo) * oh + oy) * ow + ox];
        }
      }
    }
    dw[idx] = sum;
  }
}

// The offset in plane p (of h * w) of window (oy, ox)'s first maximum, or -1 if it holds no
// input entry.
template <typename T>
__device__ i64 window_argmax(const T *plane, i64 oy, i64 ox, JG_GEOMETRY) {
  i64 best = -1;
  T max = (T)0;
  for (i64 i = 0; i < kh; i++) {
    i64 y = oy * sh - ph + i;
    if (y < 0 || y >= h) continue;
    for (i64 j = 0; j < kw; j++) {
      i64 xx = ox * sw - pw + j;
      if (xx < 0 || xx >= w) continue;
      T v = plane[y * w + xx];
      if (best < 0 || v > max) {
        max = v;
        best = y * w + xx;
      }
    }
  }
  return best;
}

template <typename T>
__device__ void max_pool(const T *x, T *out, JG_GEOMETRY) {
  JG_GRID_STRIDE(idx, n * c * oh * ow) {
    i64 ox = idx % ow;
    i64 oy = (idx / ow) % oh;
    i64 p = idx / (ow * oh);
    const T *plane = x + p * h * w;
    i64 best = window_argmax(plane, oy, ox, JG_GEOMETRY_ARGS);
    out[idx] = best < 0 ? (T)NAN : plane[best];
  }
}

// The output windows covering input row y: oy in [lo, hi] (empty when lo > hi).
__device__ void covering(i64 y, i64 pad, i64 k, i64 s, i64 outs, i64 *lo, i64 *hi) {
  i64 t = y + pad;  // oy * s + i = t with 0 <= i < k
  *lo = t - k + 1 <= 0 ? 0 : (t - k + 1 + s - 1) / s;
  *hi = t / s < outs - 1 ? t / s : outs - 1;
}

template <typename T>
__device__ void max_pool_dx(const T *x, const T *g, T *dx, JG_GEOMETRY) {
  JG_GRID_STRIDE(idx, n * c * h * w) {
    i64 xx = idx % w;
    i64 y = (idx / w) % h;
    i64 p = idx / (w * h);
    const T *plane = x + p * h * w;
    i64 ylo, yhi, xlo, xhi;
    covering(y, ph, kh, sh, oh, &ylo, &yhi);
    covering(xx, pw, kw, sw, ow, &xlo, &xhi);
    T sum = (T)0;
    for (i64 oy = ylo; oy <= yhi; oy++) {
      for (i64 ox = xlo; ox <= xhi; ox++) {
        if (window_argmax(plane, oy, ox, JG_GEOMETRY_ARGS) == y * w + xx) {
          sum += g[(p * oh + oy) * ow + ox];
        }
      }
    }
    dx[idx] = sum;
  }
}

template <typename T>
__device__ void avg_pool(const T *x, T *out, JG_GEOMETRY) {
  JG_GRID_STRIDE(idx, n * c * oh * ow) {
    i64 ox = idx % ow;
    i64 oy = (idx / ow) % oh;
    i64 p = idx / (ow * oh);
    const T *plane = x + p * h * w;
    T sum = (T)0;
    for (i64 i = 0; i < kh; i++) {
      i64 y = oy * sh - ph + i;
      if (y < 0 || y >= h) continue;
      for (i64 j = 0; j < kw; j++) {
        i64 xx = ox * sw - pw + j;
        if (xx < 0 || xx >= w) continue;
        sum += plane[y * w + xx];
      }
    }
    out[idx] = sum / (T)(kh * kw);
  }
}

template <typename T>
__device__ void avg_pool_dx(const T *g, T *dx, JG_GEOMETRY) {
  JG_GRID_STRIDE(idx, n * c * h * w) {
    i64 xx = idx % w;
    i64 y = (idx / w) % h;
    i64 p = idx / (w * h);
    i64 ylo, yhi, xlo, xhi;
    covering(y, ph, kh, sh, oh, &ylo, &yhi);
    covering(xx, pw, kw, sw, ow, &xlo, &xhi);
    T sum = (T)0;
    for (i64 oy = ylo; oy <= yhi; oy++) {
      for (i64 ox = xlo; ox <= xhi; ox++) {
        sum += g[(p * oh + oy) * ow + ox];
      }
    }
    dx[idx] = sum / (T)(kh * kw);
  }
}

extern "C" {
#define JG_CONV_ENTRIES(T, SUFFIX)                                                            \
  __global__ void jg_conv2d_##SUFFIX(const T *x, const T *wt, const T *bias, T *out,          \
                                     JG_GEOMETRY) {                                           \
    conv2d(x, wt, bias, out, JG_GEOMETRY_ARGS);                                               \
  }                                                                                           \
  __global__ void jg_conv2d_dx_##SUFFIX(const T *g, const T *wt, T *dx, JG_GEOMETRY) {        \
    conv2d_dx(g, wt, dx, JG_GEOMETRY_ARGS);                                                   \
  }                                                                                           \
  __global__ void jg_conv2d_dw_##SUFFIX(const T *x, const T *g, T *dw, JG_GEOMETRY) {         \
    conv2d_dw(x, g, dw, JG_GEOMETRY_ARGS);                                                    \
  }                                                                                           \
  __global__ void jg_max_pool_##SUFFIX(const T *x, T *out, JG_GEOMETRY) {                     \
    max_pool(x, out, JG_GEOMETRY_ARGS);                                                       \
  }                                                                                           \
  __global__ void jg_max_pool_dx_##SUFFIX(const T *x, const T *g, T *dx, JG_GEOMETRY) {       \
    max_pool_dx(x, g, dx, JG_GEOMETRY_ARGS);                                                  \
  }                                                                                           \
  __global__ void jg_avg_pool_##SUFFIX(const T *x, T *out, JG_GEOMETRY) {                     \
    avg_pool(x, out, JG_GEOMETRY_ARGS);                                                       \
  }                                                                                           \
  __global__ void jg_avg_pool_dx_##SUFFIX(const T *g, T *dx, JG_GEOMETRY) {                   \
    avg_pool_dx(g, dx, JG_GEOMETRY_ARGS);                                                     \
  }
JG_CONV_ENTRIES(float, f32)
JG_CONV_ENTRIES(double, f64)
}
