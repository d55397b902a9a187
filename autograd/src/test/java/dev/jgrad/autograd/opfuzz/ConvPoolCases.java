package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.autograd.ops.ConvOps;
import dev.jgrad.autograd.ops.PoolOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Convolutions (conv2d with and without bias, and its input and weight gradients as ops of their
 * own, whose gradients are second derivatives) and pooling (max and average, and their gradient
 * ops), with random windows, strides and paddings (a convolution's padding up to past its
 * window), batch sizes that split over the threads, and the CPU's direct kernels: FLOAT32 stride
 * 1 with 8 or more filters and 64 or more terms a sum (direct correlation), 2x2 stride-2 max
 * pooling (the native kernel and its kept winners).
 */
final class ConvPoolCases {
  private ConvPoolCases() {}

  private static RefConv.Geometry convGeometry(Random r, DType dtype) {
    while (true) {
      RefConv.Geometry g;
      if (r.nextInt(3) == 0) { // the direct kernels' sizes: stride 1, >= 8 outputs, >= 64 terms
        int k = 2 + r.nextInt(3);
        g = new RefConv.Geometry(1 + r.nextInt(4), 8 + r.nextInt(5), 4 + r.nextInt(9),
            4 + r.nextInt(9), 8 + r.nextInt(6), k, k + r.nextInt(2) - (k > 2 ? r.nextInt(2) : 0),
            1, 1, r.nextInt(k + 1), r.nextInt(k + 1));
      } else if (r.nextInt(6) == 0) { // 32 to 64 filters on narrow planes: the native weight
        // gradient by outputs (filters a multiple of 16), and several filter tiles
        int k = 2 + r.nextInt(2);
        g = new RefConv.Geometry(1 + r.nextInt(3), 4 + r.nextInt(5), 4 + r.nextInt(9),
            4 + r.nextInt(9), 16 * (2 + r.nextInt(3)), k, k, 1, 1, r.nextInt(k), r.nextInt(k));
      } else if (r.nextInt(5) == 0) { // a large plane: one sample per im2col block
        int k = 3 + r.nextInt(3);
        g = new RefConv.Geometry(1 + r.nextInt(3), 1 + r.nextInt(2), 26 + r.nextInt(8),
            26 + r.nextInt(8), 2 + r.nextInt(6), k, k, 1 + r.nextInt(2), 1 + r.nextInt(2),
            r.nextInt(3), r.nextInt(3));
      } else {
        int kh = 1 + r.nextInt(5);
        int kw = 1 + r.nextInt(5);
        g = new RefConv.Geometry(1 + r.nextInt(4), 1 + r.nextInt(5), 1 + r.nextInt(12),
            1 + r.nextInt(12), 1 + r.nextInt(6), kh, kw, 1 + r.nextInt(3), 1 + r.nextInt(3),
            r.nextInt(kh + 2), r.nextInt(kw + 2)); // padding up to past the window
      }
      if (g.valid()) {
        return g;
      }
    }
  }

  private enum Conv { CONV2D, INPUT_GRAD, WEIGHT_GRAD }

  static FuzzCase conv(Random r, DType dtype) {
    Conv op = Conv.values()[r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 0];
    RefConv.Geometry g = convGeometry(r, dtype);
    int[] stride = {g.sh(), g.sw()};
    int[] padding = {g.ph(), g.pw()};
    Dist dx = Dist.any(r, Dist.NORMAL, Dist.RELU, Dist.SMALL_INT);
    boolean bias = op == Conv.CONV2D && r.nextBoolean();
    List<InputSpec> specs = new ArrayList<>();
    switch (op) {
      case CONV2D -> {
        specs.add(InputSpec.data("x", dx, g.input()));
        specs.add(InputSpec.data("w", Dist.NORMAL, g.weight()));
        if (bias) {
          specs.add(InputSpec.data("bias", Dist.NORMAL, g.f()));
        }
      }
      case INPUT_GRAD -> {
        specs.add(InputSpec.data("g", Dist.NORMAL, g.output()));
        specs.add(InputSpec.data("w", Dist.NORMAL, g.weight()));
      }
      case WEIGHT_GRAD -> {
        specs.add(InputSpec.data("x", dx, g.input()));
        specs.add(InputSpec.data("g", Dist.NORMAL, g.output()));
      }
    }
    String describe = switch (op) {
      case CONV2D -> "conv2d" + (bias ? " with bias" : "");
      case INPUT_GRAD -> "conv2d input gradient";
      case WEIGHT_GRAD -> "conv2d weight gradient";
    } + ", " + g;
    return new FuzzCase(describe, specs, in -> switch (op) {
      case CONV2D -> ConvOps.conv2d(in.get(0), in.get(1), bias ? in.get(2) : null, stride,
          padding);
      case INPUT_GRAD -> ConvOps.inputGrad(in.get(0), in.get(1), stride, padding,
          new int[] {g.h(), g.w()});
      case WEIGHT_GRAD -> ConvOps.weightGrad(in.get(0), in.get(1), stride, padding,
          new int[] {g.kh(), g.kw()});
    }, in -> convReference(op, g, in, bias));
  }

