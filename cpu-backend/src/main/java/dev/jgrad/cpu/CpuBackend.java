package dev.jgrad.cpu;

import static dev.jgrad.cpu.Checks.cpu;

import dev.jgrad.api.ArgumentChecks;
import dev.jgrad.api.Backend;
import dev.jgrad.api.BackendContract;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedAdam;
import dev.jgrad.api.FusedAdamW;
import dev.jgrad.api.FusedProductSgd;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import java.util.Objects;

/**
 * The CPU backend: buffers are Java arrays, matrix products go to the native helper's own float
 * kernel or OpenBLAS ({@link Gemm}), everything else is plain Java loops split over the cores
 * when large. Every call is first checked against the {@link BackendContract} (the same checks
 * and words as every backend), then handed to one helper per kind of primitive. It is synchronous
 * and safe to call from several threads on different buffers.
 */
public final class CpuBackend implements Backend, FusedSgd, FusedAdam, FusedAdamW,
    FusedProductSgd {
  /** The name this backend is selected by. */
  public static final String NAME = "cpu";

  /** Java arrays cannot be longer than this on HotSpot. */
  private static final long MAX_LENGTH = Integer.MAX_VALUE - 8;
  private static final BackendContract CONTRACT = new BackendContract(NAME);

  /**
   * A CPU backend. OpenBLAS and the native helper load here, on the creating thread, rather than
   * inside the first matrix product: creating the backend early (the main job does it while its
   * data loads on another thread) takes that half second or so out of the first training step.
   * Neither failing to load is an error here; products then fail or fall back as documented.
   * The {@code -Djgrad.cpu.*} settings ({@link CpuProperties}, {@link SgemmChoice}) are read
   * here, and a value that does not parse or is out of range fails here, naming the option and
   * what to use.
   */
  public CpuBackend() {
    CpuProperties.check();
    boolean ownSgemm = SgemmChoice.fromProperty();
    Gemm.loadFailure();
    // written only on a change: a backend made while another thread's products run (every
    // new CpuBackend() reads the same setting) leaves the kernel choice they read alone
    if (NativeCpu.available() && NativeCpu.ownSgemm() != ownSgemm) {
      NativeCpu.useOwnSgemm(ownSgemm);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DeviceBuffer allocate(DType dtype, long length) {
    CONTRACT.allocate(dtype, length);
    if (length > MAX_LENGTH) {
      throw new IllegalArgumentException(ArgumentChecks.where(NAME, "allocate") + "length must be "
          + "at most " + MAX_LENGTH + " (CPU buffers are Java arrays) but is " + length);
    }
    return CpuBuffer.allocate(dtype, (int) length);
  }

  @Override
  public DeviceBuffer upload(float[] data) {
    return copyIn(DType.FLOAT32, data, Objects.requireNonNull(data, "upload: data is null").length);
  }

  @Override
  public DeviceBuffer upload(double[] data) {
    return copyIn(DType.FLOAT64, data, Objects.requireNonNull(data, "upload: data is null").length);
  }

  @Override
  public DeviceBuffer upload(int[] data) {
    return copyIn(DType.INT32, data, Objects.requireNonNull(data, "upload: data is null").length);
  }

  @Override
  public DeviceBuffer upload(byte[] data) {
    return copyIn(DType.UINT8, data, Objects.requireNonNull(data, "upload: data is null").length);
  }

  /**
   * A copy of a host array in a buffer from the pool, like any allocation: uploads closed one
   * after another (data set blocks, checkpoints) then reuse one array instead of filling the pool
   * with their copies.
   */
  private static DeviceBuffer copyIn(DType dtype, Object data, int length) {
    CpuBuffer b = CpuBuffer.allocate(dtype, length);
    System.arraycopy(data, 0, b.array(), 0, length);
    return b;
  }

  @Override
  public void download(DeviceBuffer src, int[] dst) {
    CONTRACT.downloadInts(src, dst == null ? -1 : dst.length);
    System.arraycopy(cpu("download", "src", src).ints(), 0, dst, 0, dst.length);
  }

  @Override
  public void download(DeviceBuffer src, float[] dst) {
    CONTRACT.download(src, dst == null ? -1 : dst.length);
    Conversions.convert(cpu("download", "src", src).array(), dst);
  }

  @Override
  public void download(DeviceBuffer src, double[] dst) {
    CONTRACT.download(src, dst == null ? -1 : dst.length);
    Conversions.convert(cpu("download", "src", src).array(), dst);
  }

  @Override
  public void convert(DeviceBuffer src, DeviceBuffer dst) {
    CONTRACT.convert(src, dst);
    Conversions.convert(cpu("convert", "src", src).array(), cpu("convert", "dst", dst).array());
  }

  @Override
  public void sgdUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer velocity,
      DeviceBuffer lr, double momentum, double weightDecay) {
    CONTRACT.sgdUpdate(param, grad, velocity, lr);
    String p = "sgdUpdate";
    OptimizerKernels.sgd(cpu(p, "param", param), cpu(p, "grad", grad),
        velocity == null ? null : cpu(p, "velocity", velocity), cpu(p, "lr", lr).doubles()[0],
        momentum, weightDecay);
  }

  @Override
  public boolean sgdUpdateFromProduct(DeviceBuffer a, boolean transA, DeviceBuffer b,
      boolean transB, int m, int n, int k, DeviceBuffer param, DeviceBuffer velocity, double lr,
      double momentum, double weightDecay) {
    CONTRACT.sgdUpdateFromProduct(a, transA, b, transB, m, n, k, param, velocity);
    String p = "sgdUpdateFromProduct";
    return Gemm.sgdFromProduct(cpu(p, "a", a), transA, cpu(p, "b", b), transB, m, n, k,
        cpu(p, "param", param), velocity == null ? null : cpu(p, "velocity", velocity), lr,
        momentum, weightDecay);
  }

  @Override
  public void adamUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v,
      double beta1, double beta2, double eps, DeviceBuffer lrT) {
    CONTRACT.adamUpdate(param, grad, m, v, lrT);
    String p = "adamUpdate";
    OptimizerKernels.adam(cpu(p, "param", param), cpu(p, "grad", grad), cpu(p, "m", m),
        cpu(p, "v", v), beta1, beta2, eps, cpu(p, "lrT", lrT).doubles()[0]);
  }

  @Override
  public void adamwUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v,
      double beta1, double beta2, double eps, DeviceBuffer decay, DeviceBuffer biasRoot,
      DeviceBuffer step) {
    CONTRACT.adamwUpdate(param, grad, m, v, decay, biasRoot, step);
    String p = "adamwUpdate";
    OptimizerKernels.adamw(cpu(p, "param", param), cpu(p, "grad", grad), cpu(p, "m", m),
        cpu(p, "v", v), beta1, beta2, eps, cpu(p, "decay", decay).doubles()[0],
        cpu(p, "biasRoot", biasRoot).doubles()[0], cpu(p, "step", step).doubles()[0]);
  }

  @Override
  public void fill(DeviceBuffer dst, double value) {
    CONTRACT.fill(dst, value);
    CpuBuffer d = cpu("fill", "dst", dst);
    if (d.dtype() == DType.INT32) {
      java.util.Arrays.fill(d.ints(), (int) value); // a whole number: the contract checked
    } else if (d.dtype() == DType.UINT8) {
      java.util.Arrays.fill(d.bytes(), (byte) value); // 0..255: the contract checked
    } else {
      d.kernels().fill(d.array(), value);
    }
  }

  @Override
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset,
      long length) {
    CONTRACT.copy(src, srcOffset, dst, dstOffset, length);
    CpuBuffer s = cpu("copy", "src", src);
    CpuBuffer d = cpu("copy", "dst", dst);
    System.arraycopy(s.array(), (int) srcOffset, d.array(), (int) dstOffset, (int) length);
  }

  @Override
  public void copyAxisRange(DeviceBuffer src, int srcAxis, int srcStart, DeviceBuffer dst,
      int dstAxis, int dstStart, int outer, int count, int inner) {
    CONTRACT.copyAxisRange(src, srcAxis, srcStart, dst, dstAxis, dstStart, outer, count, inner);
    String p = "copyAxisRange";
    Layout.copyAxisRange(cpu(p, "src", src), srcAxis, srcStart, cpu(p, "dst", dst), dstAxis,
        dstStart, outer, count, inner);
  }

  @Override
  public void copyStrided(DeviceBuffer src, long srcOffset, long[] srcStrides, int[] shape,
      DeviceBuffer dst) {
    CONTRACT.copyStrided(src, srcOffset, srcStrides, shape, dst);
    String p = "copyStrided";
    Layout.copyStrided(cpu(p, "src", src), srcOffset, srcStrides, shape, cpu(p, "dst", dst));
  }

  @Override
  public void unary(UnaryOp op, DeviceBuffer x, DeviceBuffer out) {
    CONTRACT.unary(op, x, out);
    Elementwise.unary(op, cpu("unary", "x", x), cpu("unary", "out", out));
  }

  @Override
  public void binary(BinaryOp op, DeviceBuffer a, Shape aShape, DeviceBuffer b, Shape bShape,
      DeviceBuffer out, Shape outShape) {
    CONTRACT.binary(op, a, aShape, b, bShape, out, outShape);
    Elementwise.binary(op, cpu("binary", "a", a), cpu("binary", "b", b), cpu("binary", "out", out),
        BroadcastPlan.of(aShape, bShape, outShape));
  }

  @Override
  public void scalar(BinaryOp op, DeviceBuffer a, double s, DeviceBuffer out) {
    CONTRACT.scalar(op, a, out);
    Elementwise.scalar(op, cpu("scalar", "a", a), s, cpu("scalar", "out", out));
  }

  @Override
  public void matmul(DeviceBuffer a, boolean transA, DeviceBuffer b, boolean transB,
      DeviceBuffer out, int m, int n, int k) {
    CONTRACT.matmul(a, transA, b, transB, out, m, n, k);
    String p = "matmul";
    Gemm.multiply(cpu(p, "a", a), transA, cpu(p, "b", b), transB, cpu(p, "out", out), m, n, k);
  }

  @Override
  public void matmulBatched(DeviceBuffer a, boolean transA, DeviceBuffer b, boolean transB,
      DeviceBuffer out, int batch, int m, int n, int k, long strideA, long strideB) {
    CONTRACT.matmulBatched(a, transA, b, transB, out, batch, m, n, k, strideA, strideB);
    String p = "matmulBatched";
    Gemm.multiplyBatched(cpu(p, "a", a), transA, cpu(p, "b", b), transB, cpu(p, "out", out),
        batch, m, n, k, strideA, strideB);
  }

  @Override
  public void reduce(ReduceOp op, DeviceBuffer x, int outer, int axis, int inner,
      DeviceBuffer out) {
    CONTRACT.reduce(op, x, outer, axis, inner, out);
    Reductions.reduce(op, cpu("reduce", "x", x), outer, axis, inner, cpu("reduce", "out", out));
  }

  /**
   * Lists the nonzeros of a mostly-zero FLOAT32 matrix for the products that will read it (see
   * {@link SparseOperand}); other matrices, and any without the native helper, are left alone.
   */
  @Override
  public void prepareOperand(DeviceBuffer buffer, int rows, int cols) {
    CONTRACT.prepareOperand(buffer, rows, cols);
    CpuBuffer b = cpu("prepareOperand", "buffer", buffer);
    if (NativeCpu.available() && b.dtype() == DType.FLOAT32) {
      float[] a = (float[]) b.productOperand(); // only read
      if (DirectGemm.worthListing(a, rows, cols)) {
        b.attachSparse(SparseOperand.list(a, rows, cols));
      }
    }
  }

  @Override
  public void transpose(DeviceBuffer x, int batch, int rows, int cols, DeviceBuffer out) {
    CONTRACT.transpose(x, batch, rows, cols, out);
    Layout.transpose(cpu("transpose", "x", x), batch, rows, cols, cpu("transpose", "out", out));
  }

  @Override
  public void indexSelect(DeviceBuffer src, int outer, int axis, int inner, DeviceBuffer indices,
      DeviceBuffer out) {
    CONTRACT.indexSelect(src, outer, axis, inner, indices, out);
    String p = "indexSelect";
    int[] idx = Indexing.readIndices(p, cpu(p, "indices", indices), axis);
    Indexing.select(cpu(p, "src", src), outer, axis, inner, idx, cpu(p, "out", out));
  }

  @Override
  public void indexAdd(DeviceBuffer src, DeviceBuffer indices, DeviceBuffer dst, int outer,
      int axis, int inner) {
    CONTRACT.indexAdd(src, indices, dst, outer, axis, inner);
    String p = "indexAdd";
    int[] idx = Indexing.readIndices(p, cpu(p, "indices", indices), axis);
    Indexing.add(cpu(p, "src", src), idx, cpu(p, "dst", dst), outer, axis, inner);
  }

  @Override
  public void oneHot(DeviceBuffer indices, int classes, DeviceBuffer out) {
    CONTRACT.oneHot(indices, classes, out);
    String p = "oneHot";
    int[] idx = Indexing.readIndices(p, cpu(p, "indices", indices), classes);
    Indexing.oneHot(idx, classes, cpu(p, "out", out));
  }

  @Override
  public String toString() {
    return "CpuBackend[threads=" + Parallel.threads() + "]";
  }
}
