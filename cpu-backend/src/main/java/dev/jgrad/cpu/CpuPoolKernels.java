package dev.jgrad.cpu;

import static dev.jgrad.api.op.OpNames.AVG_POOL2D;
import static dev.jgrad.api.op.OpNames.AVG_POOL2D_GRAD;
import static dev.jgrad.api.op.OpNames.MAX_POOL2D;
import static dev.jgrad.api.op.OpNames.MAX_POOL2D_GRAD;

import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * The CPU kernels of max and average pooling and their gradients: one pass per channel plane
 * through the plane's window table ({@link PatchTable#pool}), planes split over
 * {@link Parallel}'s threads (a plane's result does not depend on the split). Max pooling's
 * gradient finds each window's first maximum again from {@code x} (its op's inputs are x and g).
 * FLOAT32 max pooling over 2x2 windows with stride 2 runs in the native helper where it has the
 * kernel (pool_kernels.c; the same results as {@link PatchLoops#maxPoolPlane}), which keeps the
 * windows' winners on the pooled buffer ({@link PoolWinners}) so that the gradient reads a byte
 * per window instead of {@code x}.
 */
public final class CpuPoolKernels implements OpProvider {
  /** Planes below which the work stays on the calling thread. */
  private static final int MIN_PARALLEL_ENTRIES = 1 << 14;

  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(MAX_POOL2D, CpuBackend.NAME, c -> pool(c, MAX_POOL2D, true));
    r.kernel(AVG_POOL2D, CpuBackend.NAME, c -> pool(c, AVG_POOL2D, false));
    r.kernel(MAX_POOL2D_GRAD, CpuBackend.NAME, CpuPoolKernels::maxPoolGrad);
    r.kernel(AVG_POOL2D_GRAD, CpuBackend.NAME, CpuPoolKernels::avgPoolGrad);
  }

  /** One pooling call: its geometry, the plane's window table and the output array. */
  private record Planes(Conv2dGeometry g, int[] table, int window, int plane, Object out,
      DTypeKernels k) {
    static Planes of(KernelCall c, String op, Conv2dGeometry g) {
      CpuBuffer out = Checks.cpu(op, "output", c.output());
      return new Planes(g, PatchTable.pool(g), g.kh() * g.kw(), g.outPlane(), out.array(),
          out.kernels());
    }

    /** Whether the direct FLOAT32 loops apply: no padding, so every window is inside. */
    boolean direct(Object x) {
      return x instanceof float[] && g.ph() == 0 && g.pw() == 0;
    }

    /** Whether the native helper's 2x2, stride-2 max pooling applies (not its x86-64 build). */
    boolean nativeTwoByTwo(Object x, Object gy) {
      return direct(x) && (gy == null || gy instanceof float[]) && g.kh() == 2 && g.kw() == 2
          && g.sh() == 2 && g.sw() == 2 && NativeCpu.available() && NativeCpu.hasMaxPool2x2();
    }

    /**
     * The native kernel over the planes: pooled into the output, or gy's gradient (non-null);
     * {@code codes} null, or the windows' winners (written when pooling, read for the gradient).
     */
    void nativeTwoByTwo(String op, float[] x, float[] gy, int[] codes) {
      int in = g.inPlane();
      int target = gy == null ? plane : in;
      forEach((lo, hi) -> NativeCpu.check(NativeCpu.maxPool2x2(hi - lo, x, lo * in, g.h(),
          g.w(), gy, lo * plane, (float[]) out, lo * target, codes, lo * plane), op));
    }

    void maxPoolPlane(float[] x, int p, float[] out, float[] gy, float[] dx) {
      PatchLoops.maxPoolPlane(x, p * g.inPlane(), g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(),
          g.oh(), g.ow(), out, p * plane, gy, dx);
    }

    /** Runs {@code body} over the planes {@code [0, n * c)}, split in fixed parts. */
    void forEach(Parallel.RangeBody body) {
      int planes = g.n() * g.c();
      long entries = (long) planes * g.inPlane();
      Parallel.forParts(planes, entries < MIN_PARALLEL_ENTRIES ? 1 : Parallel.threads(), true,
          body);
    }
  }

  /**
   * Fails unless each buffer holds what the geometry says: the kernels take their sizes from the
   * call's specs, and the native one would read or write past a shorter buffer.
   */
  private static void lengths(String op, Conv2dGeometry g, KernelCall c, String[] roles,
      boolean[] inputPlanes) {
    long planes = (long) g.n() * g.c();
    for (int i = 0; i < roles.length; i++) {
      CpuBuffer b = Checks.cpu(op, roles[i], i < c.inputs().size() ? c.input(i) : c.output());
      Checks.length(op, roles[i], b, planes * (inputPlanes[i] ? (long) g.h() * g.w()
          : (long) g.oh() * g.ow()));
    }
  }

  private static void pool(KernelCall c, String op, boolean max) {
    Conv2dGeometry geometry = Conv2dGeometry.pool(op, c.inputSpec(0).shape(), c.attrs());
    lengths(op, geometry, c, new String[] {"x", "output"}, new boolean[] {true, false});
    Planes pl = Planes.of(c, op, geometry);
    CpuBuffer xBuf = Checks.cpu(op, "x", c.input(0));
    Object x = xBuf.productOperand();
    int inPlane = pl.g().inPlane();
    if (max && pl.nativeTwoByTwo(x, null)) {
      // the winners stay on x for the gradient, which then need not read x again
      PoolWinners won = PoolWinners.forPlanes(pl.g().n() * pl.g().c(), pl.g().h(), pl.g().w());
      pl.nativeTwoByTwo(op, (float[]) x, null, won.codes());
      xBuf.attachWinners(won);
      return;
    }
    if (max && pl.direct(x)) {
      pl.forEach((lo, hi) -> {
        for (int p = lo; p < hi; p++) {
          pl.maxPoolPlane((float[]) x, p, (float[]) pl.out(), null, null);
        }
      });
      return;
    }
    pl.forEach((lo, hi) -> {
      for (int p = lo; p < hi; p++) {
        int xOff = p * inPlane;
        for (int pos = 0; pos < pl.plane(); pos++) {
          double v;
          if (max) {
            int t = PatchLoops.argmax(x, xOff, pl.table(), pl.window(), pos);
            v = t < 0 ? Double.NaN : pl.k().get(x, xOff + t);
          } else {
            v = PatchLoops.windowMean(x, xOff, pl.table(), pl.window(), pos, pl.window());
          }
          pl.k().set(pl.out(), p * pl.plane() + pos, v);
        }
      }
    });
  }

  private static void maxPoolGrad(KernelCall c) {
    Conv2dGeometry geometry = Conv2dGeometry.pool(MAX_POOL2D_GRAD, c.inputSpec(0).shape(),
        c.attrs());
    lengths(MAX_POOL2D_GRAD, geometry, c, new String[] {"x", "g", "output"},
        new boolean[] {true, false, true});
    Planes pl = Planes.of(c, MAX_POOL2D_GRAD, geometry);
    CpuBuffer xBuf = Checks.cpu(MAX_POOL2D_GRAD, "x", c.input(0));
    Object x = xBuf.productOperand();
    Object gy = Checks.cpu(MAX_POOL2D_GRAD, "g", c.input(1)).productOperand();
    if (pl.nativeTwoByTwo(x, gy)) {
      PoolWinners won = xBuf.poolWinners();
      int[] codes = won != null && won.describes(pl.g().h(), pl.g().w()) ? won.codes() : null;
      pl.nativeTwoByTwo(MAX_POOL2D_GRAD, (float[]) x, (float[]) gy, codes);
      return;
    }
    if (pl.direct(x)) {
      Conv2dGeometry g = pl.g();
      boolean fills = PatchLoops.maxPoolGradFillsPlane(g.kh(), g.kw(), g.sh(), g.sw());
      pl.forEach((lo, hi) -> {
        if (!fills) {
          PatchLoops.zero(pl.out(), lo * g.inPlane(), hi * g.inPlane());
        }
        for (int p = lo; p < hi; p++) {
          pl.maxPoolPlane((float[]) x, p, null, (float[]) gy, (float[]) pl.out());
        }
      });
      return;
    }
    scatter(pl, gy, (xOff, pos, add) -> {
      int t = PatchLoops.argmax(x, xOff, pl.table(), pl.window(), pos);
      if (t >= 0) {
        add.to(t, 1);
      }
    });
  }

  private static void avgPoolGrad(KernelCall c) {
    Conv2dGeometry geometry = Conv2dGeometry.poolGrad(AVG_POOL2D_GRAD, c.inputSpec(0).shape(),
        c.attrs());
    lengths(AVG_POOL2D_GRAD, geometry, c, new String[] {"g", "output"},
        new boolean[] {false, true});
    Planes pl = Planes.of(c, AVG_POOL2D_GRAD, geometry);
    Object gy = Checks.cpu(AVG_POOL2D_GRAD, "g", c.input(0)).productOperand();
    scatter(pl, gy, (xOff, pos, add) -> {
      for (int w = 0; w < pl.window(); w++) {
        int t = pl.table()[pos * pl.window() + w];
        if (t >= 0) {
          add.to(t, 1.0 / pl.window());
        }
      }
    });
  }

  /** Adds to an input position a share of the current window's gradient. */
  private interface Adder {
    void to(int position, double share);
  }

  /** Which input positions window {@code pos} of the plane at {@code xOff} sends its gradient. */
  private interface Window {
    void route(int xOff, int pos, Adder add);
  }

  /** Zeros the input gradient, then adds each window's gradient where {@code window} routes it. */
  private static void scatter(Planes pl, Object gy, Window window) {
    Object dx = pl.out();
    DTypeKernels k = pl.k();
    int inPlane = pl.g().inPlane();
    pl.forEach((lo, hi) -> {
      PatchLoops.zero(dx, lo * inPlane, hi * inPlane);
      for (int p = lo; p < hi; p++) {
        int xOff = p * inPlane;
        for (int pos = 0; pos < pl.plane(); pos++) {
          double gv = k.get(gy, p * pl.plane() + pos);
          window.route(xOff, pos, (t, share) -> k.set(dx, xOff + t, k.get(dx, xOff + t)
              + gv * share));
        }
      }
    });
  }

}
