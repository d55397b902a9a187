package dev.jgrad.cpu;

import static dev.jgrad.cpu.Checks.cpu;
import static dev.jgrad.cpu.Checks.length;
import static dev.jgrad.cpu.Checks.nonNegative;
import static dev.jgrad.cpu.Checks.product;
import static dev.jgrad.cpu.Checks.sameDtype;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Objects;

/**
 * The CPU backend: buffers are Java arrays, matrix products go to OpenBLAS, everything else is
 * plain Java loops split over the cores when large. This class checks every argument against the
 * {@link Backend} contract and hands the work to one helper per kind of primitive. It is
 * synchronous and safe to call from several threads on different buffers.
 */
public final class CpuBackend implements Backend, FusedSgd {
  /** The name this backend is selected by. */
  public static final String NAME = "cpu";

  /** Java arrays cannot be longer than this on HotSpot. */
  private static final long MAX_LENGTH = Integer.MAX_VALUE - 8;
  private static final EnumMap<UnaryOp, String> UNARY_NAMES =
      Checks.primitiveNames("unary", UnaryOp.class);
  private static final EnumMap<BinaryOp, String> BINARY_NAMES =
      Checks.primitiveNames("binary", BinaryOp.class);
  private static final EnumMap<BinaryOp, String> SCALAR_NAMES =
      Checks.primitiveNames("scalar", BinaryOp.class);
  private static final EnumMap<ReduceOp, String> REDUCE_NAMES =
      Checks.primitiveNames("reduce", ReduceOp.class);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DeviceBuffer allocate(DType dtype, long length) {
    Objects.requireNonNull(dtype, "allocate: dtype is null");
    if (length < 0 || length > MAX_LENGTH) {
      throw new IllegalArgumentException("allocate: length must be between 0 and " + MAX_LENGTH
          + " (CPU buffers are Java arrays) but is " + length);
    }
    return CpuBuffer.allocate(dtype, (int) length);
  }

  @Override
  public DeviceBuffer upload(float[] data) {
    return CpuBuffer.wrap(Objects.requireNonNull(data, "upload: data is null").clone());
  }

  @Override
  public DeviceBuffer upload(double[] data) {
    return CpuBuffer.wrap(Objects.requireNonNull(data, "upload: data is null").clone());
  }

  @Override
  public void download(DeviceBuffer src, float[] dst) {
    toHost(src, Objects.requireNonNull(dst, "download: destination is null"), dst.length);
  }

  @Override
  public void download(DeviceBuffer src, double[] dst) {
    toHost(src, Objects.requireNonNull(dst, "download: destination is null"), dst.length);
  }

  /** Copies {@code src} into the host array {@code dst}, converting between float and double. */
  private static void toHost(DeviceBuffer src, Object dst, int hostLength) {
    CpuBuffer s = cpu("download", "source", src);
    if (hostLength != s.length()) {
      throw new IllegalArgumentException("download: destination array must have length "
          + s.length() + " but has length " + hostLength);
    }
    Object storage = s.array();
    if (storage.getClass() == dst.getClass()) {
      System.arraycopy(storage, 0, dst, 0, hostLength);
    } else if (dst instanceof float[]) {
      double[] from = (double[]) storage;
      float[] to = (float[]) dst;
      for (int i = 0; i < hostLength; i++) {
        to[i] = (float) from[i];
      }
    } else {
      float[] from = (float[]) storage;
      double[] to = (double[]) dst;
      for (int i = 0; i < hostLength; i++) {
        to[i] = from[i];
      }
    }
  }

