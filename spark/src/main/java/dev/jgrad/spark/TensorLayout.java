package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The names, shapes and dtypes of one set of tensors that a round ships (a model's parameters
 * and buffers, or an optimizer's state), in a fixed order, and how to pack them into
 * {@link PackedTensors} and back. FLOAT32 and FLOAT64 tensors travel, each in its own dtype.
 */
final class TensorLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What the tensors are, for messages: "parameter", "optimizer state". */
  private final String what;
  private final List<String> names;
  private final List<int[]> shapes;
  private final List<DType> dtypes;
  private final int floats;
  private final int doubles;

  private TensorLayout(String what, Map<String, Tensor> tensors) {
    this.what = what;
    this.names = List.copyOf(tensors.keySet());
    List<int[]> s = new ArrayList<>();
    List<DType> d = new ArrayList<>();
    long f = 0;
    long g = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue();
      checkArgument(t.dtype() == DType.FLOAT32 || t.dtype() == DType.FLOAT64,
          "SparkTrainer: %s '%s' is %s %s; data-parallel training ships FLOAT32 and FLOAT64"
              + " tensors only: build the model in one of those", what, e.getKey(), t.dtype(),
          t.shape());
      s.add(t.shape().dims());
      d.add(t.dtype());
      if (t.dtype() == DType.FLOAT64) {
        g += t.size();
      } else {
        f += t.size();
      }
    }
    this.shapes = List.copyOf(s);
    this.dtypes = List.copyOf(d);
    this.floats = fitsArray(f);
    this.doubles = fitsArray(g);
  }

  /** The layout of {@code tensors} in their map's order, named {@code what} in messages. */
  static TensorLayout of(String what, Map<String, Tensor> tensors) {
    return new TensorLayout(what, tensors);
  }

  private static int fitsArray(long n) {
    checkArgument(n <= Integer.MAX_VALUE - 8, "SparkTrainer: %s values of one dtype do not fit"
        + " one Java array; models above 2^31 scalars are not supported", n);
    return (int) n;
  }

  /** {@code tensors}' values (looked up by name), packed in layout order. */
  PackedTensors pack(Map<String, Tensor> tensors) {
    float[] f = new float[floats];
    double[] d = new double[doubles];
    int fAt = 0;
    int dAt = 0;
    for (int i = 0; i < names.size(); i++) {
      Tensor t = tensors.get(names.get(i));
      if (dtypes.get(i) == DType.FLOAT64) {
        double[] values = t.toDoubleArray();
        System.arraycopy(values, 0, d, dAt, values.length);
        dAt += values.length;
      } else {
        float[] values = t.toFloatArray();
        System.arraycopy(values, 0, f, fAt, values.length);
        fAt += values.length;
      }
    }
    return new PackedTensors(f, d);
  }

  /** New tensors on the current backend, by name in layout order, holding {@code packed}. */
  Map<String, Tensor> unpack(PackedTensors packed) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    int fAt = 0;
    int dAt = 0;
    for (int i = 0; i < names.size(); i++) {
      int[] shape = shapes.get(i);
      int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      if (dtypes.get(i) == DType.FLOAT64) {
        out.put(names.get(i), Tensor.of(Arrays.copyOfRange(packed.doubles, dAt, dAt + n), shape));
        dAt += n;
      } else {
        out.put(names.get(i), Tensor.of(Arrays.copyOfRange(packed.floats, fAt, fAt + n), shape));
        fAt += n;
      }
    }
    return out;
  }

  /**
   * Fails naming the first difference between this layout (built on an executor, described by
   * {@code where}) and the driver's.
   */
  void checkSameAs(TensorLayout driver, String where) {
    checkArgument(names.equals(driver.names), "SparkTrainer: the model factory built %ss %s on"
        + " %s but %s on the driver; the factory must build the same model on every executor"
        + " (no sizes that depend on where it runs)", what, names, where, driver.names);
    for (int i = 0; i < names.size(); i++) {
      checkArgument(Arrays.equals(shapes.get(i), driver.shapes.get(i)), "SparkTrainer: %s '%s'"
          + " is %s on %s but %s on the driver; the model factory must build the same model on"
          + " every executor (no sizes that depend on where it runs)", what, names.get(i),
          Arrays.toString(shapes.get(i)), where, Arrays.toString(driver.shapes.get(i)));
      checkArgument(dtypes.get(i) == driver.dtypes.get(i), "SparkTrainer: %s '%s' is %s on %s"
          + " but %s on the driver; the model factory must build the same dtypes on every"
          + " executor", what, names.get(i), dtypes.get(i), where, driver.dtypes.get(i));
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TensorLayout other)) {
      return false;
    }
    if (!names.equals(other.names) || !dtypes.equals(other.dtypes)) {
      return false;
    }
    for (int i = 0; i < shapes.size(); i++) {
      if (!Arrays.equals(shapes.get(i), other.shapes.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Objects.hash(names, dtypes);
  }

  @Override
  public String toString() {
    return names.size() + " tensors, " + floats + " floats"
        + (doubles == 0 ? "" : " and " + doubles + " doubles");
  }
}
