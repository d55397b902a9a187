package dev.jgrad.cpu;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.UnaryOp;
import java.nio.ByteBuffer;

/**
 * Everything the CPU backend does differently for FLOAT32 ({@code float[]} storage) and FLOAT64
 * ({@code double[]}): one implementation per dtype, {@link FloatKernels} and
 * {@link DoubleKernels}, both generated from src/main/templates/Kernels.java.template. A
 * primitive picks one from its buffers' dtype once per call ({@link CpuBuffer#kernels}) and hands
 * it the storage arrays as {@code Object}s; each method casts them once and runs plain loops over
 * primitive arrays, which the JIT vectorizes (a call per element, or boxing, would stop that).
 *
 * <p>Arguments are checked by the callers. Ranges are half-open; offsets count elements.
 */
interface DTypeKernels {
  /**
   * The loops of a float dtype; INT32 and UINT8 have none (they are only moved, converted and,
   * INT32, read as indices).
   */
  static DTypeKernels of(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> FloatKernels.INSTANCE;
      case FLOAT64 -> DoubleKernels.INSTANCE;
      case INT32, UINT8 -> throw new IllegalArgumentException("the CPU backend has no arithmetic "
          + "on " + dtype + " buffers");
    };
  }

  /** The kernels of a storage array, for code that holds only the array (the products). */
  static DTypeKernels ofArray(Object array) {
    return array instanceof float[] ? FloatKernels.INSTANCE : DoubleKernels.INSTANCE;
  }

  DType dtype();

  /** A new zeroed storage array. */
  Object newArray(int length);

  /** {@code b}'s storage for writing; fails like {@link CpuBuffer#floats} on the other dtype. */
  Object array(CpuBuffer b);

  void fill(Object array, double value);

  /** One element, for a scalar read once per call. */
  double get(Object array, int i);

  /** Sets one element to {@code value} rounded to the dtype, for a scalar written once per call. */
  void set(Object array, int i, double value);

  /** {@code dst[i] = array[from + i]} in double, for {@code i < length}. */
  void toDoubles(Object array, int from, double[] dst, int length);

  /** {@code array[at + i] = src[i]} rounded to the dtype, for {@code i < length}. */
  void fromDoubles(double[] src, Object array, int at, int length);

  /** {@code out[i] = op(x[i])} for {@code i} in {@code [from, to)}. */
  void unary(UnaryOp op, Object x, Object out, int from, int to);

  /** {@code out[i] = op(a[i], s)} for {@code i} in {@code [from, to)}, s rounded to the dtype. */
  void scalar(BinaryOp op, Object a, double s, Object out, int from, int to);

  /** The loop of one broadcast run of {@code out = op(a, b)} ({@link BroadcastPlan#forEachRun}). */
  BroadcastPlan.Run binary(BinaryOp op, Object a, Object b, Object out);

  /** relu's gradient over the first {@code n} elements: g where x > 0, else +0; NaN stays NaN. */
  void reluGrad(Object g, Object x, Object out, int n);

  /** {@code out = act(x + bias)} over {@code x [rows, cols]}, {@code act} null for identity. */
  void biasActivation(Object x, Object bias, UnaryOp act, Object out, int rows, int cols);

  /** The fused Adam update of {@link CpuBackend#adamUpdate} over {@code [from, to)}. */
  void adamUpdate(Object param, Object grad, Object m, Object v, double beta1, double beta2,
      double eps, double lrT, int from, int to);

  /** The fused AdamW update of {@link CpuBackend#adamwUpdate} over {@code [from, to)}. */
  void adamwUpdate(Object param, Object grad, Object m, Object v, double beta1, double beta2,
      double eps, double decay, double biasRoot, double step, int from, int to);

  /** The fused SGD update of {@link CpuBackend#sgdUpdate} over {@code [from, to)}. */
  void sgdUpdate(Object param, Object grad, Object velocity, double learningRate,
      double momentum, double weightDecay, int from, int to);

  /**
   * Reduces columns {@code [from, to)} of outer index {@code o}: see {@link FloatReductions};
   * {@code out} is an int[] for ARGMAX.
   */
  void reduce(ReduceOp op, Object x, int o, int axis, int inner, int from, int to, Object out);

  /** {@code dst[o, idx[i], :] += src[o, i, :]}; repeated indices accumulate. */
  void indexAdd(Object src, int[] idx, Object dst, int outer, int axis, int inner);

  /** {@code out[r, c] = idx[r] == c ? 1 : 0}. */
  void oneHot(int[] idx, int classes, Object out);

  /** {@code out[base + c * rows + r] = x[base + r * cols + c]} over one tile. */
  void transposeTile(Object x, Object out, int base, int rows, int cols, int r0, int r1, int c0,
      int c1);

  /** Copies {@code array[from, from + length)} to element {@code at} of off-heap {@code dst}. */
  void copyIn(ByteBuffer dst, int at, Object array, int from, int length);

  /** Copies elements {@code [at, at + length)} of off-heap {@code src} to {@code array[to...]}. */
  void copyOut(ByteBuffer src, int at, Object array, int to, int length);

  /** OpenBLAS's row-major {@code c = op(a) * op(b)} on off-heap operands. */
  void blasGemm(boolean transA, boolean transB, int m, int n, int k, ByteBuffer a, int lda,
      ByteBuffer b, int ldb, ByteBuffer c, int ldc);

  /** The native helper's dense product on the arrays in place ({@link NativeCpu}); a status. */
  int nativeGemm(boolean transA, boolean transB, int m, int n, int k, Object a, int aOff,
      int lda, Object b, int bOff, int ldb, Object c, int cOff, int ldc);
}
