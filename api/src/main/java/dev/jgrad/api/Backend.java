package dev.jgrad.api;

/**
 * The primitives every backend implements: a deliberately small set from which the autograd
 * layer composes every op, activation and loss. Ops that need more speed register their own
 * kernels per backend through {@link dev.jgrad.api.op.OpRegistry} instead of growing this
 * interface.
 *
 * <p>Conventions shared by every method:
 * <ul>
 *   <li>Buffers are dense and row-major. All buffers passed to one call have the same
 *       {@link DType}; a backend rejects anything else with an {@link IllegalArgumentException}
 *       naming the primitive and both dtypes.
 *   <li>Output buffers are allocated by the caller with the right length; a backend checks the
 *       lengths and fails naming the primitive and the expected and actual lengths.
 *   <li>Elementwise primitives ({@link #unary}, {@link #binary}, {@link #scalar}) allow the
 *       output to be the same buffer as an input of the same length (in-place update).
 *   <li>Index buffers hold whole numbers in the data dtype (exact up to 2^24 in FLOAT32); an index
 *       out of range is an {@link IndexOutOfBoundsException} naming the index and the bound.
 *   <li>Calls may run asynchronously on a device; {@link #download} waits for them.
 * </ul>
 */
public interface Backend {
  /** The name this backend is selected by, e.g. "cpu". */
  String name();

  /** A new buffer of {@code length} elements with undefined contents. */
  DeviceBuffer allocate(DType dtype, long length);

  /** A new FLOAT32 buffer holding a copy of {@code data}. */
  DeviceBuffer upload(float[] data);

  /** A new FLOAT64 buffer holding a copy of {@code data}. */
  DeviceBuffer upload(double[] data);

  /** Copies the whole buffer to the host, converting to float if it holds FLOAT64. */
  void download(DeviceBuffer src, float[] dst);

  /** Copies the whole buffer to the host, converting to double if it holds FLOAT32. */
  void download(DeviceBuffer src, double[] dst);

  /** Sets every element of {@code dst} to {@code value}. */
  void fill(DeviceBuffer dst, double value);

  /** Copies {@code length} elements from {@code src[srcOffset..]} to {@code dst[dstOffset..]}. */
  void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long length);

  /**
   * Copies a range of one axis: viewing {@code src} as {@code [outer, srcAxis, inner]} and
   * {@code dst} as {@code [outer, dstAxis, inner]}, sets
   * {@code dst[o, dstStart + i, :] = src[o, srcStart + i, :]} for {@code i < count}. Concatenation
   * and slicing are both this primitive.
   */
  void copyAxisRange(DeviceBuffer src, int srcAxis, int srcStart, DeviceBuffer dst, int dstAxis,
      int dstStart, int outer, int count, int inner);

  /** {@code out[i] = op(x[i])}; same length. */
  void unary(UnaryOp op, DeviceBuffer x, DeviceBuffer out);

  /**
   * {@code out = op(a, b)} with NumPy broadcasting: {@code aShape} and {@code bShape} are aligned
   * on the right and broadcast to {@code outShape}, which the caller has already computed with
   * {@link Shape#broadcast}.
   */
  void binary(BinaryOp op, DeviceBuffer a, Shape aShape, DeviceBuffer b, Shape bShape,
      DeviceBuffer out, Shape outShape);

  /** {@code out[i] = op(a[i], s)}, a tensor with a scalar; same length. */
  void scalar(BinaryOp op, DeviceBuffer a, double s, DeviceBuffer out);

  /**
   * Matrix product {@code out[m, n] = op(a)[m, k] * op(b)[k, n]}, where {@code op(x)} is
   * {@code x} or its transpose. Stored shapes: {@code a} is {@code [m, k]}, or {@code [k, m]} when
   * {@code transA}; {@code b} is {@code [k, n]}, or {@code [n, k]} when {@code transB}.
   */
  void matmul(DeviceBuffer a, boolean transA, DeviceBuffer b, boolean transB, DeviceBuffer out,
      int m, int n, int k);

  /**
   * Reduces the middle axis of {@code x} viewed as {@code [outer, axis, inner]} into {@code out}
   * of {@code [outer, inner]}. {@code axis} must be at least 1.
   */
  void reduce(ReduceOp op, DeviceBuffer x, int outer, int axis, int inner, DeviceBuffer out);

  /** Swaps the last two axes: {@code x} is {@code [batch, rows, cols]}, out {@code [batch, cols, rows]}. */
  void transpose(DeviceBuffer x, int batch, int rows, int cols, DeviceBuffer out);

  /**
   * Gathers slices along an axis: viewing {@code src} as {@code [outer, axis, inner]},
   * {@code out[o, i, :] = src[o, indices[i], :]} for each of the {@code indices.length()} indices.
   */
  void indexSelect(DeviceBuffer src, int outer, int axis, int inner, DeviceBuffer indices,
      DeviceBuffer out);

  /**
   * The adjoint of {@link #indexSelect}: viewing {@code dst} as {@code [outer, axis, inner]} and
   * {@code src} as {@code [outer, indices.length(), inner]}, adds
   * {@code src[o, i, :]} into {@code dst[o, indices[i], :]}; repeated indices accumulate.
   */
  void indexAdd(DeviceBuffer src, DeviceBuffer indices, DeviceBuffer dst, int outer, int axis,
      int inner);

  /** {@code out[r, c] = (indices[r] == c) ? 1 : 0}, out {@code [indices.length(), classes]}. */
  void oneHot(DeviceBuffer indices, int classes, DeviceBuffer out);

  /** Waits until every call issued so far has finished. A no-op on synchronous backends. */
  default void synchronize() {}

  /**
   * A hint, not a request: {@code buffer} holds a {@code rows x cols} row-major matrix that will
   * soon be read as the left operand of matrix products, as it is or transposed, and that its
   * owner will not write. A backend may prepare what speeds those products up; the CPU backend
   * lists the nonzeros of a mostly-zero FLOAT32 matrix. The default does nothing.
   * {@code DataLoader} calls this on its prefetch thread for each batch's inputs, off the
   * training thread.
   */
  default void prepareOperand(DeviceBuffer buffer, int rows, int cols) {}
}
