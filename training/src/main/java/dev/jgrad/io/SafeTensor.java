package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import java.util.function.Supplier;

/**
 * One named tensor of a safetensors file: dtype (F32, F64 or I64; F16 and BF16 are read as F32,
 * {@link #fileDtype()}), shape and values, row-major.
 * The values are either held ({@link #ofFloats}) or fetched when the file is written
 * ({@link #lazyFloats}), so a model can be saved one parameter at a time without first copying
 * every parameter from the GPU.
 *
 * <p>I64 (PyTorch's int64, e.g. BatchNorm's {@code num_batches_tracked}) holds whole numbers
 * within +-2^53, so that they are exactly the doubles jgrad computes with: {@link #dtype()} is
 * FLOAT64 and {@link #doubles()} gives them as such, {@link #longs()} as written.
 *
 * <p>Arrays are not copied, neither on the way in nor out: do not modify them afterwards.
 *
 * <pre>{@code
 * SafeTensor w = SafeTensor.ofFloats("fc1.weight", Shape.of(128, 784), weights);
 * SafeTensor b = SafeTensor.lazyFloats("fc1.bias", Shape.of(128), () -> bias.toFloatArray());
 * }</pre>
 */
public final class SafeTensor {
  /** I64 values beyond +-2^53 have no exact double; jgrad refuses them. */
  public static final long MAX_EXACT_LONG = 1L << 53;

  private final String name;
  private final DType dtype;
  private final Shape shape;
  private final Supplier<float[]> floats;
  private final Supplier<double[]> doubles;
  private final long[] longs; // I64 only: its values as written
  /** "F16" or "BF16" where the file held it so (its values widened to F32), else null. */
  private final String widenedFrom;

  private SafeTensor(String name, DType dtype, Shape shape, Supplier<float[]> floats,
      Supplier<double[]> doubles, long[] longs) {
    this(name, dtype, shape, floats, doubles, longs, null);
  }

  private SafeTensor(String name, DType dtype, Shape shape, Supplier<float[]> floats,
      Supplier<double[]> doubles, long[] longs, String widenedFrom) {
    checkNotNull(name, "tensor name is null; pass a name such as \"fc1.weight\"");
    checkArgument(!name.isEmpty(), "tensor name is empty; pass a name such as \"fc1.weight\"");
    checkArgument(!name.equals(SafeTensors.METADATA_KEY),
        "tensor name %s is reserved for the metadata; choose another name", name);
    checkNotNull(shape, "shape of tensor '%s' is null; pass e.g. Shape.of(128, 784)", name);
    checkArgument(shape.size() <= (Integer.MAX_VALUE - 8) / dtype.byteSize(),
        "tensor '%s' of shape %s is too large for one Java array; split it", name, shape);
    this.name = name;
    this.dtype = dtype;
    this.shape = shape;
    this.floats = floats;
    this.doubles = doubles;
    this.longs = longs;
    this.widenedFrom = widenedFrom;
  }

  /** An F32 tensor of values a file held as {@code fileDtype} ("F16", "BF16"), widened exactly. */
  static SafeTensor widened(String name, Shape shape, float[] data, String fileDtype) {
    SafeTensor t = new SafeTensor(name, DType.FLOAT32, shape, () -> data, null, null, fileDtype);
    t.checkLength(data.length);
    return t;
  }

  /** Whether the file held it as F16 or BF16, widened to F32 on reading. */
  public boolean isWidened() {
    return widenedFrom != null;
  }

  /**
   * The dtype the file it was read from held it as: "F32", "F64", "I64", or "F16" and "BF16",
   * which are read widened to F32 ({@link #dtype()} FLOAT32; every such value is a float, so
   * exactly). Writing it writes F32.
   */
  public String fileDtype() {
    return widenedFrom != null ? widenedFrom : SafeTensors.dtypeName(this);
  }

  /** An F32 tensor holding {@code data} (not copied). */
  public static SafeTensor ofFloats(String name, Shape shape, float[] data) {
    checkNotNull(data, "data of tensor '%s' is null", name);
    SafeTensor t = new SafeTensor(name, DType.FLOAT32, shape, () -> data, null, null);
    t.checkLength(data.length);
    return t;
  }

  /** An F64 tensor holding {@code data} (not copied). */
  public static SafeTensor ofDoubles(String name, Shape shape, double[] data) {
    checkNotNull(data, "data of tensor '%s' is null", name);
    SafeTensor t = new SafeTensor(name, DType.FLOAT64, shape, null, () -> data, null);
    t.checkLength(data.length);
    return t;
  }