  @Override
  public void sgdUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer velocity, double lr,
      double momentum, double weightDecay) {
    String p = "sgdUpdate";
    CpuBuffer w = cpu(p, "param", param);
    CpuBuffer g = cpu(p, "grad", grad);
    sameDtype(p, "param", w, "grad", g);
    length(p, "grad", g, w.length());
    CpuBuffer v = null;
    if (velocity != null) {
      v = cpu(p, "velocity", velocity);
      sameDtype(p, "param", w, "velocity", v);
      length(p, "velocity", v, w.length());
    }
    SgdKernels.update(w, g, v, lr, momentum, weightDecay);
  }

  @Override
  public void fill(DeviceBuffer dst, double value) {
    CpuBuffer d = cpu("fill", "destination", dst);
    if (d.dtype() == DType.FLOAT32) {
      Arrays.fill(d.floats(), (float) value);
    } else {
      Arrays.fill(d.doubles(), value);
    }
  }

  @Override
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset,
      long length) {
    CpuBuffer s = cpu("copy", "source", src);
    CpuBuffer d = cpu("copy", "destination", dst);
    sameDtype("copy", "source", s, "destination", d);
    checkRange("copy", "source", srcOffset, length, s.length());
    checkRange("copy", "destination", dstOffset, length, d.length());
    System.arraycopy(s.array(), (int) srcOffset, d.array(), (int) dstOffset, (int) length);
  }

  private static void checkRange(String primitive, String role, long start, long count,
      long bound) {
    if (start < 0 || count < 0 || start + count > bound) {
      throw new IndexOutOfBoundsException(primitive + ": " + role + " range [" + start + ", "
          + (start + count) + ") is outside [0, " + bound + ")");
    }
  }

  @Override
  public void copyAxisRange(DeviceBuffer src, int srcAxis, int srcStart, DeviceBuffer dst,
      int dstAxis, int dstStart, int outer, int count, int inner) {
    String p = "copyAxisRange";
    CpuBuffer s = cpu(p, "source", src);
    CpuBuffer d = cpu(p, "destination", dst);
    sameDtype(p, "source", s, "destination", d);
    nonNegative(p, "outer", outer);
    nonNegative(p, "inner", inner);
    nonNegative(p, "srcAxis", srcAxis);
    nonNegative(p, "dstAxis", dstAxis);
    checkRange(p, "source axis", srcStart, count, srcAxis);
    checkRange(p, "destination axis", dstStart, count, dstAxis);
    length(p, "source", s, product(p, outer, srcAxis, inner));
    length(p, "destination", d, product(p, outer, dstAxis, inner));
    Layout.copyAxisRange(s, srcAxis, srcStart, d, dstAxis, dstStart, outer, count, inner);
  }

  @Override
  public void unary(UnaryOp op, DeviceBuffer x, DeviceBuffer out) {
    String p = UNARY_NAMES.get(Objects.requireNonNull(op, "unary: op is null"));
    CpuBuffer xb = cpu(p, "x", x);
    CpuBuffer ob = cpu(p, "out", out);
    sameDtype(p, "x", xb, "out", ob);
    length(p, "out", ob, xb.length());
    Elementwise.unary(op, xb, ob);
  }

  @Override
  public void binary(BinaryOp op, DeviceBuffer a, Shape aShape, DeviceBuffer b, Shape bShape,
      DeviceBuffer out, Shape outShape) {
    String p = BINARY_NAMES.get(Objects.requireNonNull(op, "binary: op is null"));
    CpuBuffer ab = cpu(p, "a", a);
    CpuBuffer bb = cpu(p, "b", b);
    CpuBuffer ob = cpu(p, "out", out);
    sameDtype(p, "a", ab, "b", bb);
    sameDtype(p, "a", ab, "out", ob);
    Objects.requireNonNull(aShape, p + ": aShape is null");
    Objects.requireNonNull(bShape, p + ": bShape is null");
    Objects.requireNonNull(outShape, p + ": outShape is null");
    Shape expected = Shape.broadcast(aShape, bShape, p);
    if (!expected.equals(outShape)) {
      throw new IllegalArgumentException(p + ": outShape must be the broadcast of " + aShape
          + " and " + bShape + ", which is " + expected + ", but is " + outShape);
    }
    length(p, () -> "a (shape " + aShape + ")", ab, aShape.size());
    length(p, () -> "b (shape " + bShape + ")", bb, bShape.size());
    length(p, () -> "out (shape " + outShape + ")", ob, outShape.size());
    Elementwise.binary(op, ab, bb, ob, BroadcastPlan.of(aShape, bShape, outShape));
  }

  @Override
  public void scalar(BinaryOp op, DeviceBuffer a, double s, DeviceBuffer out) {
    String p = SCALAR_NAMES.get(Objects.requireNonNull(op, "scalar: op is null"));
    CpuBuffer ab = cpu(p, "a", a);
    CpuBuffer ob = cpu(p, "out", out);
    sameDtype(p, "a", ab, "out", ob);
    length(p, "out", ob, ab.length());
    Elementwise.scalar(op, ab, s, ob);
  }

  @Override
  public void matmul(DeviceBuffer a, boolean transA, DeviceBuffer b, boolean transB,
      DeviceBuffer out, int m, int n, int k) {
    String p = "matmul";
    CpuBuffer ab = cpu(p, "a", a);
    CpuBuffer bb = cpu(p, "b", b);
    CpuBuffer ob = cpu(p, "out", out);
    sameDtype(p, "a", ab, "b", bb);
    sameDtype(p, "a", ab, "out", ob);
    nonNegative(p, "m", m);
    nonNegative(p, "n", n);
    nonNegative(p, "k", k);
    length(p, () -> transA ? "a (stored [k, m] = [" + k + ", " + m + "])"
        : "a (stored [m, k] = [" + m + ", " + k + "])", ab, (long) m * k);
    length(p, () -> transB ? "b (stored [n, k] = [" + n + ", " + k + "])"
        : "b (stored [k, n] = [" + k + ", " + n + "])", bb, (long) k * n);
    length(p, () -> "out ([m, n] = [" + m + ", " + n + "])", ob, (long) m * n);
    Gemm.multiply(ab, transA, bb, transB, ob, m, n, k);
  }

  @Override
  public void reduce(ReduceOp op, DeviceBuffer x, int outer, int axis, int inner,
      DeviceBuffer out) {
    String p = REDUCE_NAMES.get(Objects.requireNonNull(op, "reduce: op is null"));
    CpuBuffer xb = cpu(p, "x", x);
    CpuBuffer ob = cpu(p, "out", out);
    sameDtype(p, "x", xb, "out", ob);
    if (axis < 1) {
      throw new IllegalArgumentException(p + ": axis must be at least 1 but is " + axis);
    }
    nonNegative(p, "outer", outer);
    nonNegative(p, "inner", inner);
    length(p, () -> "x ([outer, axis, inner] = [" + outer + ", " + axis + ", " + inner + "])", xb,
        product(p, outer, axis, inner));
    length(p, () -> "out ([outer, inner] = [" + outer + ", " + inner + "])", ob,
        (long) outer * inner);
    Reductions.reduce(op, xb, outer, axis, inner, ob);
  }

  /**
   * Lists the nonzeros of a mostly-zero FLOAT32 matrix for the products that will read it (see
   * {@link SparseOperand}); other matrices, and any without the native helper, are left alone.
   */
  @Override
  public void prepareOperand(DeviceBuffer buffer, int rows, int cols) {
    String p = "prepareOperand";
    CpuBuffer b = cpu(p, "buffer", buffer);
    nonNegative(p, "rows", rows);
    nonNegative(p, "cols", cols);
    length(p, () -> "buffer ([rows, cols] = [" + rows + ", " + cols + "])", b,
        (long) rows * cols);
    if (NativeCpu.available() && b.dtype() == DType.FLOAT32) {
      float[] a = (float[]) b.productOperand(); // only read
      if (DirectGemm.worthListing(a, rows, cols)) {
        b.attachSparse(SparseOperand.list(a, rows, cols));
      }
    }
  }

  @Override
  public void transpose(DeviceBuffer x, int batch, int rows, int cols, DeviceBuffer out) {
    String p = "transpose";
    CpuBuffer xb = cpu(p, "x", x);
    CpuBuffer ob = cpu(p, "out", out);
    sameDtype(p, "x", xb, "out", ob);
    nonNegative(p, "batch", batch);
    nonNegative(p, "rows", rows);
    nonNegative(p, "cols", cols);
    long size = product(p, batch, rows, cols);
    length(p, () -> "x ([batch, rows, cols] = [" + batch + ", " + rows + ", " + cols + "])", xb,
        size);
    length(p, () -> "out ([batch, cols, rows] = [" + batch + ", " + cols + ", " + rows + "])", ob,
        size);
    Layout.transpose(xb, batch, rows, cols, ob);
  }

  @Override
  public void indexSelect(DeviceBuffer src, int outer, int axis, int inner, DeviceBuffer indices,
      DeviceBuffer out) {
    String p = "indexSelect";
    CpuBuffer sb = cpu(p, "src", src);
    CpuBuffer ib = cpu(p, "indices", indices);
    CpuBuffer ob = cpu(p, "out", out);
    sameDtype(p, "src", sb, "indices", ib);
    sameDtype(p, "src", sb, "out", ob);
    nonNegative(p, "outer", outer);
    nonNegative(p, "axis", axis);
    nonNegative(p, "inner", inner);
    length(p, () -> "src ([outer, axis, inner] = [" + outer + ", " + axis + ", " + inner + "])", sb,
        product(p, outer, axis, inner));
    length(p, () -> "out ([outer, indices, inner] = [" + outer + ", " + ib.length() + ", " + inner
        + "])", ob, product(p, outer, ib.length(), inner));
    int[] idx = Indexing.readIndices(p, ib, axis);
    Indexing.select(sb, outer, axis, inner, idx, ob);
  }

  @Override
  public void indexAdd(DeviceBuffer src, DeviceBuffer indices, DeviceBuffer dst, int outer,
      int axis, int inner) {
    String p = "indexAdd";
    CpuBuffer sb = cpu(p, "src", src);
    CpuBuffer ib = cpu(p, "indices", indices);
    CpuBuffer db = cpu(p, "dst", dst);
    sameDtype(p, "src", sb, "indices", ib);
    sameDtype(p, "src", sb, "dst", db);
    nonNegative(p, "outer", outer);
    nonNegative(p, "axis", axis);
    nonNegative(p, "inner", inner);
    length(p, () -> "src ([outer, indices, inner] = [" + outer + ", " + ib.length() + ", " + inner
        + "])", sb, product(p, outer, ib.length(), inner));
    length(p, () -> "dst ([outer, axis, inner] = [" + outer + ", " + axis + ", " + inner + "])", db,
        product(p, outer, axis, inner));
    int[] idx = Indexing.readIndices(p, ib, axis);
    Indexing.add(sb, idx, db, outer, axis, inner);
  }

  @Override
  public void oneHot(DeviceBuffer indices, int classes, DeviceBuffer out) {
    String p = "oneHot";
    CpuBuffer ib = cpu(p, "indices", indices);
    CpuBuffer ob = cpu(p, "out", out);
    sameDtype(p, "indices", ib, "out", ob);
    nonNegative(p, "classes", classes);
    length(p, () -> "out ([indices, classes] = [" + ib.length() + ", " + classes + "])", ob,
        ib.length() * (long) classes);
    int[] idx = Indexing.readIndices(p, ib, classes);
    Indexing.oneHot(idx, classes, ob);
  }

  @Override
  public String toString() {
    return "CpuBackend[threads=" + Parallel.threads() + "]";
  }
}
