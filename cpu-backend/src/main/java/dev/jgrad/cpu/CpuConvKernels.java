package dev.jgrad.cpu;

import static dev.jgrad.api.op.OpNames.CONV2D;
import static dev.jgrad.api.op.OpNames.CONV2D_INPUT_GRAD;
import static dev.jgrad.api.op.OpNames.CONV2D_WEIGHT_GRAD;

import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * The CPU kernels of {@code jgrad::conv2d} and its two gradients. FLOAT32 with stride 1 runs the
 * native helper's direct correlation where it has one ({@link #direct}; each thread a part of
 * the samples, the weight gradient summed per part then the parts in order). Otherwise, a block
 * of samples at a time:
 * im2col of the block's samples side by side into a per-thread scratch {@code col [c * kh * kw,
 * samples * oh * ow]} ({@link Im2col}), then one OpenBLAS product on the arrays in
 * place ({@link NativeCpu}): {@code w [f, c*kh*kw] col} for the output, {@code w^T g} scattered
 * back (col2im) for the input gradient, {@code g col^T} for the weight gradient, where {@code g}
 * is the block's output gradient laid side by side the same way. A block holds enough samples for
 * products of at least {@link #MIN_COLUMNS} columns: one sample of a 7x7 layer is a 49-column
 * product that OpenBLAS runs at a third of its speed. With one sample a block (large planes) the
 * products read and write the samples in place, without the side-by-side copies.
 *
 * <p>Samples are split over {@link Parallel}'s threads in fixed parts, and parts into blocks by
 * the geometry alone. A sample's output and input gradient do not depend on the split; the weight
 * gradient is summed per part, then the parts in order, so the same thread count gives the same
 * bits.
 */
public final class CpuConvKernels implements OpProvider {
  /** Columns from which a block's product runs near OpenBLAS's full speed here. */
  static final int MIN_COLUMNS = 1024;
  /** The most entries a block's im2col scratch may hold (16 MiB of floats). */
  private static final int MAX_COL_ENTRIES = 1 << 22;
  /** im2col and product scratch, lent per part (ScratchPool: not per thread). */
  private static final ScratchPool<Scratch> SCRATCH = new ScratchPool<>(Scratch::new);
  /**
   * {@code -Djgrad.cpu.directConvolution=false} keeps im2col + GEMM where the direct kernel would
   * run: for comparing the two.
   */
  private static final boolean DIRECT =
      CpuProperties.directConvolution();

  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(CONV2D, CpuBackend.NAME, CpuConvKernels::conv2d);
    r.kernel(CONV2D_INPUT_GRAD, CpuBackend.NAME, CpuConvKernels::inputGrad);
    r.kernel(CONV2D_WEIGHT_GRAD, CpuBackend.NAME, CpuConvKernels::weightGrad);
  }

  /** Samples a block holds for this geometry: from the geometry alone, never from timing. */
  static int blockSamples(Conv2dGeometry g) {
    int plane = g.outPlane();
    int wanted = (MIN_COLUMNS + plane - 1) / plane;
    int fits = Math.max(1, MAX_COL_ENTRIES / Math.max(1, g.patchSize() * plane));
    return Math.max(1, Math.min(Math.min(wanted, fits), g.n()));
  }

  /**
   * Whether the native direct kernels apply: FLOAT32, stride 1, the helper built with fused
   * multiply-adds (AVX2 or AVX-512). They sum in their own order, so their bits differ from
   * im2col + GEMM's. The weight gradient takes them whenever they apply (it vectorizes along the
   * plane); conv2d and its input gradient only as {@link #correlates} says.
   */
  static boolean direct(Conv2dGeometry g, Object x) {
    return DIRECT && x instanceof float[] && g.sh() == 1 && g.sw() == 1 && NativeCpu.available()
        && NativeCpu.hasCorrelate();
  }

  /**
   * Whether a correlation with {@code outs} output channels, each a sum of {@code terms}
   * products, runs as the direct kernel: at least 8 outputs (a vector of filters holds 8 or 16)
   * and 64 terms (below that storing the outputs costs as much as the sums: a one-channel first
   * layer ran as fast through im2col + GEMM).
   */
  static boolean correlates(Conv2dGeometry g, Object x, int outs, int terms) {
    return outs >= 8 && terms >= 64 && direct(g, x);
  }

  private static void conv2d(KernelCall c) {
    Conv2dGeometry g = Conv2dGeometry.conv(CONV2D, c.inputSpec(0).shape(),
        c.inputSpec(1).shape(), c.attrs());
    checkSizes(CONV2D, g);
    Object x = sized(CONV2D, "x", c.input(0), (long) g.n() * g.c() * g.inPlane()).productOperand();
    Object w = sized(CONV2D, "weight", c.input(1), (long) g.f() * g.patchSize()).productOperand();
    Object bias = c.inputs().size() == 3
        ? sized(CONV2D, "bias", c.input(2), g.f()).productOperand() : null;
    Object out = sized(CONV2D, "output", c.output(), (long) g.n() * g.f() * g.outPlane()).array();
    int rows = g.patchSize();
    int plane = g.outPlane();
    int inSample = g.c() * g.inPlane();
    if (correlates(g, x, g.f(), rows)) {
      Parallel.forParts(g.n(), Parallel.threads(), true, (lo, hi) -> NativeCpu.check(
          NativeCpu.correlate(hi - lo, (float[]) x, lo * inSample, g.c(), g.h(), g.w(), g.ph(),
              g.pw(), g.f(), g.oh(), g.ow(), g.kh(), g.kw(), (float[]) w, false, (float[]) bias,
              (float[]) out, lo * g.f() * plane), CONV2D));
      return;
    }
    int block = blockSamples(g);
    Parallel.forParts(g.n(), Parallel.threads(), true, (lo, hi) -> SCRATCH.run(sc -> {
      for (int s0 = lo; s0 < hi; s0 += block) {
        int k = Math.min(block, hi - s0);
        int cols = k * plane;
        Object col = im2col(sc, g, x, s0, k, inSample);
        if (k == 1) { // the sample's output [f, plane] directly
          gemm(false, false, g.f(), plane, rows, w, 0, rows, col, 0, plane, out,
              s0 * g.f() * plane, plane);
        } else {
          Object product = sc.product(x, g.f() * cols);
          gemm(false, false, g.f(), cols, rows, w, 0, rows, col, 0, cols, product, 0, cols);
          PatchLoops.unstack(product, g.f(), plane, k, out, s0 * g.f() * plane);
        }
        if (bias != null) {
          for (int s = 0; s < k; s++) {
            PatchLoops.addBias(out, (s0 + s) * g.f() * plane, g.f(), plane, bias);
          }
        }
      }
    }));
  }

  private static void inputGrad(KernelCall c) {
    Conv2dGeometry g = Conv2dGeometry.convInputGrad(CONV2D_INPUT_GRAD, c.inputSpec(0).shape(),
        c.inputSpec(1).shape(), c.attrs());
    checkSizes(CONV2D_INPUT_GRAD, g);
    Object gy = sized(CONV2D_INPUT_GRAD, "g", c.input(0), (long) g.n() * g.f() * g.outPlane())
        .productOperand();
    Object w = sized(CONV2D_INPUT_GRAD, "weight", c.input(1), (long) g.f() * g.patchSize())
        .productOperand();
    CpuBuffer outBuf = sized(CONV2D_INPUT_GRAD, "output", c.output(),
        (long) g.n() * g.c() * g.inPlane());
    Object dx = outBuf.array();
    int rows = g.patchSize();
    int plane = g.outPlane();
    int inSample = g.c() * g.inPlane();
    // the correlation of g, padded by k - 1 - p, with w flipped; its padding meets every tap, so
    // an infinite or NaN tap takes im2col + GEMM instead (see allFinite)
    if (correlates(g, gy, g.c(), g.f() * g.kh() * g.kw()) && allFinite(w)) {
      Parallel.forParts(g.n(), Parallel.threads(), true, (lo, hi) -> NativeCpu.check(
          NativeCpu.correlate(hi - lo, (float[]) gy, lo * g.f() * plane, g.f(), g.oh(), g.ow(),
              g.kh() - 1 - g.ph(), g.kw() - 1 - g.pw(), g.c(), g.h(), g.w(), g.kh(), g.kw(),
              (float[]) w, true, null, (float[]) dx, lo * inSample), CONV2D_INPUT_GRAD));
      return;
    }
    int block = blockSamples(g);
    Parallel.forParts(g.n(), Parallel.threads(), true, (lo, hi) -> SCRATCH.run(sc -> {
      for (int s0 = lo; s0 < hi; s0 += block) {
        int k = Math.min(block, hi - s0);
        int cols = k * plane;
        Object col = sc.col(dx, rows * cols);
        if (k == 1) {
          gemm(true, false, rows, plane, g.f(), w, 0, rows, gy, s0 * g.f() * plane, plane, col,
              0, plane);
        } else {
          Object stacked = sc.product(dx, g.f() * cols);
          PatchLoops.stack(gy, s0 * g.f() * plane, g.f(), plane, k, stacked);
          gemm(true, false, rows, cols, g.f(), w, 0, rows, stacked, 0, cols, col, 0, cols);
        }
        PatchLoops.zero(dx, s0 * inSample, (s0 + k) * inSample);
        for (int s = 0; s < k; s++) {
          Im2col.scatterAdd(g, col, s * plane, cols, dx, (s0 + s) * inSample);
        }
      }
    }));
  }

  private static void weightGrad(KernelCall c) {
    Conv2dGeometry g = Conv2dGeometry.convWeightGrad(CONV2D_WEIGHT_GRAD,
        c.inputSpec(0).shape(), c.inputSpec(1).shape(), c.attrs());
    checkSizes(CONV2D_WEIGHT_GRAD, g);
    Object x = sized(CONV2D_WEIGHT_GRAD, "x", c.input(0), (long) g.n() * g.c() * g.inPlane())
        .productOperand();
    Object gy = sized(CONV2D_WEIGHT_GRAD, "g", c.input(1), (long) g.n() * g.f() * g.outPlane())
        .productOperand();
    CpuBuffer outBuf = sized(CONV2D_WEIGHT_GRAD, "output", c.output(),
        (long) g.f() * g.patchSize());
    Object dw = outBuf.array();
    if (g.n() == 0) { // no samples: no contribution
      PatchLoops.zero(dw, 0, g.f() * g.patchSize());
      return;
    }
    boolean direct = direct(g, x);
    weightGradParts(g, x, gy, outBuf, dw, direct);
    if (direct && !allFinite(dw)) { // maybe a 0 * inf of the direct kernel's (see allFinite)
      weightGradParts(g, x, gy, outBuf, dw, false);
    }
  }

  /**
   * Whether every entry of {@code a} (float[] or double[]) is finite. The direct kernels
   * multiply zeros that stand for no term by real entries (the weight gradient's runs have
   * extra columns of zeros in g, the input gradient pads g with zeros that meet every tap of w):
   * with an infinity or NaN there, 0 * inf would make NaN of sums it is no term of, where im2col
   * + GEMM, which sums only real terms, gives what the infinities do give. So the input gradient
   * takes the direct kernel only for a finite w, and a non-finite weight gradient from it is
   * computed again the other way (it is small; nothing is looked at in the usual, finite case).
   */
  private static boolean allFinite(Object a) {
    if (a instanceof float[] f) {
      for (float v : f) {
        if (!Float.isFinite(v)) {
          return false;
        }
      }
      return true;
    }
    for (double v : (double[]) a) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The weight gradient into {@code dw}: summed per part of the samples, then the parts in order;
   * each part by the direct kernel when {@code directWeight}, else im2col + GEMM.
   */
  private static void weightGradParts(Conv2dGeometry g, Object x, Object gy, CpuBuffer outBuf,
      Object dw, boolean directWeight) {
    int rows = g.patchSize();
    int plane = g.outPlane();
    int inSample = g.c() * g.inPlane();
    int size = g.f() * rows;
    int parts = Math.min(g.n(), Parallel.threads());
    int block = blockSamples(g);
    Object[] partial = new Object[parts];
    // parts and blocks fixed by the geometry and the thread count: the sums do not depend on who
    // runs them
    Parallel.forParts(parts, parts, true, (pLo, pHi) -> SCRATCH.run(sc -> {
      for (int p = pLo; p < pHi; p++) {
        int lo = (int) ((long) g.n() * p / parts);
        int hi = (int) ((long) g.n() * (p + 1) / parts);
        // from the pool and back: a fresh array per call was most of a DeepConvNet step's garbage
        Object sum = ArrayPool.SHARED.takeOrNew(outBuf.dtype(), size);
        if (directWeight) {
          NativeCpu.check(NativeCpu.correlateWeight(hi - lo, (float[]) x, lo * inSample, g.c(),
              g.h(), g.w(), g.ph(), g.pw(), (float[]) gy, lo * g.f() * plane, g.f(), g.oh(),
              g.ow(), g.kh(), g.kw(), (float[]) sum), CONV2D_WEIGHT_GRAD);
          partial[p] = sum;
          continue;
        }
        Object one = sc.weights(x, size);
        for (int s0 = lo; s0 < hi; s0 += block) {
          int k = Math.min(block, hi - s0);
          int cols = k * plane;
          Object col = im2col(sc, g, x, s0, k, inSample);
          Object target = s0 == lo ? sum : one;
          if (k == 1) {
            gemm(false, true, g.f(), rows, plane, gy, s0 * g.f() * plane, plane, col, 0, plane,
                target, 0, rows);
          } else {
            Object stacked = sc.product(x, g.f() * cols);
            PatchLoops.stack(gy, s0 * g.f() * plane, g.f(), plane, k, stacked);
            gemm(false, true, g.f(), rows, cols, stacked, 0, cols, col, 0, cols, target, 0, rows);
          }
          if (s0 != lo) {
            PatchLoops.accumulate(sum, one, size);
          }
        }
        partial[p] = sum;
      }
    }));
    // g col^T rather than col g^T, which OpenBLAS runs 1.4-1.7x faster with 16-64 filters here:
    // its other summation order moved the deep main job from 98.25% to 97.90% on the default
    // seed, with the same mean over three seeds (docs/benchmarks.md)
    System.arraycopy(partial[0], 0, dw, 0, size);
    for (int p = 1; p < parts; p++) {
      PatchLoops.accumulate(dw, partial[p], size);
    }
    for (Object array : partial) {
      ArrayPool.SHARED.give(array);
    }
  }

  /** {@code input} on the CPU, holding exactly {@code expected} elements, or one clear failure. */
  private static CpuBuffer sized(String op, String role, dev.jgrad.api.DeviceBuffer input,
      long expected) {
    CpuBuffer b = Checks.cpu(op, role, input);
    Checks.length(op, role, b, expected);
    return b;
  }

  /** The most elements one of the kernels' arrays may need (Java's largest array, about). */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /**
   * Refuses a convolution whose padded plane, a sample's patch matrix or a tensor would not fit
   * one array: the kernels index them with ints, and past that the native ones would write out
   * of bounds.
   */
  private static void checkSizes(String op, Conv2dGeometry g) {
    long paddedIn = (long) g.c() * (g.oh() + g.kh() - 1) * (g.ow() + g.kw() - 1);
    long paddedGrad = (long) g.f() * (g.h() + g.kh() - 1) * (g.w() + g.kw() - 1);
    long inPlane = (long) g.h() * g.w();
    long outPlane = (long) g.oh() * g.ow();
    long patches = (long) g.c() * g.kh() * g.kw() * outPlane;
    long tensors = Math.max(Math.max((long) g.n() * g.c() * inPlane, (long) g.n() * g.f()
        * outPlane), (long) g.f() * g.c() * g.kh() * g.kw());
    long largest = Math.max(Math.max(paddedIn, paddedGrad), Math.max(patches, tensors));
    if (largest > MAX_ARRAY) {
      throw new IllegalArgumentException(op + " on the cpu backend: " + g.c() + " channels of "
          + g.h() + "x" + g.w() + " with " + g.f() + " filters of " + g.kh() + "x" + g.kw()
          + ", padding " + g.ph() + "x" + g.pw() + " need " + largest + " values in one array, "
          + "more than the " + MAX_ARRAY + " a CPU array holds; use less padding or smaller "
          + "images or filters");
    }
  }

  /** im2col of samples {@code s0..s0+k} side by side into the thread's scratch. */
  private static Object im2col(Scratch sc, Conv2dGeometry g, Object x, int s0, int k,
      int inSample) {
    int plane = g.outPlane();
    int cols = k * plane;
    Object col = sc.col(x, g.patchSize() * cols);
    for (int s = 0; s < k; s++) {
      Im2col.gather(g, x, (s0 + s) * inSample, col, s * plane, cols);
    }
    return col;
  }

  /** {@code c = op(a) op(b)} through OpenBLAS in place, or plain Java without the helper. */
  static void gemm(boolean transA, boolean transB, int m, int n, int k, Object a, int aOff,
      int lda, Object b, int bOff, int ldb, Object c, int cOff, int ldc) {
    if (k == 0) { // an empty sum (no channels or no filters), which the native kernel leaves unset
      for (int r = 0; r < m; r++) {
        PatchLoops.zero(c, cOff + r * ldc, cOff + r * ldc + n);
      }
      return;
    }
    if (NativeCpu.available()) {
      NativeCpu.check(DTypeKernels.ofArray(c).nativeGemm(transA, transB, m, n, k, a, aOff, lda,
          b, bOff, ldb, c, cOff, ldc), "conv2d gemm");
    } else {
      PatchLoops.javaGemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }
  }

  /**
   * Per-thread arrays of the operands' element type, grown on demand: im2col, a block's product
   * or stacked gradient, one sample block's weight gradient.
   */
  private static final class Scratch {
    private final Object[] floats = {new float[0], new float[0], new float[0]};
    private final Object[] doubles = {new double[0], new double[0], new double[0]};

    Object col(Object like, int len) {
      return grow(like, 0, len);
    }

    Object product(Object like, int len) {
      return grow(like, 1, len);
    }

    Object weights(Object like, int len) {
      return grow(like, 2, len);
    }

    private Object grow(Object like, int slot, int len) {
      Object[] arrays = like instanceof float[] ? floats : doubles;
      if (java.lang.reflect.Array.getLength(arrays[slot]) < len) {
        arrays[slot] = like instanceof float[] ? new float[len] : new double[len];
      }
      return arrays[slot];
    }
  }
}