  /**
   * An I64 tensor holding {@code data} (not copied), each value within +-{@link #MAX_EXACT_LONG},
   * else an IllegalArgumentException naming the tensor and the value.
   */
  public static SafeTensor ofLongs(String name, Shape shape, long[] data) {
    checkNotNull(data, "data of tensor '%s' is null", name);
    for (int i = 0; i < data.length; i++) {
      if (!isExact(data[i])) {
        throw new IllegalArgumentException(outOfRange(name, i, data[i]));
      }
    }
    SafeTensor t = new SafeTensor(name, DType.FLOAT64, shape, null, () -> {
      double[] d = new double[data.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = data[i];
      }
      return d;
    }, data);
    t.checkLength(data.length);
    return t;
  }

  /** Whether {@code value} is within +-{@link #MAX_EXACT_LONG}, so a double holds it exactly. */
  static boolean isExact(long value) {
    return value >= -MAX_EXACT_LONG && value <= MAX_EXACT_LONG;
  }

  /** Why {@code value}, element {@code index} of I64 tensor {@code name}, is refused. */
  static String outOfRange(String name, long index, long value) {
    return "tensor '" + name + "' is I64 with value " + value + " at element " + index
        + ", beyond +-2^53 (" + MAX_EXACT_LONG + "), where doubles are no longer exact; jgrad"
        + " reads I64 counts and indices within that range only";
  }

  /** An F32 tensor whose values {@code data} supplies when they are needed (each time). */
  public static SafeTensor lazyFloats(String name, Shape shape, Supplier<float[]> data) {
    checkNotNull(data, "data supplier of tensor '%s' is null", name);
    return new SafeTensor(name, DType.FLOAT32, shape, data, null, null);
  }

  /** An F64 tensor whose values {@code data} supplies when they are needed (each time). */
  public static SafeTensor lazyDoubles(String name, Shape shape, Supplier<double[]> data) {
    checkNotNull(data, "data supplier of tensor '%s' is null", name);
    return new SafeTensor(name, DType.FLOAT64, shape, null, data, null);
  }

  /** The tensor's name in the file, e.g. {@code "fc1.weight"}. */
  public String name() {
    return name;
  }

  /**
   * {@link DType#FLOAT32} (safetensors "F32") or {@link DType#FLOAT64} ("F64", and "I64" whose
   * values it holds exactly as doubles: see {@link #isInt64()}).
   */
  public DType dtype() {
    return dtype;
  }

  /** Whether the file holds it as I64 (64-bit integers); {@link #dtype()} is then FLOAT64. */
  public boolean isInt64() {
    return longs != null;
  }

  /** The values of an I64 tensor, as written. */
  public long[] longs() {
    checkState(longs != null, "tensor '%s' is %s; call toDoubleArray()", name,
        SafeTensors.dtypeName(this));
    return longs;
  }

  /** The tensor's shape, row-major. */
  public Shape shape() {
    return shape;
  }

  /** Bytes of data in the file: elements * 4 (F32) or 8 (F64, I64). */
  public long byteSize() {
    return shape.size() * dtype.byteSize();
  }

  /** The values of an F32 tensor. */
  public float[] floats() {
    checkState(floats != null, "tensor '%s' is F64; call doubles() or toFloatArray()", name);
    float[] data = checkNotNull(floats.get(), "data supplier of tensor '%s' returned null", name);
    checkLength(data.length);
    return data;
  }

  /** The values of an F64 tensor, or of an I64 one as (exact) doubles, a copy each call. */
  public double[] doubles() {
    checkState(doubles != null, "tensor '%s' is F32; call floats() or toDoubleArray()", name);
    double[] data =
        checkNotNull(doubles.get(), "data supplier of tensor '%s' returned null", name);
    checkLength(data.length);
    return data;
  }

  /** The values as floats, narrowing F64. */
  public float[] toFloatArray() {
    if (floats != null) {
      return floats();
    }
    double[] d = doubles();
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  /** The values as doubles, widening F32 exactly. */
  public double[] toDoubleArray() {
    if (doubles != null) {
      return doubles();
    }
    float[] f = floats();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private void checkLength(int length) {
    checkArgument(length == shape.size(), "tensor '%s' has %s values but shape %s needs %s; pass"
        + " data that matches the shape", name, length, shape, shape.size());
  }

  @Override
  public String toString() {
    return "SafeTensor[" + name + " " + SafeTensors.dtypeName(this) + " " + shape + "]";
  }
}
