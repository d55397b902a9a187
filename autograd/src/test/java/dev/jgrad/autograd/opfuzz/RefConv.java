package dev.jgrad.autograd.opfuzz;

/**
 * Reference 2-D convolution (cross-correlation, NCHW) and pooling by direct loops. The three
 * convolution ops are the partial derivatives of one trilinear form
 * {@code T(x, w, g) = sum g[n,f,oy,ox] w[f,c,i,j] x[n,c,oy*sh-ph+i, ox*sw-pw+j]}: conv2d is its
 * derivative in g, the input gradient in x, the weight gradient in w; each is one loop nest here.
 */
final class RefConv {
  private RefConv() {}

  /** Sizes of a convolution or pooling: window, stride, padding and output. */
  record Geometry(int n, int c, int h, int w, int f, int kh, int kw, int sh, int sw, int ph,
      int pw) {
    int oh() {
      return (h + 2 * ph - kh) / sh + 1;
    }

    int ow() {
      return (w + 2 * pw - kw) / sw + 1;
    }

    int[] input() {
      return new int[] {n, c, h, w};
    }

    int[] weight() {
      return new int[] {f, c, kh, kw};
    }

    int[] output() {
      return new int[] {n, f, oh(), ow()};
    }

    /** Whether the window fits the padded input (else the op must refuse it). */
    boolean valid() {
      return kh <= h + 2 * ph && kw <= w + 2 * pw;
    }

    @Override
    public String toString() {
      return "kernel [" + kh + ", " + kw + "], stride [" + sh + ", " + sw + "], padding [" + ph
          + ", " + pw + "]";
    }
  }

  /** Which of the trilinear form's three partial derivatives a loop nest accumulates. */
  enum Partial { OUTPUT, INPUT, WEIGHT }

  /**
   * The partial derivative {@code which} of T, given the other two arrays (the one it is the
   * derivative in is ignored; pass null).
   */
  static Nd partial(Partial which, Nd x, Nd wt, Nd gy, Geometry g) {
    int oh = g.oh();
    int ow = g.ow();
    Nd out = Nd.zeros(switch (which) {
      case OUTPUT -> g.output();
      case INPUT -> g.input();
      case WEIGHT -> g.weight();
    });
    for (int s = 0; s < g.n(); s++) {
      for (int f = 0; f < g.f(); f++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int o = ((s * g.f() + f) * oh + oy) * ow + ox;
            for (int c = 0; c < g.c(); c++) {
              for (int i = 0; i < g.kh(); i++) {
                int y = oy * g.sh() - g.ph() + i;
                if (y < 0 || y >= g.h()) {
                  continue;
                }
                for (int j = 0; j < g.kw(); j++) {
                  int xx = ox * g.sw() - g.pw() + j;
                  if (xx < 0 || xx >= g.w()) {
                    continue;
                  }
                  int xi = ((s * g.c() + c) * g.h() + y) * g.w() + xx;
                  int wi = ((f * g.c() + c) * g.kh() + i) * g.kw() + j;
                  switch (which) {
                    case OUTPUT -> out.v[o] += wt.v[wi] * x.v[xi];
                    case INPUT -> out.v[xi] += gy.v[o] * wt.v[wi];
                    case WEIGHT -> out.v[wi] += gy.v[o] * x.v[xi];
                  }
                }
              }
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * For each output of a pooling, the flat input position of its window's first maximum in
   * row-major order (padding never wins).
   */
  static int[] firstMax(Nd x, Geometry g) {
    int oh = g.oh();
    int ow = g.ow();
    int[] at = new int[g.n() * g.c() * oh * ow];
    for (int p = 0; p < g.n() * g.c(); p++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int best = -1;
          for (int i = 0; i < g.kh(); i++) {
            for (int j = 0; j < g.kw(); j++) {
              int y = oy * g.sh() - g.ph() + i;
              int xx = ox * g.sw() - g.pw() + j;
              if (y < 0 || y >= g.h() || xx < 0 || xx >= g.w()) {
                continue;
              }
              int xi = (p * g.h() + y) * g.w() + xx;
              if (best < 0 || x.v[xi] > x.v[best]) {
                best = xi;
              }
            }
          }
          at[(p * oh + oy) * ow + ox] = best;
        }
      }
    }
    return at;
  }

  /**
   * For each output of a pooling, the flat input positions its window covers inside the input;
   * the mean divides by the whole window (padding counts as zeros).
   */
  static int[][] windows(Geometry g) {
    int oh = g.oh();
    int ow = g.ow();
    int[][] win = new int[g.n() * g.c() * oh * ow][];
    for (int p = 0; p < g.n() * g.c(); p++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int[] in = new int[g.kh() * g.kw()];
          int count = 0;
          for (int i = 0; i < g.kh(); i++) {
            for (int j = 0; j < g.kw(); j++) {
              int y = oy * g.sh() - g.ph() + i;
              int xx = ox * g.sw() - g.pw() + j;
              if (y >= 0 && y < g.h() && xx >= 0 && xx < g.w()) {
                in[count++] = (p * g.h() + y) * g.w() + xx;
              }
            }
          }
          win[(p * oh + oy) * ow + ox] = java.util.Arrays.copyOf(in, count);
        }
      }
    }
    return win;
  }
}
