package dev.jgrad.api;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * The dimensions of a tensor, row-major. A rank-0 shape is a scalar of size 1.
 *
 * <pre>{@code
 * Shape s = Shape.of(100, 784);
 * s.size();          // 78400
 * Shape.broadcast(Shape.of(100, 10), Shape.of(10), "add"); // [100, 10]
 * }</pre>
 */
public final class Shape {
  private static final Shape SCALAR = new Shape(new int[0]);

  private final int[] dims;
  private final long size;

  private Shape(int[] dims) {
    long n = 1;
    for (int d : dims) {
      if (d < 0) { // the message is built only here: shapes are made for every op
        throw new IllegalArgumentException("shape " + Arrays.toString(dims)
            + " has a negative dimension; every dimension must be >= 0");
      }
      n = Math.multiplyExact(n, d);
    }
    this.dims = dims;
    this.size = n;
  }

  /**
   * A shape of these dimensions (copied); no dimensions is the scalar shape. A negative dimension,
   * or a size beyond a long, is an exception.
   */
  public static Shape of(int... dims) {
    return dims.length == 0 ? SCALAR : new Shape(dims.clone());
  }

  /** The rank-0 shape: one element. */
  public static Shape scalar() {
    return SCALAR;
  }

  /** Number of dimensions (0 for a scalar). */
  public int rank() {
    return dims.length;
  }

  /** Dimension {@code axis}; negative axes count from the end as in NumPy. */
  public int dim(int axis) {
    return dims[normalizeAxis(axis)];
  }

  /** A copy of the dimensions, outermost first. */
  public int[] dims() {
    return dims.clone();
  }

  /** Number of elements. */
  public long size() {
    return size;
  }

  /** Number of elements as an int, for array-backed storage; fails clearly above 2^31-1. */
  public int intSize() {
    checkArgument(size <= Integer.MAX_VALUE, "shape %s has %s elements, more than one buffer holds",
        this, size);
    return (int) size;
  }

  /** Turns a possibly negative axis into 0..rank-1, or fails naming the axis and this shape. */
  public int normalizeAxis(int axis) {
    int a = axis < 0 ? axis + dims.length : axis;
    if (a < 0 || a >= dims.length) {
      throw new IllegalArgumentException(
          "axis " + axis + " is out of range for shape " + this + " (rank " + dims.length + ")");
    }
    return a;
  }

  /** Product of the dimensions before {@code axis}. */
  public int outer(int axis) {
    int n = 1;
    for (int i = 0; i < axis; i++) {
      n *= dims[i];
    }
    return n;
  }

  /** Product of the dimensions after {@code axis}. */
  public int inner(int axis) {
    int n = 1;
    for (int i = axis + 1; i < dims.length; i++) {
      n *= dims[i];
    }
    return n;
  }

  /** This shape with {@code axis} set to {@code value}. */
  public Shape withDim(int axis, int value) {
    int[] d = dims.clone();
    d[normalizeAxis(axis)] = value;
    return new Shape(d);
  }

  /** This shape without {@code axis}. */
  public Shape without(int axis) {
    int a = normalizeAxis(axis);
    int[] d = new int[dims.length - 1];
    System.arraycopy(dims, 0, d, 0, a);
    System.arraycopy(dims, a + 1, d, a, dims.length - a - 1);
    return Shape.of(d);
  }

  /**
   * NumPy broadcasting: shapes are aligned on the right and each pair of dimensions must be equal
   * or contain a 1.
   *
   * @param op the op asking, named in the error so the user knows which call was wrong
   */
  public static Shape broadcast(Shape a, Shape b, String op) {
    if (a.equals(b)) {
      return a;
    }
    int rank = Math.max(a.rank(), b.rank());
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
      int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(op + ": shapes " + a + " and " + b
            + " cannot be broadcast together (dimension " + i + " of the aligned shapes is "
            + da + " vs " + db + "; each pair must be equal or contain a 1)");
      }
      out[i] = da == 1 ? db : da;
    }
    return Shape.of(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape && Arrays.equals(dims, ((Shape) o).dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
