package dev.jgrad.cpu;

import dev.jgrad.api.DType;
import dev.jgrad.api.HostBuffer;

/**
 * A CPU buffer: a plain Java array, {@code float[]} for FLOAT32, {@code double[]} for FLOAT64,
 * {@code int[]} for INT32 or {@code byte[]} for UINT8.
 * Plain arrays rather than off-heap memory because every elementwise op runs in Java over them,
 * where the JIT vectorizes array loops (see docs/benchmarks.md for the GEMM side of that choice).
 * Closing gives the array to the {@link ArrayPool} for the next allocation of the same size; a
 * closed buffer fails loudly instead of being read.
 */
public final class CpuBuffer implements HostBuffer {
  private final DType dtype;
  private final int length;
  /** A float[], double[], int[] or byte[] as the dtype says; null once closed. */
  private Object storage;
  /**
   * The nonzeros listed ahead for products ({@link CpuBackend#prepareOperand}); dropped by every
   * accessor that hands out the array for writing, so they never describe stale contents.
   */
  private SparseOperand sparse;
  /**
   * The winners of this buffer's last 2x2 max pooling, for its gradient; dropped alike. Volatile:
   * threads sharing an input (concurrent inference) may pool it at once, and a gradient must see
   * the codes the attaching thread wrote.
   */
  private volatile PoolWinners winners;
  /**
   * Set once the array went out through {@link HostBuffer} (a plugin's kernel, a user): its taker
   * may write it at any later time, so no nonzero lists are kept for it from then on.
   */
  private boolean escaped;

  private CpuBuffer(DType dtype, Object storage, int length) {
    this.dtype = dtype;
    this.length = length;
    this.storage = storage;
  }

  /** Wraps {@code data} without copying; the buffer owns it from now on. */
  static CpuBuffer wrap(float[] data) {
    return new CpuBuffer(DType.FLOAT32, data, data.length);
  }

  /** Wraps {@code data} without copying; the buffer owns it from now on. */
  static CpuBuffer wrap(double[] data) {
    return new CpuBuffer(DType.FLOAT64, data, data.length);
  }

  /** Wraps {@code data} without copying; the buffer owns it from now on. */
  static CpuBuffer wrap(int[] data) {
    return new CpuBuffer(DType.INT32, data, data.length);
  }

  /** A buffer with undefined contents: a pooled array when one fits, else a new one. */
  static CpuBuffer allocate(DType dtype, int length) {
    return new CpuBuffer(dtype, ArrayPool.SHARED.takeOrNew(dtype, length), length);
  }

  /** The dtype a storage array holds. */
  static DType dtypeOf(Object array) {
    if (array instanceof int[]) {
      return DType.INT32;
    }
    return array instanceof byte[] ? DType.UINT8 : DTypeKernels.ofArray(array).dtype();
  }

