package dev.jgrad.api;

import static dev.jgrad.api.ArgumentChecks.atLeastOne;
import static dev.jgrad.api.ArgumentChecks.distinct;
import static dev.jgrad.api.ArgumentChecks.floating;
import static dev.jgrad.api.ArgumentChecks.indexDtype;
import static dev.jgrad.api.ArgumentChecks.length;
import static dev.jgrad.api.ArgumentChecks.nonNegative;
import static dev.jgrad.api.ArgumentChecks.product;
import static dev.jgrad.api.ArgumentChecks.range;
import static dev.jgrad.api.ArgumentChecks.sameDtype;
import static dev.jgrad.api.ArgumentChecks.usable;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The argument contract of every {@link Backend} primitive (and of {@link FusedSgd},
 * {@link FusedAdam} and {@link FusedAdamW}), checked in one place so that every backend accepts
 * and rejects the same calls with the same words. A backend calls the method named after the
 * primitive first, then casts its buffers and works; nothing is written before the checks pass.
 * Values inside index buffers are the backend's to check as it reads them
 * ({@link ArgumentChecks#index}).
 *
 * <p>Each method checks: every buffer non-null, of this backend and open; dtypes: one for all
 * data buffers of the call, floating-point for arithmetic (INT32 is only moved, gathered,
 * converted and read as indices; UINT8 only moved, gathered and converted), INT32 for every
 * index operand (the {@code indices} of {@code indexSelect}, {@code indexAdd} and
 * {@code oneHot}, argmax's output); every size non-negative and every length what the sizes say
 * (the message spells out the shape); ranges inside their buffers; and aliasing. Aliasing rules:
 * the elementwise primitives ({@code unary}, {@code binary}, {@code scalar}) and {@code copy} may
 * write into an input (in place; {@code copy} as if the source were read first); every other
 * primitive's output must be a buffer none of its inputs is, except {@code transpose} of a single
 * row or column, which moves nothing, and {@code sgdUpdate}'s param, which may be its grad
 * ({@code adamUpdate}'s and {@code adamwUpdate}'s buffers are all distinct).
 */
public final class BackendContract {
  private static final EnumMap<UnaryOp, String> UNARY = names("unary", UnaryOp.class);
  private static final EnumMap<BinaryOp, String> BINARY = names("binary", BinaryOp.class);
  private static final EnumMap<BinaryOp, String> SCALAR = names("scalar", BinaryOp.class);
  private static final EnumMap<ReduceOp, String> REDUCE = names("reduce", ReduceOp.class);
  /** The step scalars' roles: Adam's one, AdamW's three. */
  private static final String[] ADAM_SCALARS = {"lrT"};
  private static final String[] ADAMW_SCALARS = {"decay", "biasRoot", "step"};

  private final String b;

  /** @param backend the backend's name, as its buffers report it and messages show it */
  public BackendContract(String backend) {
    this.b = Objects.requireNonNull(backend, "backend name is null");
  }

  /**
   * The contract of the backend a default method of {@link FusedSgd}, {@link FusedAdam} or
   * {@link FusedAdamW} runs on: named after it where it is a {@link Backend}, else after its
   * class.
   */
  static BackendContract of(Object implementation) {
    return new BackendContract(implementation instanceof Backend backend ? backend.name()
        : implementation.getClass().getSimpleName());
  }

  /** "kind(OP)" for every constant, built once rather than per call. */
  private static <E extends Enum<E>> EnumMap<E, String> names(String kind, Class<E> ops) {
    EnumMap<E, String> names = new EnumMap<>(ops);
    for (E op : ops.getEnumConstants()) {
      names.put(op, kind + "(" + op + ")");
    }
    return names;
  }

  private static <E extends Enum<E>> String name(EnumMap<E, String> names, String kind, E op) {
    if (op == null) {
      throw new NullPointerException(kind + ": op is null");
    }
    return names.get(op);
  }

  /** Both buffers usable ({@link ArgumentChecks#usable}) and of one dtype. */
  private void usableOfOneDtype(String p, String firstRole, DeviceBuffer first, String otherRole,
      DeviceBuffer other) {
    usable(b, p, firstRole, first);
    usable(b, p, otherRole, other);
    sameDtype(b, p, firstRole, first, otherRole, other);
  }

  /** {@link Backend#allocate}: a non-null dtype and a length of at least 0. */
  public void allocate(DType dtype, long length) {
    if (dtype == null) {
      throw new NullPointerException(ArgumentChecks.where(b, "allocate") + "dtype is null");
    }
    nonNegative(b, "allocate", "length", length);
    product(b, "allocate", length, dtype.byteSize());
  }

  /** {@code hostLength}: the host array's length, or -1 when the array is null. */
  public void download(DeviceBuffer src, int hostLength) {
    String p = "download";
    usable(b, p, "src", src);
    if (hostLength < 0) {
      throw new NullPointerException(ArgumentChecks.where(b, p) + "the destination array is null");
    }
    if (hostLength != src.length()) {
      throw new IllegalArgumentException(ArgumentChecks.where(b, p) + "the destination array must "
          + "have length " + src.length() + " but has length " + hostLength);
    }
  }

  /**
   * INT32 takes only whole values in int range, UINT8 only whole values in 0..255: a fill never
   * rounds or wraps an integer silently.
   */
  public void fill(DeviceBuffer dst, double value) {
    usable(b, "fill", "dst", dst);
    DType d = dst.dtype();
    double min = d == DType.UINT8 ? 0 : Integer.MIN_VALUE;
    double max = d == DType.UINT8 ? 255 : Integer.MAX_VALUE;
    if (!d.isFloatingPoint() && (value != Math.rint(value) || value < min || value > max)) {
      // NaN fails the first test
      throw new IllegalArgumentException(ArgumentChecks.where(b, "fill") + "value " + value
          + " is not a whole number in " + d + "'s range, which dst (" + d + ") needs");
    }
  }

  /** {@code hostLength}: the int[] array's length, or -1 when it is null; src must be INT32. */
  public void downloadInts(DeviceBuffer src, int hostLength) {
    download(src, hostLength);
    if (src.dtype() != DType.INT32) {
      throw new IllegalArgumentException(ArgumentChecks.where(b, "download") + "src is "
          + src.dtype() + " but an int[] destination takes INT32 only; convert it with "
          + ".to(DType.INT32) first");
    }
  }

  /** Any two dtypes, one length, two buffers. */
  public void convert(DeviceBuffer src, DeviceBuffer dst) {
    String p = "convert";
    usable(b, p, "src", src);
    usable(b, p, "dst", dst);
    length(b, p, "dst", dst, src.length());
    distinct(b, p, "dst", dst, "src", src);
  }

  /**
   * {@link Backend#copy}: one dtype, both ranges inside their buffers; src and dst may be the same
   * buffer.
   */
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset,
      long length) {
    String p = "copy";
    usableOfOneDtype(p, "src", src, "dst", dst);
    range(b, p, "source range", srcOffset, length, src.length());
    range(b, p, "destination range", dstOffset, length, dst.length());
  }

  /**
   * {@link Backend#copyAxisRange}: one dtype, sizes non-negative, each range inside its axis, and
   * no aliasing of src and dst.
   */
  public void copyAxisRange(DeviceBuffer src, int srcAxis, int srcStart, DeviceBuffer dst,
      int dstAxis, int dstStart, int outer, int count, int inner) {
    String p = "copyAxisRange";
    usableOfOneDtype(p, "src", src, "dst", dst);
    nonNegative(b, p, "outer", outer);
    nonNegative(b, p, "inner", inner);
    nonNegative(b, p, "srcAxis", srcAxis);
    nonNegative(b, p, "dstAxis", dstAxis);
    range(b, p, "source axis range", srcStart, count, srcAxis);
    range(b, p, "destination axis range", dstStart, count, dstAxis);
    length(b, p, () -> "src ([outer, srcAxis, inner] = [" + outer + ", " + srcAxis + ", " + inner
        + "])", src, product(b, p, outer, srcAxis, inner));
    length(b, p, () -> "dst ([outer, dstAxis, inner] = [" + outer + ", " + dstAxis + ", " + inner
        + "])", dst, product(b, p, outer, dstAxis, inner));
    distinct(b, p, "dst", dst, "src", src);
  }

  /**
   * One dtype (any, INT32 too), rank at most {@link Backend#MAX_STRIDED_RANK}, shape and strides
   * of one rank, sizes, strides and offset non-negative, dst of the shape's size, every element
   * the view reaches inside src, and dst not src.
   */
  public void copyStrided(DeviceBuffer src, long srcOffset, long[] srcStrides, int[] shape,
      DeviceBuffer dst) {
    String p = "copyStrided";
    usableOfOneDtype(p, "src", src, "dst", dst);
    Objects.requireNonNull(shape, () -> ArgumentChecks.where(b, p) + "shape is null");
    Objects.requireNonNull(srcStrides, () -> ArgumentChecks.where(b, p) + "srcStrides is null");
    if (shape.length != srcStrides.length || shape.length > Backend.MAX_STRIDED_RANK) {
      throw new IllegalArgumentException(ArgumentChecks.where(b, p) + "shape "
          + Arrays.toString(shape) + " and srcStrides "
          + Arrays.toString(srcStrides) + " must have one rank of at most "
          + Backend.MAX_STRIDED_RANK);
    }
    nonNegative(b, p, "srcOffset", srcOffset);
    long size = 1;
    long last = srcOffset; // the furthest element the view reaches
    for (int i = 0; i < shape.length; i++) {
      nonNegative(b, p, "shape[" + i + "]", shape[i]);
      nonNegative(b, p, "srcStrides[" + i + "]", srcStrides[i]);
      size = product(b, p, size, shape[i]);
      if (shape[i] > 0) {
        last += product(b, p, shape[i] - 1, srcStrides[i]);
      }
    }
    length(b, p, () -> "dst (shape " + Arrays.toString(shape) + ")", dst, size);
    if (size > 0) {
      range(b, p, "source range", srcOffset, last - srcOffset + 1, src.length());
    }
    distinct(b, p, "dst", dst, "src", src);
  }

  /** {@link Backend#unary}: a float dtype for both, out as long as x (out may be x). */
  public void unary(UnaryOp op, DeviceBuffer x, DeviceBuffer out) {
    String p = name(UNARY, "unary", op);
    usableOfOneDtype(p, "x", x, "out", out);
    floating(b, p, "x", x);
    length(b, p, "out", out, x.length());
  }

  /**
   * {@link Backend#binary}: one float dtype, outShape the broadcast of aShape and bShape, and each
   * buffer as long as its shape (out may be an input).
   */
  public void binary(BinaryOp op, DeviceBuffer a, Shape aShape, DeviceBuffer bBuf, Shape bShape,
      DeviceBuffer out, Shape outShape) {
    String p = name(BINARY, "binary", op);
    usable(b, p, "a", a);
    usable(b, p, "b", bBuf);
    usable(b, p, "out", out);
    sameDtype(b, p, "a", a, "b", bBuf);
    sameDtype(b, p, "a", a, "out", out);
    floating(b, p, "a", a);
    Objects.requireNonNull(aShape, () -> ArgumentChecks.where(b, p) + "aShape is null");
    Objects.requireNonNull(bShape, () -> ArgumentChecks.where(b, p) + "bShape is null");
    Objects.requireNonNull(outShape, () -> ArgumentChecks.where(b, p) + "outShape is null");
    // Shape's message starts "<op>: "; naming the backend too makes it the contract's prefix
    Shape expected = Shape.broadcast(aShape, bShape, p + " on the " + b + " backend");
    if (!expected.equals(outShape)) {
      throw new IllegalArgumentException(ArgumentChecks.where(b, p) + "outShape must be the "
          + "broadcast of " + aShape + " and " + bShape + ", which is " + expected + ", but is "
          + outShape);
    }
    length(b, p, () -> "a (shape " + aShape + ")", a, aShape.size());
    length(b, p, () -> "b (shape " + bShape + ")", bBuf, bShape.size());
    length(b, p, () -> "out (shape " + outShape + ")", out, outShape.size());
  }

  /** {@link Backend#scalar}: a float dtype for both, out as long as a (out may be a). */
  public void scalar(BinaryOp op, DeviceBuffer a, DeviceBuffer out) {
    String p = name(SCALAR, "scalar", op);
    usableOfOneDtype(p, "a", a, "out", out);
    floating(b, p, "a", a);
    length(b, p, "out", out, a.length());
  }

  /**
   * {@link Backend#matmul}: one float dtype, a, b and out as long as [m, k], [k, n] and [m, n]
   * (stored transposed where the flag says), out neither input.
   */
  public void matmul(DeviceBuffer a, boolean transA, DeviceBuffer bBuf, boolean transB,
      DeviceBuffer out, int m, int n, int k) {
    String p = "matmul";
    productOperands(p, a, bBuf, "out", out, m, n, k);
    operandLengths(p, a, transA, bBuf, transB, m, n, k);
    length(b, p, () -> "out ([m, n] = [" + m + ", " + n + "])", out, (long) m * n);
    distinct(b, p, "out", out, "a", a);
    distinct(b, p, "out", out, "b", bBuf);
  }

  /**
   * {@link FusedProductSgd#sgdUpdateFromProduct}: a and b as for {@link #matmul}; param and
   * velocity (unless null) of their dtype, [m, n], distinct from each other and the operands.
   */
  public void sgdUpdateFromProduct(DeviceBuffer a, boolean transA, DeviceBuffer bBuf,
      boolean transB, int m, int n, int k, DeviceBuffer param, DeviceBuffer velocity) {
    String p = "sgdUpdateFromProduct";
    productOperands(p, a, bBuf, "param", param, m, n, k);
    operandLengths(p, a, transA, bBuf, transB, m, n, k);
    length(b, p, () -> "param ([m, n] = [" + m + ", " + n + "])", param, (long) m * n);
    distinct(b, p, "param", param, "a", a);
    distinct(b, p, "param", param, "b", bBuf);
    if (velocity != null) {
      usable(b, p, "velocity", velocity);
      sameDtype(b, p, "param", param, "velocity", velocity);
      length(b, p, "velocity", velocity, param.length());
      distinct(b, p, "velocity", velocity, "param", param);
      distinct(b, p, "velocity", velocity, "a", a);
      distinct(b, p, "velocity", velocity, "b", bBuf);
    }
  }

  /** The operands of a product: a as long as [m, k], b as [k, n], stored as the flags say. */
  private void operandLengths(String p, DeviceBuffer a, boolean transA, DeviceBuffer bBuf,
      boolean transB, int m, int n, int k) {
    length(b, p, () -> transA ? "a (stored [k, m] = [" + k + ", " + m + "])"
        : "a (stored [m, k] = [" + m + ", " + k + "])", a, (long) m * k);
    length(b, p, () -> transB ? "b (stored [n, k] = [" + n + ", " + k + "])"
        : "b (stored [k, n] = [" + k + ", " + n + "])", bBuf, (long) k * n);
  }

  /**
   * {@link Backend#matmulBatched}: as {@link #matmul} per product, batch non-negative, each stride
   * 0 (one shared matrix) or its matrix size, out neither input.
   */
  public void matmulBatched(DeviceBuffer a, boolean transA, DeviceBuffer bBuf, boolean transB,
      DeviceBuffer out, int batch, int m, int n, int k, long strideA, long strideB) {
    String p = "matmulBatched";
    productOperands(p, a, bBuf, "out", out, m, n, k);
    nonNegative(b, p, "batch", batch);
    long aSize = (long) m * k; // ints: no overflow in a long
    long bSize = (long) k * n;
    stride(p, "strideA", "a", strideA, "m * k", aSize);
    stride(p, "strideB", "b", strideB, "k * n", bSize);
    length(b, p, () -> transA ? batchedRole("a", strideA == 0, batch, "k, m", k, m)
        : batchedRole("a", strideA == 0, batch, "m, k", m, k), a,
        strideA == 0 ? aSize : product(b, p, batch, m, k));
    length(b, p, () -> transB ? batchedRole("b", strideB == 0, batch, "n, k", n, k)
        : batchedRole("b", strideB == 0, batch, "k, n", k, n), bBuf,
        strideB == 0 ? bSize : product(b, p, batch, k, n));
    length(b, p, () -> "out ([batch, m, n] = [" + batch + ", " + m + ", " + n + "])", out,
        product(b, p, batch, m, n));
    distinct(b, p, "out", out, "a", a);
    distinct(b, p, "out", out, "b", bBuf);
  }

  /** What every product checks alike: the buffers, one float dtype, the sizes. */
  private void productOperands(String p, DeviceBuffer a, DeviceBuffer bBuf, String outName,
      DeviceBuffer out, int m, int n, int k) {
    usable(b, p, "a", a);
    usable(b, p, "b", bBuf);
    usable(b, p, outName, out);
    sameDtype(b, p, "a", a, "b", bBuf);
    sameDtype(b, p, "a", a, outName, out);
    floating(b, p, "a", a);
    nonNegative(b, p, "m", m);
    nonNegative(b, p, "n", n);
    nonNegative(b, p, "k", k);
  }

  /** How a batched operand is stored, for a length error: one shared matrix, or one per product. */
  private static String batchedRole(String operand, boolean shared, int batch, String dims,
      int rows, int cols) {
    return shared ? operand + " (one shared matrix, stored [" + dims + "] = [" + rows + ", " + cols
        + "])" : operand + " (stored [batch, " + dims + "] = [" + batch + ", " + rows + ", " + cols
        + "])";
  }

  /** A batched operand's stride: 0 (shared by every product) or its matrix size (dense). */
  private void stride(String p, String name, String operand, long stride, String sizeName,
      long size) {
    if (stride != 0 && stride != size) {
      throw new IllegalArgumentException(ArgumentChecks.where(b, p) + name + " must be 0 ("
          + operand + " shared by every product) or " + sizeName + " = " + size + " (" + operand
          + " holds one matrix per product), but is " + stride);
    }
  }

  /**
   * {@link Backend#reduce}: x of a float dtype and [outer, axis, inner] long with axis at least 1,
   * out [outer, inner] long, of x's dtype (INT32 for ARGMAX), not x.
   */
  public void reduce(ReduceOp op, DeviceBuffer x, int outer, int axis, int inner,
      DeviceBuffer out) {
    String p = name(REDUCE, "reduce", op);
    usable(b, p, "x", x);
    usable(b, p, "out", out);
    floating(b, p, "x", x);
    if (op == ReduceOp.ARGMAX) { // indices, never rounded to the data's dtype
      indexDtype(b, p, "out", out);
    } else {
      sameDtype(b, p, "x", x, "out", out);
    }
    nonNegative(b, p, "outer", outer);
    atLeastOne(b, p, "axis", axis);
    nonNegative(b, p, "inner", inner);
    length(b, p, () -> "x ([outer, axis, inner] = [" + outer + ", " + axis + ", " + inner + "])",
        x, product(b, p, outer, axis, inner));
    length(b, p, () -> "out ([outer, inner] = [" + outer + ", " + inner + "])", out,
        product(b, p, outer, inner));
    distinct(b, p, "out", out, "x", x);
  }

  /**
   * {@link Backend#transpose}: one float dtype, x and out [batch, rows, cols] long, out not x
   * unless a single row or column.
   */
  public void transpose(DeviceBuffer x, int batch, int rows, int cols, DeviceBuffer out) {
    String p = "transpose";
    usableOfOneDtype(p, "x", x, "out", out);
    floating(b, p, "x", x);
    nonNegative(b, p, "batch", batch);
    nonNegative(b, p, "rows", rows);
    nonNegative(b, p, "cols", cols);
    long size = product(b, p, batch, rows, cols);
    length(b, p, () -> "x ([batch, rows, cols] = [" + batch + ", " + rows + ", " + cols + "])",
        x, size);
    length(b, p, () -> "out ([batch, cols, rows] = [" + batch + ", " + cols + ", " + rows + "])",
        out, size);
    if (rows > 1 && cols > 1) { // a single row or column is the same bytes either way
      distinct(b, p, "out", out, "x", x);
    }
  }

  /**
   * {@link Backend#indexSelect}: src [outer, axis, inner], INT32 indices, out [outer, indices,
   * inner] of src's dtype, out neither src nor indices.
   */
  public void indexSelect(DeviceBuffer src, int outer, int axis, int inner, DeviceBuffer indices,
      DeviceBuffer out) {
    String p = "indexSelect";
    gatherScatter(p, "src", src, indices, "out", out, outer, axis, inner);
    distinct(b, p, "out", out, "src", src);
    distinct(b, p, "out", out, "indices", indices);
  }

  /**
   * {@link Backend#indexAdd}: dst [outer, axis, inner], INT32 indices, src [outer, indices, inner]
   * of dst's dtype, dst neither src nor indices.
   */
  public void indexAdd(DeviceBuffer src, DeviceBuffer indices, DeviceBuffer dst, int outer,
      int axis, int inner) {
    String p = "indexAdd";
    gatherScatter(p, "dst", dst, indices, "src", src, outer, axis, inner);
    floating(b, p, "dst", dst); // so dst is never the INT32 indices
    distinct(b, p, "dst", dst, "src", src);
  }

  /**
   * What indexSelect and indexAdd share: {@code table} is {@code [outer, axis, inner]},
   * {@code slices} is {@code [outer, indices.length(), inner]} of the table's dtype, and the
   * indices INT32.
   */
  private void gatherScatter(String p, String tableRole, DeviceBuffer table, DeviceBuffer indices,
      String slicesRole, DeviceBuffer slices, int outer, int axis, int inner) {
    usable(b, p, tableRole, table);
    usable(b, p, "indices", indices);
    usable(b, p, slicesRole, slices);
    indexDtype(b, p, "indices", indices);
    sameDtype(b, p, tableRole, table, slicesRole, slices);
    nonNegative(b, p, "outer", outer);
    nonNegative(b, p, "axis", axis);
    nonNegative(b, p, "inner", inner);
    length(b, p, () -> tableRole + " ([outer, axis, inner] = [" + outer + ", " + axis + ", "
        + inner + "])", table, product(b, p, outer, axis, inner));
    length(b, p, () -> slicesRole + " ([outer, indices, inner] = [" + outer + ", "
        + indices.length() + ", " + inner + "])", slices,
        product(b, p, outer, indices.length(), inner));
  }

  /**
   * {@link Backend#oneHot}: INT32 indices, a float out of [indices, classes] elements, classes at
   * least 0.
   */
  public void oneHot(DeviceBuffer indices, int classes, DeviceBuffer out) {
    String p = "oneHot";
    usable(b, p, "indices", indices);
    usable(b, p, "out", out);
    indexDtype(b, p, "indices", indices);
    floating(b, p, "out", out);
    nonNegative(b, p, "classes", classes);
    length(b, p, () -> "out ([indices, classes] = [" + indices.length() + ", " + classes + "])",
        out, product(b, p, indices.length(), classes)); // out is a float: never the indices
  }

  /** {@link Backend#prepareOperand}: the buffer usable and exactly [rows, cols] long. */
  public void prepareOperand(DeviceBuffer buffer, int rows, int cols) {
    String p = "prepareOperand";
    usable(b, p, "buffer", buffer);
    nonNegative(b, p, "rows", rows);
    nonNegative(b, p, "cols", cols);
    length(b, p, () -> "buffer ([rows, cols] = [" + rows + ", " + cols + "])", buffer,
        (long) rows * cols);
  }

  /**
   * {@link FusedSgd#sgdUpdate}: in place on param (and velocity), all of one dtype and length; the
   * rate a one-element FLOAT64 buffer neither is.
   */
  public void sgdUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer velocity,
      DeviceBuffer lr) {
    sgdEntry(param, grad, velocity);
    stepScalar("sgdUpdate", "lr", lr);
    distinct(b, "sgdUpdate", "lr", lr, "param", param); // a one-element FLOAT64 param could be it
    if (velocity != null) {
      distinct(b, "sgdUpdate", "lr", lr, "velocity", velocity);
    }
  }

  /** One SGD entry's buffers: param (and velocity) written, all of one dtype and length. */
  private void sgdEntry(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer velocity) {
    String p = "sgdUpdate";
    usableOfOneDtype(p, "param", param, "grad", grad);
    floating(b, p, "param", param);
    length(b, p, "grad", grad, param.length());
    if (velocity != null) { // param may be grad (elementwise); velocity is written, then read
      usable(b, p, "velocity", velocity);
      sameDtype(b, p, "param", param, "velocity", velocity);
      length(b, p, "velocity", velocity, param.length());
      distinct(b, p, "velocity", velocity, "param", param);
    }
  }

  /**
   * {@link FusedSgd#sgdUpdateAll}'s lists: not null, one entry per param, and no buffer that one
   * entry writes (param, velocity) is another entry's buffer, since a backend may update all
   * entries at once. Each entry's own checks are {@link #sgdUpdate}'s.
   */
  public void sgdUpdateAll(List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> velocities, DeviceBuffer lr) {
    String p = ArgumentChecks.where(b, "sgdUpdateAll");
    Objects.requireNonNull(params, p + "params is null");
    Objects.requireNonNull(grads, p + "grads is null");
    if (grads.size() != params.size()
        || (velocities != null && velocities.size() != params.size())) {
      throw new IllegalArgumentException(p + params.size() + " params, " + grads.size()
          + " grads and " + (velocities == null ? "no" : velocities.size()) + " velocities; "
          + "give one grad (and one velocity, or none at all) per param");
    }
    Map<DeviceBuffer, Integer> writer = writers(p, grads, "its own param or a buffer no entry "
        + "writes", new String[] {"param", "velocity"}, Arrays.asList(params, velocities));
    stepScalar("sgdUpdateAll", "lr", lr);
    Integer w = writer.get(lr);
    if (w != null) {
      throw new IllegalArgumentException(p + "lr is the buffer entry " + w + " updates; give "
          + "the rate its own buffer");
    }
  }

  /**
   * Which entry of a batch update writes each buffer that its entries write (role
   * {@code roles[k]}: the buffers of {@code written.get(k)}, a null list or buffer writing
   * nothing), refusing a buffer that two entries write and a grad that another entry writes, since
   * a backend may update all entries at once. {@code p} is the message prefix.
   */
  private static Map<DeviceBuffer, Integer> writers(String p, List<DeviceBuffer> grads,
      String gradRule, String[] roles, List<List<DeviceBuffer>> written) {
    Map<DeviceBuffer, Integer> writer = new IdentityHashMap<>();
    for (int i = 0; i < grads.size(); i++) {
      for (int k = 0; k < roles.length; k++) {
        if (written.get(k) != null) {
          written(p, writer, written.get(k).get(i), i, roles[k]);
        }
      }
    }
    for (int i = 0; i < grads.size(); i++) {
      Integer w = writer.get(grads.get(i));
      if (w != null && w != i) {
        throw new IllegalArgumentException(p + "grad " + i + " is the buffer entry " + w
            + " updates; each entry's grad must be " + gradRule);
      }
    }
    return writer;
  }

  private static void written(String p, Map<DeviceBuffer, Integer> writer, DeviceBuffer buffer,
      int entry, String role) {
    Integer before = buffer == null ? null : writer.putIfAbsent(buffer, entry);
    if (before != null && before != entry) {
      throw new IllegalArgumentException(p + role + " " + entry + " is also "
          + "written by entry " + before + "; give each parameter once, with its own buffers");
    }
  }

  /**
   * {@link FusedAdam#adamUpdate}: in place on param, m and v, all of one dtype and length; the
   * rate a one-element FLOAT64 buffer none of them is.
   */
  public void adamUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m,
      DeviceBuffer v, DeviceBuffer lrT) {
    momentUpdate("adamUpdate", param, grad, m, v, ADAM_SCALARS, lrT);
  }

  /** {@link FusedAdamW#adamwUpdate}: as {@link #adamUpdate}, with three step scalars. */
  public void adamwUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m,
      DeviceBuffer v, DeviceBuffer decay, DeviceBuffer biasRoot, DeviceBuffer step) {
    momentUpdate("adamwUpdate", param, grad, m, v, ADAMW_SCALARS, decay, biasRoot, step);
  }

  /**
   * {@link FusedAdam#adamUpdateAll}: one grad, m and v per param; each entry as
   * {@link #adamUpdate} checks it (its messages name the entry: "adamUpdateAll entry 2"), and no
   * buffer one entry writes (param, m, v) is any other entry's buffer, since a backend may update
   * all entries at once. Entries may differ in dtype and length.
   */
  public void adamUpdateAll(List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> ms, List<DeviceBuffer> vs, DeviceBuffer lrT) {
    momentUpdateAll("adamUpdateAll", params, grads, ms, vs, ADAM_SCALARS, lrT);
  }

  /** {@link FusedAdamW#adamwUpdateAll}: as {@link #adamUpdateAll}, with three step scalars. */
  public void adamwUpdateAll(List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> ms, List<DeviceBuffer> vs, DeviceBuffer decay, DeviceBuffer biasRoot,
      DeviceBuffer step) {
    momentUpdateAll("adamwUpdateAll", params, grads, ms, vs, ADAMW_SCALARS, decay, biasRoot,
        step);
  }

  /** One Adam or AdamW update: its buffers, and each step scalar (role {@code roles[k]}). */
  private void momentUpdate(String p, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m,
      DeviceBuffer v, String[] roles, DeviceBuffer... scalars) {
    moments(p, param, grad, m, v);
    for (int k = 0; k < roles.length; k++) {
      momentsScalar(p, roles[k], scalars[k], param, m, v);
    }
  }

  /** Adam's or AdamW's batch: the lists, each entry, then what one entry writes and another reads. */
  private void momentUpdateAll(String primitive, List<DeviceBuffer> params,
      List<DeviceBuffer> grads, List<DeviceBuffer> ms, List<DeviceBuffer> vs, String[] roles,
      DeviceBuffer... scalars) {
    String p = ArgumentChecks.where(b, primitive);
    Objects.requireNonNull(params, p + "params is null");
    Objects.requireNonNull(grads, p + "grads is null");
    Objects.requireNonNull(ms, p + "ms is null");
    Objects.requireNonNull(vs, p + "vs is null");
    int n = params.size();
    if (grads.size() != n || ms.size() != n || vs.size() != n) {
      throw new IllegalArgumentException(p + n + " params, " + grads.size() + " grads, "
          + ms.size() + " ms and " + vs.size() + " vs; give one grad, m and v per param");
    }
    for (int k = 0; k < roles.length; k++) { // checked even for no entries, as sgdUpdateAll's
      stepScalar(primitive, roles[k], scalars[k]);
    }
    for (int i = 0; i < n; i++) {
      momentUpdate(primitive + " entry " + i, params.get(i), grads.get(i), ms.get(i), vs.get(i),
          roles, scalars);
    }
    // every entry checked its scalars against its own param, m and v: none is written
    writers(p, grads, "a buffer no entry writes", new String[] {"param", "m", "v"},
        List.of(params, ms, vs));
  }

  /** Adam's and AdamW's buffers: param, m and v written, all of one floating dtype and length. */
  private void moments(String p, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m,
      DeviceBuffer v) {
    usableOfOneDtype(p, "param", param, "grad", grad);
    floating(b, p, "param", param);
    length(b, p, "grad", grad, param.length());
    DeviceBuffer[] moments = {m, v};
    String[] names = {"m", "v"};
    for (int i = 0; i < 2; i++) {
      usable(b, p, names[i], moments[i]);
      sameDtype(b, p, "param", param, names[i], moments[i]);
      length(b, p, names[i], moments[i], param.length());
      distinct(b, p, names[i], moments[i], "param", param);
      distinct(b, p, names[i], moments[i], "grad", grad);
    }
    distinct(b, p, "m", m, "v", v);
    distinct(b, p, "grad", grad, "param", param);
  }

  /** Adam's and AdamW's step scalar: {@link #stepScalar}, none of param, m and v. */
  private void momentsScalar(String p, String role, DeviceBuffer scalar, DeviceBuffer param,
      DeviceBuffer m, DeviceBuffer v) {
    stepScalar(p, role, scalar);
    distinct(b, p, role, scalar, "param", param); // a one-element FLOAT64 param could be it
    distinct(b, p, role, scalar, "m", m);
    distinct(b, p, role, scalar, "v", v);
  }

  /** A step's scalar read on the device when the update runs: one FLOAT64 element. */
  private void stepScalar(String p, String role, DeviceBuffer scalar) {
    usable(b, p, role, scalar);
    if (scalar.dtype() != DType.FLOAT64) {
      throw new IllegalArgumentException(ArgumentChecks.where(b, p) + role + " is "
          + scalar.dtype() + " but must be FLOAT64 (one element: the step's value, read when the "
          + "update runs)");
    }
    length(b, p, role, scalar, 1);
  }
}