  private static Expect convReference(Conv op, RefConv.Geometry g, List<Nd> in, boolean bias) {
    // the arrays in the trilinear form's order x, w, g, with the one the op computes null
    Nd x = op == Conv.INPUT_GRAD ? null : in.get(0);
    Nd w = op == Conv.WEIGHT_GRAD ? null : in.get(1);
    Nd gy = op == Conv.CONV2D ? null : in.get(op == Conv.INPUT_GRAD ? 0 : 1);
    RefConv.Partial which = switch (op) {
      case CONV2D -> RefConv.Partial.OUTPUT;
      case INPUT_GRAD -> RefConv.Partial.INPUT;
      case WEIGHT_GRAD -> RefConv.Partial.WEIGHT;
    };
    Nd value = RefConv.partial(which, x, w, gy, g);
    Nd mag = RefConv.partial(which, abs(x), abs(w), abs(gy), g);
    if (bias) {
      Nd b = in.get(2);
      int plane = g.oh() * g.ow();
      for (int i = 0; i < value.size(); i++) {
        int f = i / plane % g.f();
        value.v[i] += b.v[f];
        mag.v[i] += Math.abs(b.v[f]);
      }
    }
    double length = Math.max(g.c() * g.kh() * g.kw(), Math.max(g.f() * g.kh() * g.kw(),
        g.n() * g.oh() * g.ow()));
    return new Expect(value, mag, length, null, null).withBackward(z -> {
      // the gradient of <z, partial> in each other array is the partial in that array, with z
      // in the place of the op's own
      Nd xs = op == Conv.INPUT_GRAD ? z : x;
      Nd ws = op == Conv.WEIGHT_GRAD ? z : w;
      Nd gs = op == Conv.CONV2D ? z : gy;
      List<Expect.Grad> grads = new ArrayList<>();
      for (RefConv.Partial p : order(op)) {
        grads.add(new Expect.Grad(RefConv.partial(p, xs, ws, gs, g),
            RefConv.partial(p, abs(xs), abs(ws), abs(gs), g)));
      }
      if (bias) {
        grads.add(biasGrad(z, g));
      }
      return grads;
    });
  }

  /** The partials for the op's inputs, in their order. */
  private static List<RefConv.Partial> order(Conv op) {
    return switch (op) {
      case CONV2D -> List.of(RefConv.Partial.INPUT, RefConv.Partial.WEIGHT);
      case INPUT_GRAD -> List.of(RefConv.Partial.OUTPUT, RefConv.Partial.WEIGHT);
      case WEIGHT_GRAD -> List.of(RefConv.Partial.INPUT, RefConv.Partial.OUTPUT);
    };
  }

  private static Expect.Grad biasGrad(Nd z, RefConv.Geometry g) {
    double[] db = new double[g.f()];
    double[] mb = new double[g.f()];
    int plane = g.oh() * g.ow();
    for (int i = 0; i < z.size(); i++) {
      db[i / plane % g.f()] += z.v[i];
      mb[i / plane % g.f()] += Math.abs(z.v[i]);
    }
    return new Expect.Grad(new Nd(new int[] {g.f()}, db), new Nd(new int[] {g.f()}, mb));
  }

  private static Nd abs(Nd x) {
    return x == null ? null : x.abs();
  }

  private static RefConv.Geometry poolGeometry(Random r) {
    while (true) {
      RefConv.Geometry g;
      int kind = r.nextInt(4);
      if (kind == 0) { // 2x2, stride 2: the native max pooling, odd sizes included
        int n = 1 + r.nextInt(4);
        int c = 1 + r.nextInt(r.nextBoolean() ? 3 : 12);
        int h = 2 + r.nextInt(r.nextBoolean() ? 8 : 30);
        g = new RefConv.Geometry(n, c, h, r.nextBoolean() ? h : 2 + r.nextInt(30), c, 2, 2, 2, 2,
            0, 0);
      } else {
        int kh = 1 + r.nextInt(4);
        int kw = 1 + r.nextInt(4);
        boolean large = kind == 1;
        int n = 1 + r.nextInt(large ? 6 : 3);
        int c = 1 + r.nextInt(large ? 10 : 4);
        int h = 1 + r.nextInt(large ? 40 : 10);
        int w = 1 + r.nextInt(large ? 40 : 10);
        int sh = r.nextBoolean() ? kh : 1 + r.nextInt(3);
        int sw = r.nextBoolean() ? kw : 1 + r.nextInt(3);
        g = new RefConv.Geometry(n, c, h, w, c, kh, kw, sh, sw, r.nextInt(kh / 2 + 1),
            r.nextInt(kw / 2 + 1));
      }
      if (g.valid()) {
        return g;
      }
    }
  }

  private enum Pool { MAX, AVG, MAX_GRAD, AVG_GRAD }

