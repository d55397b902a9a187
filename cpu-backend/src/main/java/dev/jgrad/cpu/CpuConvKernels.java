package dev.jgrad.cpu;

import static dev.jgrad.api.op.OpNames.CONV2D;
import static dev.jgrad.api.op.OpNames.CONV2D_INPUT_GRAD;
import static dev.jgrad.api.op.OpNames.CONV2D_WEIGHT_GRAD;

import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * The CPU kernels of {@code jgrad::conv2d} and its two gradients, sample by sample: im2col of a
 * sample into a per-thread scratch {@code col [c * kh * kw, oh * ow]} through a
 * {@link PatchTable}, then one OpenBLAS product on the arrays in place ({@link NativeCpu}):
 * {@code out[s] = w [f, c*kh*kw] col}, which is already the sample's NCHW output {@code [f, oh *
 * ow]}, so no transpose pass; {@code dcol = w^T g[s]} scattered back (col2im) for the input
 * gradient; {@code g[s] col^T} summed over the samples for the weight gradient.
 *
 * <p>Samples are split over {@link Parallel}'s threads in fixed parts. A sample's output and
 * input gradient do not depend on the split; the weight gradient is summed per part, then the
 * parts in order, so the same thread count gives the same bits.
 */
public final class CpuConvKernels implements OpProvider {
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(CONV2D, CpuBackend.NAME, CpuConvKernels::conv2d);
    r.kernel(CONV2D_INPUT_GRAD, CpuBackend.NAME, CpuConvKernels::inputGrad);
    r.kernel(CONV2D_WEIGHT_GRAD, CpuBackend.NAME, CpuConvKernels::weightGrad);
  }

  private static void conv2d(KernelCall c) {
    Conv2dGeometry g = Conv2dGeometry.conv(CONV2D, c.inputSpec(0).shape(),
        c.inputSpec(1).shape(), c.attrs());
    Object x = Checks.cpu(CONV2D, "x", c.input(0)).productOperand();
    Object w = Checks.cpu(CONV2D, "weight", c.input(1)).productOperand();
    Object bias = c.inputs().size() == 3
        ? Checks.cpu(CONV2D, "bias", c.input(2)).productOperand() : null;
    Object out = Checks.cpu(CONV2D, "output", c.output()).array();
    int[] table = PatchTable.conv(g);
    int rows = g.patchSize();
    int plane = g.outPlane();
    int inSample = g.c() * g.inPlane();
    Parallel.forParts(g.n(), Parallel.threads(), true, (lo, hi) -> {
      Object col = SCRATCH.get().col(x, table.length);
      for (int s = lo; s < hi; s++) {
        PatchLoops.gather(x, s * inSample, table, col, table.length);
        gemm(false, false, g.f(), plane, rows, w, 0, rows, col, 0, plane, out,
            s * g.f() * plane, plane);
        if (bias != null) {
          PatchLoops.addBias(out, s * g.f() * plane, g.f(), plane, bias);
        }
      }
    });
  }

  private static void inputGrad(KernelCall c) {
    Conv2dGeometry g = Conv2dGeometry.convInputGrad(CONV2D_INPUT_GRAD, c.inputSpec(0).shape(),
        c.inputSpec(1).shape(), c.attrs());
    Object gy = Checks.cpu(CONV2D_INPUT_GRAD, "g", c.input(0)).productOperand();
    Object w = Checks.cpu(CONV2D_INPUT_GRAD, "weight", c.input(1)).productOperand();
    CpuBuffer outBuf = Checks.cpu(CONV2D_INPUT_GRAD, "output", c.output());
    Object dx = outBuf.array();
    int[] table = PatchTable.conv(g);
    int rows = g.patchSize();
    int plane = g.outPlane();
    int inSample = g.c() * g.inPlane();
    Parallel.forParts(g.n(), Parallel.threads(), true, (lo, hi) -> {
      Object col = SCRATCH.get().col(dx, table.length);
      for (int s = lo; s < hi; s++) {
        gemm(true, false, rows, plane, g.f(), w, 0, rows, gy, s * g.f() * plane, plane, col, 0,
            plane);
        PatchLoops.zero(dx, s * inSample, (s + 1) * inSample);
        PatchLoops.scatterAdd(col, table, dx, s * inSample, table.length);
      }
    });
  }

  private static void weightGrad(KernelCall c) {
    Conv2dGeometry g = Conv2dGeometry.convWeightGrad(CONV2D_WEIGHT_GRAD,
        c.inputSpec(0).shape(), c.inputSpec(1).shape(), c.attrs());
    Object x = Checks.cpu(CONV2D_WEIGHT_GRAD, "x", c.input(0)).productOperand();
    Object gy = Checks.cpu(CONV2D_WEIGHT_GRAD, "g", c.input(1)).productOperand();
    CpuBuffer outBuf = Checks.cpu(CONV2D_WEIGHT_GRAD, "output", c.output());
    Object dw = outBuf.array();
    int[] table = PatchTable.conv(g);
    int rows = g.patchSize();
    int plane = g.outPlane();
    int inSample = g.c() * g.inPlane();
    int size = g.f() * rows;
    int parts = Math.min(g.n(), Parallel.threads());
    DTypeKernels k = outBuf.kernels();
    Object[] partial = new Object[parts];
    // parts fixed by n and the thread count: the sums do not depend on who runs them
    Parallel.forParts(parts, parts, true, (pLo, pHi) -> {
      for (int p = pLo; p < pHi; p++) {
        int lo = (int) ((long) g.n() * p / parts);
        int hi = (int) ((long) g.n() * (p + 1) / parts);
        Scratch sc = SCRATCH.get();
        Object col = sc.col(x, table.length);
        Object sum = k.newArray(size);
        Object one = sc.product(x, size);
        for (int s = lo; s < hi; s++) {
          PatchLoops.gather(x, s * inSample, table, col, table.length);
          gemm(false, true, g.f(), rows, plane, gy, s * g.f() * plane, plane, col, 0, plane,
              s == lo ? sum : one, 0, rows);
          if (s != lo) {
            PatchLoops.accumulate(sum, one, size);
          }
        }
        partial[p] = sum;
      }
    });
    System.arraycopy(partial[0], 0, dw, 0, size);
    for (int p = 1; p < parts; p++) {
      PatchLoops.accumulate(dw, partial[p], size);
    }
  }

  /** {@code c = op(a) op(b)} through OpenBLAS in place, or plain Java without the helper. */
  static void gemm(boolean transA, boolean transB, int m, int n, int k, Object a, int aOff,
      int lda, Object b, int bOff, int ldb, Object c, int cOff, int ldc) {
    if (NativeCpu.available()) {
      NativeCpu.check(DTypeKernels.ofArray(c).nativeGemm(transA, transB, m, n, k, a, aOff, lda,
          b, bOff, ldb, c, cOff, ldc), "conv2d gemm");
    } else {
      PatchLoops.javaGemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }
  }

  /** Per-thread arrays of the operands' element type, grown on demand: im2col, one product. */
  private static final class Scratch {
    private final Object[] floats = {new float[0], new float[0]};
    private final Object[] doubles = {new double[0], new double[0]};

    Object col(Object like, int len) {
      return grow(like, 0, len);
    }

    Object product(Object like, int len) {
      return grow(like, 1, len);
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
