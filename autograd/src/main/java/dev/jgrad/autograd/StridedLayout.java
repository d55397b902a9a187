package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import java.util.Arrays;

/**
 * Where a tensor's elements sit in its buffer: element {@code [i0, .., in]} is at
 * {@code offset + i0 * strides[0] + .. + in * strides[n]}, offset and strides counted in elements
 * (a stride of 0 repeats an element, as a broadcast does). A dense tensor's layout is
 * {@link #dense}; a view ({@link Tensor#permute}, {@link Tensor#slice(int, int, int, int)},
 * {@link Tensor#expand}) has another over the same buffer. Immutable.
 *
 * <p>Kernels never see a layout: the dispatcher hands every kernel dense buffers, copying a view
 * through {@link dev.jgrad.api.Backend#copyStrided} first. A {@link ViewKernel} maps the layout
 * of its input to its output's.
 */
public final class StridedLayout {
  private final long offset;
  private final long[] strides;

  private StridedLayout(long offset, long[] strides) {
    this.offset = offset;
    this.strides = strides;
  }

  /**
   * A layout of {@code strides} starting at {@code offset}.
   *
   * @throws IllegalArgumentException when the offset or a stride is negative
   */
  public static StridedLayout of(long offset, long... strides) {
    checkArgument(offset >= 0, "a layout's offset must be >= 0, got %s", offset);
    for (long s : strides) {
      if (s < 0) { // not checkArgument: it would format the strides for every view made
        throw new IllegalArgumentException("a layout's strides must be >= 0, got "
            + Arrays.toString(strides));
      }
    }
    return new StridedLayout(offset, strides.clone());
  }

  /** Row-major strides of {@code shape} from offset 0: the layout of a dense tensor. */
  public static StridedLayout dense(Shape shape) {
    return new StridedLayout(0, denseStrides(shape));
  }

  private static long[] denseStrides(Shape shape) {
    long[] s = new long[shape.rank()];
    long step = 1;
    for (int i = s.length - 1; i >= 0; i--) {
      s[i] = step;
      step *= shape.dim(i);
    }
    return s;
  }

  /** The position of element 0 in the buffer. */
  public long offset() {
    return offset;
  }

  /** The strides, one per axis (a copy). */
  public long[] strides() {
    return strides.clone();
  }

  /** The stride of {@code axis}. */
  public long stride(int axis) {
    return strides[axis];
  }

  /** The rank this layout is for. */
  public int rank() {
    return strides.length;
  }

  /**
   * True when a tensor of {@code shape} in this layout is in row-major order without gaps (from
   * any offset): the strides of axes of size 1 do not matter, as they are never stepped.
   */
  public boolean isRowMajor(Shape shape) {
    checkArgument(shape.rank() == strides.length, "layout of rank %s for shape %s",
        strides.length, shape);
    long step = 1;
    for (int i = strides.length - 1; i >= 0; i--) {
      if (shape.dim(i) != 1 && strides[i] != step) {
        return shape.size() == 0;
      }
      step *= shape.dim(i);
    }
    return true;
  }

  /**
   * This layout of a tensor of shape {@code from} seen as shape {@code to} (of the same size)
   * without moving data, or null when no strides can (a reshape that merges axes a permute
   * reordered). Runs of axes that step through memory as one may be split and merged freely:
   * a row-major layout always reshapes; so do a slice with a step split along its axis or an
   * expanded axis split in two.
   */
  public StridedLayout reshaped(Shape from, Shape to) {
    checkArgument(from.size() == to.size() && from.rank() == strides.length,
        "reshaped: %s elements in shape %s as %s", strides.length, from, to);
    if (from.size() <= 1) {
      return of(offset, denseStrides(to));
    }
    long[] out = new long[to.rank()];
    int next = to.rank() - 1; // the next axis of `to` to give a stride, from the last
    int end = from.rank(); // the run of `from` axes [start, end) moves through memory as one
    while (end > 0) {
      int start = end - 1;
      long runSize = from.dim(start);
      while (start > 0 && (from.dim(start - 1) == 1 || runSize == 1
          || strides[start - 1] == innermostStride(from, start, end) * runSize)) {
        start--; // axis start - 1 steps over the run so far: it joins
        runSize *= from.dim(start);
      }
      long base = innermostStride(from, start, end);
      long covered = 1; // the `to` axes of this run, from the innermost, step `base` apart
      while (next >= 0 && (covered < runSize || to.dim(next) == 1)) {
        out[next] = covered * base;
        covered *= to.dim(next);
        next--;
      }
      if (covered != runSize) {
        return null;
      }
      end = start;
    }
    for (; next >= 0; next--) { // only axes of size 1 are left
      out[next] = 1;
    }
    return of(offset, out);
  }

