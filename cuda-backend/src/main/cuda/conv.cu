// Convolution (through im2col and cuBLAS) and pooling over NCHW tensors. The geometry
// (Conv2dGeometry in the api) comes as n, c, h, w, f, kh, kw, sh, sw, ph, pw, oh, ow; pooling
// has f = c. Every kernel is one thread per result entry (grid-stride) gathering what it needs:
// no atomics, so every result is summed in a fixed order and runs repeat bit for bit.
//  - convolution (ConvGemm.java runs these around cuBLAS, for a chunk of samples [s0, s0 + ns)):
//    im2col (x to cols [c*kh*kw, ns*oh*ow]), col2im (its adjoint, for the input gradient),
//    to_nchw (the GEMM's [f, ns*oh*ow] to NCHW, plus the bias), from_nchw (its inverse, for
//    the output gradient)
//  - max_pool / max_pool_dx: each window's first maximum (row-major; a NaN wins, as in
//    Math.max), as the CPU kernels;
//    the gradient of an input entry adds g of every window whose first maximum it is
//  - avg_pool / avg_pool_dx: the window's sum / (kh * kw), padding counting as zeros (where that
//    overflows, again in double, the gradient as shares, as the CPU kernels)
#include "common.cuh"

#define JG_GEOMETRY i64 n, i64 c, i64 h, i64 w, i64 f, i64 kh, i64 kw, i64 sh, i64 sw, \
    i64 ph, i64 pw, i64 oh, i64 ow
#define JG_GEOMETRY_ARGS n, c, h, w, f, kh, kw, sh, sw, ph, pw, oh, ow

// The output windows covering input row y: oy in [lo, hi] (empty when lo > hi).
__device__ void covering(i64 y, i64 pad, i64 k, i64 s, i64 outs, i64 *lo, i64 *hi) {
  i64 t = y + pad;  // oy * s + i = t with 0 <= i < k
  *lo = t - k + 1 <= 0 ? 0 : (t - k + 1 + s - 1) / s;
  *hi = t / s < outs - 1 ? t / s : outs - 1;
}

// cols [c * kh * kw, ns * oh * ow] of samples [s0, s0 + ns) of x: row (ch * kh + i) * kw + j,
// column (s * oh + oy) * ow + ox holds x[s0 + s, ch, oy * sh - ph + i, ox * sw - pw + j], or 0
// where that is padding. One thread per entry of cols; neighbouring threads write neighbours.
template <typename T>
__device__ void im2col(const T *x, T *cols, i64 s0, i64 ns, JG_GEOMETRY) {
  i64 width = ns * oh * ow;
  JG_GRID_STRIDE(idx, c * kh * kw * width) {
    i64 col = idx % width;
    i64 row = idx / width;
    i64 ox = col % ow;
    i64 oy = (col / ow) % oh;
    i64 s = col / (ow * oh);
    i64 j = row % kw;
    i64 i = (row / kw) % kh;
    i64 ch = row / (kw * kh);
    i64 y = oy * sh - ph + i;
    i64 xx = ox * sw - pw + j;
    cols[idx] = y >= 0 && y < h && xx >= 0 && xx < w
        ? x[(((s0 + s) * c + ch) * h + y) * w + xx] : (T)0;
  }
}

// The adjoint of im2col: dx[s0 + s, ch, y, xx] = the sum of the entries of cols [c * kh * kw,
// ns * oh * ow] that im2col read from (y, xx). One thread per INPUT entry gathering them in a
// fixed order (oy, then ox): no atomics, so runs repeat bit for bit.
template <typename T>
__device__ void col2im(const T *cols, T *dx, i64 s0, i64 ns, JG_GEOMETRY) {
  i64 width = ns * oh * ow;
  JG_GRID_STRIDE(idx, ns * c * h * w) {
    i64 xx = idx % w;
    i64 y = (idx / w) % h;
    i64 ch = (idx / (w * h)) % c;
    i64 s = idx / (w * h * c);
    i64 ylo, yhi, xlo, xhi;
    covering(y, ph, kh, sh, oh, &ylo, &yhi);
    covering(xx, pw, kw, sw, ow, &xlo, &xhi);
    T sum = (T)0;
    for (i64 oy = ylo; oy <= yhi; oy++) {
      i64 i = y + ph - oy * sh;
      for (i64 ox = xlo; ox <= xhi; ox++) {
        i64 j = xx + pw - ox * sw;
        sum += cols[((ch * kh + i) * kw + j) * width + (s * oh + oy) * ow + ox];
      }
    }
    dx[s0 * c * h * w + idx] = sum;
  }
}

// The GEMM's [f, ns * plane] into samples [s0, s0 + ns) of out [n, f, plane] (NCHW), plus
// bias[fo] when there is a bias. One thread per output entry.
template <typename T>
__device__ void to_nchw(const T *prod, const T *bias, T *out, i64 s0, i64 ns, i64 f, i64 plane) {
  JG_GRID_STRIDE(idx, ns * f * plane) {
    i64 p = idx % plane;
    i64 fo = (idx / plane) % f;
    i64 s = idx / (plane * f);
    T v = prod[(fo * ns + s) * plane + p];
    out[s0 * f * plane + idx] = bias != 0 ? v + bias[fo] : v;
  }
}

