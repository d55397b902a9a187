package dev.jgrad.api;

/**
 * The primitives every backend implements: a deliberately small set from which the autograd
 * layer composes every op, activation and loss. Ops that need more speed register their own
 * kernels per backend through {@link dev.jgrad.api.op.OpRegistry} instead of growing this
 * interface.
 *
 * <p>Conventions shared by every method:
 * <ul>
 *   <li>Buffers are dense and row-major. All data buffers passed to one call have the same
 *       {@link DType}; a backend rejects anything else with an {@link IllegalArgumentException}
 *       naming the primitive and both dtypes. Arithmetic ({@link #unary}, {@link #binary},
 *       {@link #scalar}, {@link #matmul}, {@link #matmulBatched}, {@link #reduce}, {@link #transpose}) takes FLOAT32 and
 *       FLOAT64 only; INT32 buffers are allocated, filled, copied, gathered, converted and read
 *       as indices; UINT8 buffers (stored pixels) are allocated, filled, copied, gathered and
 *       converted.
 *   <li>Output buffers are allocated by the caller with the right length; a backend checks the
 *       lengths and fails naming the primitive and the expected and actual lengths.
 *   <li>Elementwise primitives ({@link #unary}, {@link #binary}, {@link #scalar}) allow the
 *       output to be the same buffer as an input of the same length (in-place update).
 *   <li>Index buffers (the {@code indices} of {@link #indexSelect}, {@link #indexAdd} and
 *       {@link #oneHot}; ARGMAX's output) are INT32, whatever the data's dtype, so no index is
 *       ever rounded; an index out of range is an {@link IndexOutOfBoundsException} naming the
 *       index and the bound ({@link ArgumentChecks#index}).
 *   <li>A rejected call writes nothing: check every argument ({@link BackendContract}) and, on a
 *       synchronous backend, every index value before the first write.
 *   <li>Values follow Java's {@code double} arithmetic and {@link Math} rounded to the dtype,
 *       special values included: NaN propagates through RELU, MAXIMUM, MINIMUM, MAX and ARGMAX
 *       (the first NaN wins), and zeros keep Java's signs (NEG(0.0) is -0.0, RELU and MAXIMUM
 *       give 0.0 over -0.0). {@code dev.jgrad.testkit.BackendTestKit} checks all of it.
 *   <li>Buffers whose class also implements {@link HostBuffer} may be worked on from two threads
 *       at once, as {@code DataLoader}'s prefetch thread gathers the next batch while a step
 *       runs: such a backend keeps no shared scratch without a lock.
 *   <li>Calls may run asynchronously on a device; {@link #download} waits for them.
 * </ul>
 */
public interface Backend {
  /** The largest rank {@link #copyStrided} takes (what a GPU kernel's arguments hold). */
  int MAX_STRIDED_RANK = 8;

  /** The name this backend is selected by, e.g. "cpu". */
  String name();

  /** A new buffer of {@code length} elements with undefined contents. */
  DeviceBuffer allocate(DType dtype, long length);

  /** A new FLOAT32 buffer holding a copy of {@code data}. */
  DeviceBuffer upload(float[] data);

  /** A new FLOAT64 buffer holding a copy of {@code data}. */
  DeviceBuffer upload(double[] data);

  /** A new INT32 buffer holding a copy of {@code data}. */
  DeviceBuffer upload(int[] data);

  /** A new UINT8 buffer holding a copy of {@code data}, each byte read as unsigned (0..255). */
  DeviceBuffer upload(byte[] data);

  /** Copies the whole buffer to the host, converting to float unless it holds FLOAT32. */
  void download(DeviceBuffer src, float[] dst);

  /** Copies the whole buffer to the host, converting to double unless it holds FLOAT64. */
  void download(DeviceBuffer src, double[] dst);

  /** Copies a whole INT32 buffer to the host; any other dtype is rejected (convert it first). */
  void download(DeviceBuffer src, int[] dst);

  /**
   * Sets every element of {@code dst} to {@code value}, rounded to the dtype; an INT32 buffer
   * takes only whole values in int range, a UINT8 buffer only whole values in 0..255.
   */
  void fill(DeviceBuffer dst, double value);

  /**
   * {@code dst[i] = src[i]} converted to {@code dst}'s dtype, any two dtypes of one length.
   * Between float dtypes and from INT32 it rounds to nearest, as a Java cast does; to INT32 it is
   * exactly Java's {@code (int)} cast: toward zero, NaN to 0, values beyond the range to
   * {@link Integer#MIN_VALUE} or {@link Integer#MAX_VALUE} (what a GPU's conversion does, so the
   * backends agree without an error path). From UINT8 it is exact (0..255); to UINT8 it is that
   * {@code (int)} cast's low 8 bits, as Java's {@code (byte)} keeps them.
   */
  void convert(DeviceBuffer src, DeviceBuffer dst);

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

  /**
   * Materializes a strided view: {@code dst}, dense row-major of {@code shape}, gets
   * {@code dst[i0, .., in] = src[srcOffset + i0 * srcStrides[0] + .. + in * srcStrides[n]]}.
   * Strides and the offset count elements and are non-negative; a stride of 0 repeats an element
   * (broadcast). Any one dtype, INT32 and UINT8 too; rank at most {@value #MAX_STRIDED_RANK}.
   * This one primitive is how every zero-copy view (permute, slice with a step, expand) becomes
   * dense memory for the kernels, which all read dense buffers.
   */
  void copyStrided(DeviceBuffer src, long srcOffset, long[] srcStrides, int[] shape,
      DeviceBuffer dst);

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
   * A batch of matrix products, {@code out[i] = op(a[i]) op(b[i])} for {@code i < batch}, each as
   * in {@link #matmul}: {@code out} is dense {@code [batch, m, n]}; {@code a[i]} starts at element
   * {@code i * strideA} of {@code a} and {@code b[i]} at {@code i * strideB} of {@code b}. A stride
   * is either the matrix's size ({@code m * k} for a, {@code k * n} for b: the operand holds
   * {@code batch} dense matrices) or 0 (the operand is one matrix shared by every product, as when
   * {@code [8, m, k]} is multiplied by {@code [k, n]}). Other broadcasts are materialised by the
   * caller first.
   */
  void matmulBatched(DeviceBuffer a, boolean transA, DeviceBuffer b, boolean transB,
      DeviceBuffer out, int batch, int m, int n, int k, long strideA, long strideB);

  /**
   * Reduces the middle axis of {@code x} viewed as {@code [outer, axis, inner]} into {@code out}
   * of {@code [outer, inner]}. {@code axis} must be at least 1. {@code out} has {@code x}'s dtype,
   * except for ARGMAX, whose indices go to an INT32 {@code out}.
   */
  void reduce(ReduceOp op, DeviceBuffer x, int outer, int axis, int inner, DeviceBuffer out);

  /** Swaps the last two axes: {@code x} is {@code [batch, rows, cols]}, out {@code [batch, cols, rows]}. */
  void transpose(DeviceBuffer x, int batch, int rows, int cols, DeviceBuffer out);

  /**
   * Gathers slices along an axis: viewing {@code src} as {@code [outer, axis, inner]},
   * {@code out[o, i, :] = src[o, indices[i], :]} for each of the {@code indices.length()} INT32
   * indices. {@code src} and {@code out} may be of any one dtype, INT32 too (batches of labels).
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

  /**
   * {@code out[r, c] = (indices[r] == c) ? 1 : 0}, out {@code [indices.length(), classes]} of a
   * float dtype, indices INT32.
   */
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