  static FuzzCase pool(Random r, DType dtype) {
    Pool op = Pool.values()[r.nextInt(3) == 0 ? 2 + r.nextInt(2) : r.nextInt(2)];
    RefConv.Geometry g = poolGeometry(r);
    int[] kernel = {g.kh(), g.kw()};
    int[] stride = {g.sh(), g.sw()};
    int[] padding = {g.ph(), g.pw()};
    Attrs attrs = Conv2dGeometry.attrs(kernel, stride, padding);
    Dist dist = Dist.any(r, Dist.NORMAL, Dist.SMALL_INT, Dist.RELU);
    List<InputSpec> specs = switch (op) {
      case MAX, AVG -> List.of(InputSpec.data("x", dist, g.input()));
      case MAX_GRAD -> List.of(InputSpec.constant("x", dist, g.input()),
          InputSpec.data("g", Dist.NORMAL, g.output()));
      case AVG_GRAD -> List.of(InputSpec.data("g", Dist.NORMAL, g.output()));
    };
    boolean poolFirst = op == Pool.MAX_GRAD && r.nextBoolean();
    String describe = switch (op) {
      case MAX -> "maxPool2d";
      case AVG -> "avgPool2d";
      case MAX_GRAD -> "maxPool2dGrad" + (poolFirst ? " after pooling x" : "");
      case AVG_GRAD -> "avgPool2dGrad";
    } + ", " + g;
    return new FuzzCase(describe, specs, in -> switch (op) {
      case MAX -> PoolOps.maxPool2d(in.get(0), kernel, stride, padding);
      case AVG -> PoolOps.avgPool2d(in.get(0), kernel, stride, padding);
      case MAX_GRAD -> {
        if (poolFirst) { // the native kernel keeps x's winners for the gradient
          PoolOps.maxPool2d(in.get(0), kernel, stride, padding);
        }
        yield PoolOps.maxPool2dGrad(in.get(0), in.get(1), attrs);
      }
      case AVG_GRAD -> PoolOps.avgPool2dGrad(in.get(0), attrs, g.h(), g.w());
    }, in -> poolReference(op, g, in));
  }

  private static Expect poolReference(Pool op, RefConv.Geometry g, List<Nd> in) {
    int window = g.kh() * g.kw();
    int[] out = g.output();
    int[] input = g.input();
    if (op == Pool.MAX || op == Pool.MAX_GRAD) {
      int[] at = RefConv.firstMax(in.get(0), g);
      if (op == Pool.MAX) {
        double[] y = new double[at.length];
        for (int o = 0; o < y.length; o++) {
          y[o] = in.get(0).v[at[o]];
        }
        return Expect.exact(new Nd(out, y), null).withBackward(z -> List.of(
            scatter(z, at, input, 1)));
      }
      Expect.Grad dx = scatter(in.get(1), at, input, 1);
      return new Expect(dx.value(), dx.mag(), window, null, null).withBackward(z -> {
        double[] gz = new double[at.length];
        for (int o = 0; o < gz.length; o++) {
          gz[o] = z.v[at[o]];
        }
        Nd picked = new Nd(out, gz);
        return Arrays.asList(null, new Expect.Grad(picked, picked.abs()));
      });
    }
    int[][] win = RefConv.windows(g);
    if (op == Pool.AVG) {
      double[] y = new double[win.length];
      double[] m = new double[win.length];
      for (int o = 0; o < y.length; o++) {
        for (int p : win[o]) {
          y[o] += in.get(0).v[p] / window;
          m[o] += Math.abs(in.get(0).v[p]) / window;
        }
      }
      return new Expect(new Nd(out, y), new Nd(out, m), window, null, null)
          .withBackward(z -> List.of(spread(z, win, input, window)));
    }
    Expect.Grad dx = spread(in.get(0), win, input, window);
    return new Expect(dx.value(), dx.mag(), window, null, null).withBackward(z -> {
      double[] y = new double[win.length];
      double[] m = new double[win.length];
      for (int o = 0; o < y.length; o++) {
        for (int p : win[o]) {
          y[o] += z.v[p] / window;
          m[o] += Math.abs(z.v[p]) / window;
        }
      }
      return List.of(new Expect.Grad(new Nd(out, y), new Nd(out, m)));
    });
  }

  /** Each output's {@code g} sent to its window's winner. */
  private static Expect.Grad scatter(Nd g, int[] at, int[] input, double share) {
    Nd dx = Nd.zeros(input);
    Nd m = Nd.zeros(input);
    for (int o = 0; o < at.length; o++) {
      dx.v[at[o]] += g.v[o] * share;
      m.v[at[o]] += Math.abs(g.v[o] * share);
    }
    return new Expect.Grad(dx, m);
  }

  /** Each output's {@code g} shared over its window (padding's shares are dropped). */
  private static Expect.Grad spread(Nd g, int[][] win, int[] input, int window) {
    Nd dx = Nd.zeros(input);
    Nd m = Nd.zeros(input);
    for (int o = 0; o < win.length; o++) {
      for (int p : win[o]) {
        dx.v[p] += g.v[o] / window;
        m.v[p] += 2 * Math.abs(g.v[o]) / window;
      }
    }
    return new Expect.Grad(dx, m);
  }
}
