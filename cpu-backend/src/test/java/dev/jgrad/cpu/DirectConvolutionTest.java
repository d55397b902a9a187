package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native direct correlation ({@link NativeCpu#correlate}, conv2d and its input gradient) bit
 * for bit against its definition as a {@link Math#fma} chain, and its weight gradient
 * ({@link NativeCpu#correlateWeight}) against sums in double, in each build with the kernel
 * (AVX-512, AVX2; a build this CPU lacks is reported skipped; both register tiles, the filter
 * tile's and the row tile's), over random geometries: 1 to 40
 * channels and outputs (vector tails), windows 1x1 to 5x5, padding 0 to past the window (the
 * input gradient's then crops), widths 1 to 31 (every tile width), offsets into larger arrays;
 * and the weight gradient's by-outputs kernel on 64 to 128 outputs over planes up to 12x12 and
 * on 32 and 48 outputs over planes up to 16x16.
 */
@ExtendWith(NativeKernelVariants.class)
class DirectConvolutionTest {
  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2"})
  void correlationIsItsFusedMultiplyAddChainBitForBit(String variant) {
    NativeKernelVariants.use(variant);
    assertTrue(NativeCpu.hasCorrelate(), variant);
    Random r = new Random(17);
    int lanes = variant.equals("avx512") ? 16 : 8;
    int[] tiles = new int[2]; // calls that took the filter tile, the row tile
    for (int trial = 0; trial < 150; trial++) {
      Case c = Case.random(r, trial);
      for (boolean flip : new boolean[] {false, true}) {
        // conv_kernels.c's prefers_rows
        tiles[c.outW(flip) >= lanes * 3 / 4 && c.outs(flip) <= lanes ? 1 : 0]++;
        float[] out = new float[c.outOff + c.n * c.outs(flip) * c.outPlane(flip)];
        Arrays.fill(out, Float.NaN);
        float[] want = out.clone();
        float[] in = flip ? c.g : c.x;
        int inOff = flip ? c.gOff : c.xOff;
        float[] bias = flip ? null : c.bias;
        NativeCpu.check(NativeCpu.correlate(c.n, in, inOff, c.ins(flip), c.inH(flip),
            c.inW(flip), c.top(flip), c.left(flip), c.outs(flip), c.outH(flip), c.outW(flip),
            c.kh, c.kw, c.w, flip, bias, out, c.outOff), "correlate");
        c.correlate(flip, want);
        assertArrayEquals(want, out, variant + " flip " + flip + " " + c);
      }
    }
    assertTrue(tiles[0] >= 40 && tiles[1] >= 40, "both register tiles tested: "
        + Arrays.toString(tiles));
  }

  /**
   * Both weight-gradient kernels: the runs along the plane (most geometries) and, for 32 or more
   * outputs in whole vectors on narrow rows (conv_kernels.c's by_outputs), vectors along the
   * outputs.
   */
  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2"})
  void weightGradientMatchesSumsInDouble(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(19);
    for (int trial = 0; trial < 200; trial++) {
      Case c = trial < 150 ? Case.random(r, trial) : Case.manyOutputsOnSmallPlanes(r, trial);
      float[] dw = new float[c.f * c.c * c.kh * c.kw];
      Arrays.fill(dw, Float.NaN);
      NativeCpu.check(NativeCpu.correlateWeight(c.n, c.x, c.xOff, c.c, c.h, c.wd, c.ph, c.pw,
          c.g, c.gOff, c.f, c.oh, c.ow, c.kh, c.kw, dw), "correlateWeight");
      double[] want = c.weightGradient();
      for (int k = 0; k < dw.length; k++) {
        double scale = Math.sqrt(c.n * c.oh * c.ow) + Math.abs(want[k]);
        assertEquals(want[k], dw[k], 2e-6 * scale, variant + " dw[" + k + "] " + c);
      }
    }
  }

  @Test
  void theAvx512AndAvx2BuildsAgreeBitForBit() {
    List<float[]> results = new ArrayList<>();
    for (String variant : new String[] {"avx512", "avx2"}) {
      NativeKernelVariants.use(variant);
      Random r = new Random(23);
      List<Float> all = new ArrayList<>();
      for (int trial = 0; trial < 60; trial++) {
        Case c = trial < 40 ? Case.random(r, trial) : Case.manyOutputsOnSmallPlanes(r, trial);
        float[] dw = new float[c.f * c.c * c.kh * c.kw];
        NativeCpu.check(NativeCpu.correlateWeight(c.n, c.x, c.xOff, c.c, c.h, c.wd, c.ph, c.pw,
            c.g, c.gOff, c.f, c.oh, c.ow, c.kh, c.kw, dw), "correlateWeight");
        for (float v : dw) {
          all.add(v);
        }
      }
      float[] flat = new float[all.size()];
      for (int i = 0; i < flat.length; i++) {
        flat[i] = all.get(i);
      }
      results.add(flat);
    }
    assertArrayEquals(results.get(0), results.get(1));
  }

  @Test
  void thePlainX8664BuildHasNoKernelSoConvolutionsTakeIm2col() {
    NativeKernelVariants.use("x86-64");
    assertFalse(NativeCpu.hasCorrelate());
    assertEquals(1, NativeCpu.correlate(1, new float[1], 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1,
        new float[1], false, null, new float[1], 0), "NOT_BOUND");
  }

  /** One random stride-1 convolution: x, weight, bias and output gradient, at offsets. */
  private record Case(int n, int c, int h, int wd, int f, int kh, int kw, int ph, int pw, int oh,
      int ow, float[] x, int xOff, float[] w, float[] bias, float[] g, int gOff, int outOff) {
    static Case random(Random r, int trial) {
      int kh = 1 + r.nextInt(5);
      int kw = 1 + r.nextInt(5);
      int ph = r.nextInt(kh + 2);
      int pw = r.nextInt(kw + 2);
      int h = Math.max(1, kh - 2 * ph) + r.nextInt(trial % 3 == 0 ? 30 : 8);
      int wd = Math.max(1, kw - 2 * pw) + r.nextInt(trial % 3 == 0 ? 30 : 8);
      int c = 1 + r.nextInt(trial % 2 == 0 ? 40 : 6);
      int f = 1 + r.nextInt(trial % 4 < 2 ? 40 : 20);
      int n = 1 + r.nextInt(3);
      int oh = h + 2 * ph - kh + 1;
      int ow = wd + 2 * pw - kw + 1;
      int xOff = r.nextInt(5);
      int gOff = r.nextInt(5);
      return new Case(n, c, h, wd, f, kh, kw, ph, pw, oh, ow,
          values(r, xOff + n * c * h * wd), xOff, values(r, f * c * kh * kw), values(r, f),
          values(r, gOff + n * f * oh * ow), gOff, r.nextInt(5));
    }

    /**
     * A geometry whose weight gradient goes by outputs (conv_kernels.c's by_outputs): 64 to 128
     * outputs in steps of 16 on output rows of 1 to 12, or (every third trial) 32 or 48 outputs
     * on rows up to 16 with 64 taps or more; both builds' whole vectors, tails of their tiles, up
     * to 3 samples.
     */
    static Case manyOutputsOnSmallPlanes(Random r, int trial) {
      int kh = 1 + r.nextInt(5);
      int kw = 1 + r.nextInt(5);
      int ph = r.nextInt(kh);
      int pw = r.nextInt(kw);
      boolean fewOutputs = trial % 3 == 0;
      int oh = 1 + r.nextInt(fewOutputs ? 16 : 12);
      int ow = 1 + r.nextInt(fewOutputs ? 16 : 12);
      int h = oh + kh - 1 - 2 * ph;
      int wd = ow + kw - 1 - 2 * pw;
      if (h < 1 || wd < 1) {
        ph = 0;
        pw = 0;
        h = oh + kh - 1;
        wd = ow + kw - 1;
      }
      int c = fewOutputs ? (64 + kh * kw - 1) / (kh * kw) + r.nextInt(8)
          : 1 + r.nextInt(trial % 2 == 0 ? 40 : 6);
      int f = fewOutputs ? 32 + 16 * r.nextInt(2) : 64 + 16 * r.nextInt(5);
      int n = 1 + r.nextInt(3);
      int xOff = r.nextInt(5);
      int gOff = r.nextInt(5);
      return new Case(n, c, h, wd, f, kh, kw, ph, pw, oh, ow,
          values(r, xOff + n * c * h * wd), xOff, values(r, f * c * kh * kw), values(r, f),
          values(r, gOff + n * f * oh * ow), gOff, r.nextInt(5));
    }

    static float[] values(Random r, int size) {
      float[] a = new float[size];
      for (int i = 0; i < size; i++) {
        a[i] = r.nextInt(4) == 0 ? 0f : (float) r.nextGaussian();
      }
      return a;
    }

    // conv2d reads x [c, h, w] into [f, oh, ow]; its input gradient g [f, oh, ow] into [c, h, w]
    int ins(boolean flip) {
      return flip ? f : c;
    }

    int outs(boolean flip) {
      return flip ? c : f;
    }

    int inH(boolean flip) {
      return flip ? oh : h;
    }

    int inW(boolean flip) {
      return flip ? ow : wd;
    }

    int outH(boolean flip) {
      return flip ? h : oh;
    }

    int outW(boolean flip) {
      return flip ? wd : ow;
    }

    int outPlane(boolean flip) {
      return outH(flip) * outW(flip);
    }

    int top(boolean flip) {
      return flip ? kh - 1 - ph : ph;
    }

    int left(boolean flip) {
      return flip ? kw - 1 - pw : pw;
    }

    /** The definition: per output a Math.fma chain from 0 over (channel, i, j), then the bias. */
    void correlate(boolean flip, float[] out) {
      float[] in = flip ? g : x;
      int inOff = flip ? gOff : xOff;
      int ins = ins(flip);
      int inH = inH(flip);
      int inW = inW(flip);
      for (int s = 0; s < n; s++) {
        for (int o = 0; o < outs(flip); o++) {
          for (int y = 0; y < outH(flip); y++) {
            for (int xx = 0; xx < outW(flip); xx++) {
              float acc = 0f;
              for (int ch = 0; ch < ins; ch++) {
                for (int i = 0; i < kh; i++) {
                  for (int j = 0; j < kw; j++) {
                    int iy = y + i - top(flip);
                    int ix = xx + j - left(flip);
                    float v = iy >= 0 && iy < inH && ix >= 0 && ix < inW
                        ? in[inOff + ((s * ins + ch) * inH + iy) * inW + ix] : 0f;
                    float tap = flip ? w[((ch * c + o) * kh + kh - 1 - i) * kw + kw - 1 - j]
                        : w[((o * c + ch) * kh + i) * kw + j];
                    acc = Math.fma(tap, v, acc);
                  }
                }
              }
              out[outOff + ((s * outs(flip) + o) * outH(flip) + y) * outW(flip) + xx] =
                  flip ? acc : acc + bias[o];
            }
          }
        }
      }
    }

    /** dw[o][ch][i][j] = sum of g[s][o][y][x] * x[s][ch][y + i - ph][x + j - pw], in double. */
    double[] weightGradient() {
      double[] dw = new double[f * c * kh * kw];
      for (int s = 0; s < n; s++) {
        for (int o = 0; o < f; o++) {
          for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < kh; i++) {
              for (int j = 0; j < kw; j++) {
                double sum = 0;
                for (int y = 0; y < oh; y++) {
                  for (int xx = 0; xx < ow; xx++) {
                    int iy = y + i - ph;
                    int ix = xx + j - pw;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                      sum += (double) g[gOff + ((s * f + o) * oh + y) * ow + xx]
                          * x[xOff + ((s * c + ch) * h + iy) * wd + ix];
                    }
                  }
                }
                dw[((o * c + ch) * kh + i) * kw + j] += sum;
              }
            }
          }
        }
      }
      return dw;
    }

    @Override
    public String toString() {
      return "n" + n + " x[" + c + "," + h + "," + wd + "] w[" + f + "," + c + "," + kh + ","
          + kw + "] pad " + ph + "," + pw;
    }
  }
}