// Samples [s0, s0 + ns) of g [n, f, plane] (NCHW) as [f, ns * plane], the GEMMs' layout. One
// thread per entry of the result.
template <typename T>
__device__ void from_nchw(const T *g, T *perm, i64 s0, i64 ns, i64 f, i64 plane) {
  JG_GRID_STRIDE(idx, f * ns * plane) {
    i64 p = idx % plane;
    i64 s = (idx / plane) % ns;
    i64 fo = idx / (plane * ns);
    perm[idx] = g[((s0 + s) * f + fo) * plane + p];
  }
}

// Whether v, later in a window, replaces max as its maximum: in Math.max's order, as every CPU
// kernel picks (PatchLoops.wins): a larger value, +0 over -0, or a NaN over a number (the first
// NaN stays, so a window holding one pools to NaN, as in PyTorch; a plain '>' would hide it).
template <typename T>
__device__ bool pool_wins(T v, T max) {
  return v > max || (jg_isnan(v) && !jg_isnan(max))
      || (v == 0 && max == 0 && !signbit(v) && signbit(max));
}

// Calls at(offset) for the offset in the plane (of h * w) of each input entry of window
// (oy, ox), row-major; padding has none.
template <typename F>
__device__ __forceinline__ void each_in_window(i64 oy, i64 ox, JG_GEOMETRY, F at) {
  for (i64 i = 0; i < kh; i++) {
    i64 y = oy * sh - ph + i;
    if (y < 0 || y >= h) continue;
    for (i64 j = 0; j < kw; j++) {
      i64 xx = ox * sw - pw + j;
      if (xx < 0 || xx >= w) continue;
      at(y * w + xx);
    }
  }
}

// The offset in plane p (of h * w) of window (oy, ox)'s first maximum (its first NaN when it
// holds one), or -1 if it holds no input entry.
template <typename T>
__device__ i64 window_argmax(const T *plane, i64 oy, i64 ox, JG_GEOMETRY) {
  i64 best = -1;
  T max = (T)0;
  each_in_window(oy, ox, JG_GEOMETRY_ARGS, [&](i64 at) {
    T v = plane[at];
    if (best < 0 || pool_wins(v, max)) {
      max = v;
      best = at;
    }
  });
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

// The sum of window (oy, ox)'s input entries, added in A (padding adds nothing).
template <typename A, typename T>
__device__ A window_sum(const T *plane, i64 oy, i64 ox, JG_GEOMETRY) {
  A sum = (A)0;
  each_in_window(oy, ox, JG_GEOMETRY_ARGS, [&](i64 at) { sum += (A)plane[at]; });
  return sum;
}

template <typename T>
__device__ void avg_pool(const T *x, T *out, JG_GEOMETRY) {
  JG_GRID_STRIDE(idx, n * c * oh * ow) {
    i64 ox = idx % ow;
    i64 oy = (idx / ow) % oh;
    i64 p = idx / (ow * oh);
    const T *plane = x + p * h * w;
    T mean = window_sum<T>(plane, oy, ox, JG_GEOMETRY_ARGS) / (T)(kh * kw);
    // Not finite: the sum in double, as the CPU sums (PatchLoops.windowMean), so that large
    // values whose sum overflows T keep the CPU's finite mean. Finite means are untouched.
    if (!jg_isfinite(mean))
      mean = (T)(window_sum<double>(plane, oy, ox, JG_GEOMETRY_ARGS) / (double)(kh * kw));
    out[idx] = mean;
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
    T r = sum / (T)(kh * kw);
    if (!jg_isfinite(r)) {
      // Not finite: the CPU's way (CpuPoolKernels.avgPoolGrad), each window's share
      // g * (1 / (kh * kw)) in double added on its own and rounded to T, so that large
      // gradients whose sum overflows T keep the CPU's finite result.
      const double share = 1.0 / (double)(kh * kw);
      r = (T)0;
      for (i64 oy = ylo; oy <= yhi; oy++) {
        for (i64 ox = xlo; ox <= xhi; ox++) {
          r = (T)jg_add_rn((double)r, jg_mul_rn((double)g[(p * oh + oy) * ow + ox], share));
        }
      }
    }
    dx[idx] = r;
  }
}

extern "C" {
#define JG_CONV_ENTRIES(T, SUFFIX)                                                            \
  __global__ void jg_conv_im2col_##SUFFIX(const T *x, T *cols, i64 s0, i64 ns, JG_GEOMETRY) { \
    im2col(x, cols, s0, ns, JG_GEOMETRY_ARGS);                                                \
  }                                                                                           \
  __global__ void jg_conv_col2im_##SUFFIX(const T *cols, T *dx, i64 s0, i64 ns, JG_GEOMETRY) { \
    col2im(cols, dx, s0, ns, JG_GEOMETRY_ARGS);                                               \
  }                                                                                           \
  __global__ void jg_conv_to_nchw_##SUFFIX(const T *prod, const T *bias, T *out, i64 s0,      \
                                           i64 ns, i64 f, i64 plane) {                        \
    to_nchw(prod, bias, out, s0, ns, f, plane);                                               \
  }                                                                                           \
  __global__ void jg_conv_from_nchw_##SUFFIX(const T *g, T *perm, i64 s0, i64 ns, i64 f,      \
                                             i64 plane) {                                     \
    from_nchw(g, perm, s0, ns, f, plane);                                                     \
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