  /** The loops for this buffer's dtype. */
  DTypeKernels kernels() {
    return DTypeKernels.of(dtype);
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long length() {
    return length;
  }

  /** The length as an int; CPU buffers are arrays and so never longer than 2^31-1. */
  int size() {
    return length;
  }

  @Override
  public String backendName() {
    return CpuBackend.NAME;
  }

  @Override
  public boolean isClosed() {
    return storage == null;
  }

  /**
   * Gives the array and any nonzero lists' arrays to the {@link ArrayPool} once; later: nothing.
   */
  @Override
  public void close() {
    Object array = storage;
    storage = null;
    if (sparse != null) { // no product is reading them: products run on the closing thread's turn
      sparse.recycle();
      sparse = null;
    }
    PoolWinners won = winners;
    if (won != null) {
      winners = null;
      won.recycle();
    }
    if (array != null) {
      ArrayPool.SHARED.give(array);
    }
  }

  /** The FLOAT32 storage, which the caller may write; the caller has checked the dtype. */
  float[] floats() {
    return (float[]) storageOf(DType.FLOAT32);
  }

  /** The FLOAT64 storage, which the caller may write; the caller has checked the dtype. */
  double[] doubles() {
    return (double[]) storageOf(DType.FLOAT64);
  }

  /** The INT32 storage, which the caller may write; the caller has checked the dtype. */
  int[] ints() {
    return (int[]) storageOf(DType.INT32);
  }

  /** The UINT8 storage, which the caller may write; the caller has checked the dtype. */
  byte[] bytes() {
    return (byte[]) storageOf(DType.UINT8);
  }

  /** The storage array whatever the dtype, for dtype-agnostic copies with System.arraycopy. */
  Object array() {
    return storageOf(dtype);
  }

  /** The storage, which the caller may write, if it holds {@code wanted}. */
  private Object storageOf(DType wanted) {
    if (storage == null || dtype != wanted) {
      throw closedOrWrongType(wanted);
    }
    dropLists();
    return storage;
  }

  /**
   * Forgets the nonzero lists and the pooling's winners: the array is being handed out, and its
   * taker may write it.
   */
  private void dropLists() {
    if (sparse != null) { // a plain read first: no store on every access
      sparse = null;
    }
    if (winners != null) {
      winners = null;
    }
  }

  /**
   * The storage array for a matrix product that only reads it: unlike every other accessor this
   * keeps the nonzeros listed ahead ({@link #sparseOperand}).
   */
  Object productOperand() {
    if (storage == null) {
      throw closedOrWrongType(dtype);
    }
    return storage;
  }

  /** The nonzeros listed ahead, or null: none were, or the array has been handed out since. */
  SparseOperand sparseOperand() {
    return sparse;
  }

  /**
   * Keeps {@code lists} of this buffer's current contents for the products that read it, unless
   * its array has escaped through {@link HostBuffer}: lists of an array someone else may write
   * would go stale silently.
   */
  void attachSparse(SparseOperand lists) {
    if (!escaped) {
      this.sparse = lists;
    }
  }

  /** The winners of this buffer's last 2x2 max pooling, or null: none, or handed out since. */
  PoolWinners poolWinners() {
    return winners;
  }

  /**
   * Keeps the winners of pooling this buffer's current contents for the gradient, unless its
   * array has escaped through {@link HostBuffer} (then they go back to the pool). Winners this
   * replaces are left to the garbage collector, not recycled: another thread pooling the same
   * buffer (an input shared by threads) may be reading them, and two threads replacing the same
   * winners would both have given their array to the pool, which would then hand it to two
   * buffers. Only {@link #close()}, by the buffer's owner, recycles them.
   */
  void attachWinners(PoolWinners won) {
    if (escaped) {
      won.recycle();
      return;
    }
    winners = won;
  }

  @Override
  public float[] floatArray() {
    checkHostArray(DType.FLOAT32, "floatArray()", "doubleArray()");
    escaped = true;
    return floats();
  }

  @Override
  public double[] doubleArray() {
    checkHostArray(DType.FLOAT64, "doubleArray()", "floatArray()");
    escaped = true;
    return doubles();
  }

  /**
   * The float accessors' callers are plugin kernels, and a kernel written for one float dtype is
   * the usual reason for asking the wrong one: say what to do, not only what the buffer holds.
   */
  private void checkHostArray(DType wanted, String accessor, String other) {
    if (!isClosed() && dtype != wanted && dtype.isFloatingPoint()) {
      throw new IllegalArgumentException("CPU buffer holds " + dtype + ", not " + wanted + ": "
          + accessor + " reads " + wanted + " only; a kernel is called in FLOAT32 and FLOAT64 (the"
          + " test kit checks gradients in FLOAT64), so branch on call.outputSpec().dtype() and"
          + " use " + other + " for " + dtype);
    }
  }

  @Override
  public int[] intArray() {
    escaped = true;
    return ints();
  }

  @Override
  public byte[] byteArray() {
    escaped = true;
    return bytes();
  }

  private RuntimeException closedOrWrongType(DType wanted) {
    if (isClosed()) {
      return new IllegalStateException("CPU buffer of " + length + " " + dtype
          + " elements was used after close()");
    }
    return new IllegalArgumentException("CPU buffer holds " + dtype + ", not " + wanted);
  }

  @Override
  public String toString() {
    return "CpuBuffer[" + dtype + " x " + length + (isClosed() ? ", closed]" : "]");
  }
}