  /** The stride of the innermost axis in [start, end) that is stepped (size > 1), else 1. */
  private long innermostStride(Shape shape, int start, int end) {
    for (int i = end - 1; i >= start; i--) {
      if (shape.dim(i) != 1) {
        return strides[i];
      }
    }
    return 1;
  }

  /**
   * One past the furthest element a tensor of {@code shape} in this layout reaches: how long
   * its buffer must be at least (0 for an empty tensor, which reads nothing: a slice of an empty
   * tensor may start past the end of its empty buffer).
   */
  long extent(Shape shape) {
    long last = offset;
    for (int i = 0; i < strides.length; i++) {
      if (shape.dim(i) == 0) {
        return 0;
      }
      last += (shape.dim(i) - 1L) * strides[i];
    }
    return last + 1;
  }

  /**
   * Copies the elements of a tensor of {@code shape} in this layout over {@code src} into
   * {@code dst}, dense row-major. Axes of size 1 are dropped and axes that step through memory
   * as one are merged first, so that a slice of whole rows is one {@link Backend#copy} and a
   * transpose of a dense tensor is the backend's tiled {@link Backend#transpose}; anything else
   * is one {@link Backend#copyStrided}.
   */
  void copyDense(Backend backend, DeviceBuffer src, Shape shape, DeviceBuffer dst) {
    long size = shape.size();
    if (size == 0) {
      return;
    }
    int[] dims = new int[strides.length];
    long[] steps = new long[strides.length];
    int rank = 0;
    for (int i = 0; i < strides.length; i++) {
      int d = shape.dim(i);
      if (d == 1) {
        continue; // never stepped
      }
      if (rank > 0 && steps[rank - 1] == strides[i] * d) { // the previous axis steps over this one
        dims[rank - 1] *= d;
        steps[rank - 1] = strides[i];
      } else {
        dims[rank] = d;
        steps[rank] = strides[i];
        rank++;
      }
    }
    if (rank == 0 || (rank == 1 && steps[0] == 1)) {
      backend.copy(src, offset, dst, 0, size);
    } else if (rank >= 2 && rank <= 3 && src.dtype().isFloatingPoint() // transpose: floats only
        && isTransposeOfAll(dims, steps, rank, src.length())) {
      int rows = dims[rank - 2];
      int cols = dims[rank - 1];
      backend.transpose(src, rank == 3 ? dims[0] : 1, cols, rows, dst);
    } else {
      backend.copyStrided(src, offset, Arrays.copyOf(steps, rank), Arrays.copyOf(dims, rank),
          dst);
    }
  }

  /**
   * True when the merged view {@code [batch, rows, cols]} (or {@code [rows, cols]}) is a whole
   * dense buffer of {@code [batch, cols, rows]} with its last two axes swapped.
   */
  private boolean isTransposeOfAll(int[] dims, long[] steps, int rank, long bufferLength) {
    int rows = dims[rank - 2];
    int cols = dims[rank - 1];
    long plane = (long) rows * cols;
    return offset == 0 && steps[rank - 2] == 1 && steps[rank - 1] == rows
        && (rank == 2 || steps[0] == plane) && bufferLength == plane * (rank == 3 ? dims[0] : 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StridedLayout l && l.offset == offset && Arrays.equals(l.strides, strides);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(offset) + Arrays.hashCode(strides);
  }

  @Override
  public String toString() {
    return "StridedLayout(offset " + offset + ", strides " + Arrays.toString(strides) + ")";
  }
}
