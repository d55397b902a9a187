package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.OptimizerState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The names and shapes of what a round ships: the model's parameters and buffers in registration
 * order, then the optimizer's state tensors in name order; and how to pack them into one flat
 * float array and back. Parameters travel as these arrays, never as serialized tensors. Every
 * executor compares the layout of the model its factory built with the driver's, so a factory
 * that builds another model there fails the round instead of averaging unrelated numbers.
 */
final class ModelLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String optimizerKind;
  private final List<String> modelNames;
  private final List<int[]> modelShapes;
  private final List<String> stateNames;
  private final List<int[]> stateShapes;
  private final int modelSize;
  private final int stateSize;

  private ModelLayout(String optimizerKind, Map<String, Tensor> model,
      Map<String, Tensor> state) {
    this.optimizerKind = optimizerKind;
    this.modelNames = List.copyOf(model.keySet());
    this.modelShapes = shapes(model);
    this.stateNames = List.copyOf(state.keySet());
    this.stateShapes = shapes(state);
    this.modelSize = size(modelShapes);
    this.stateSize = size(stateShapes);
  }

  /** The layout of {@code model} with {@code optimizer}; only FLOAT32 tensors travel. */
  static ModelLayout of(Module model, Optimizer optimizer) {
    Map<String, Tensor> m = modelTensors(model);
    Map<String, Tensor> s = new TreeMap<>(optimizer.state().tensors());
    for (Map<String, Tensor> tensors : List.of(m, s)) {
      tensors.forEach((name, t) -> checkArgument(t.dtype() == DType.FLOAT32,
          "SparkTrainer: '%s' is %s %s; data-parallel training ships FLOAT32 only: build the"
              + " model in FLOAT32", name, t.dtype(), t.shape()));
    }
    return new ModelLayout(optimizer.state().kind(), m, s);
  }

  /** Parameters then buffers, as {@link dev.jgrad.train.Checkpoint} saves them. */
  private static Map<String, Tensor> modelTensors(Module model) {
    Map<String, Tensor> all = new LinkedHashMap<>(model.namedParameters());
    all.putAll(model.namedBuffers());
    return all;
  }

  private static List<int[]> shapes(Map<String, Tensor> tensors) {
    List<int[]> shapes = new ArrayList<>();
    tensors.values().forEach(t -> shapes.add(t.shape().dims()));
    return List.copyOf(shapes);
  }

  private static int size(List<int[]> shapes) {
    long n = 0;
    for (int[] s : shapes) {
      n += Arrays.stream(s).asLongStream().reduce(1, (a, b) -> a * b);
    }
    checkArgument(n <= Integer.MAX_VALUE - 8, "SparkTrainer: %s floats do not fit one Java array;"
        + " models above 2^31 scalars are not supported", n);
    return (int) n;
  }

  int modelSize() {
    return modelSize;
  }

  int stateSize() {
    return stateSize;
  }

  /** The model's parameters and buffers, packed in layout order. */
  float[] packModel(Module model) {
    return pack(modelTensors(model), modelNames, modelSize);
  }

  /** The optimizer's state tensors, packed in layout order. */
  float[] packState(Optimizer optimizer) {
    return pack(optimizer.state().tensors(), stateNames, stateSize);
  }

  private static float[] pack(Map<String, Tensor> tensors, List<String> names, int size) {
    float[] flat = new float[size];
    int at = 0;
    for (String name : names) {
      float[] values = tensors.get(name).toFloatArray();
      System.arraycopy(values, 0, flat, at, values.length);
      at += values.length;
    }
    return flat;
  }

  /** Overwrites the model's parameters and buffers with {@code flat}. */
  void unpackModel(float[] flat, Module model) {
    Map<String, Tensor> tensors = modelTensors(model);
    int at = 0;
    for (int i = 0; i < modelNames.size(); i++) {
      Tensor target = tensors.get(modelNames.get(i));
      int n = (int) target.size();
      target.assign(Tensor.of(Arrays.copyOfRange(flat, at, at + n), modelShapes.get(i))
          .to(target.backend()));
      at += n;
    }
  }

  /** Loads {@code flat} and the counters {@code values} as the optimizer's state. */
  void unpackState(float[] flat, Map<String, String> values, Optimizer optimizer) {
    Map<String, Tensor> tensors = new HashMap<>();
    int at = 0;
    for (int i = 0; i < stateNames.size(); i++) {
      int[] shape = stateShapes.get(i);
      int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      tensors.put(stateNames.get(i), Tensor.of(Arrays.copyOfRange(flat, at, at + n), shape));
      at += n;
    }
    optimizer.loadState(new OptimizerState(optimizerKind, tensors, values));
  }

  /**
   * Fails naming the first difference between this layout (built on an executor, described by
   * {@code where}) and the driver's.
   */
  void checkSameAs(ModelLayout driver, String where) {
    checkArgument(optimizerKind.equals(driver.optimizerKind), "SparkTrainer: the optimizer"
        + " factory built '%s' on %s but '%s' on the driver; it must build the same optimizer"
        + " everywhere", optimizerKind, where, driver.optimizerKind);
    checkSame("parameter", modelNames, modelShapes, driver.modelNames, driver.modelShapes, where);
    checkSame("optimizer state", stateNames, stateShapes, driver.stateNames, driver.stateShapes,
        where);
  }

  private static void checkSame(String what, List<String> names, List<int[]> shapes,
      List<String> driverNames, List<int[]> driverShapes, String where) {
    checkArgument(names.equals(driverNames), "SparkTrainer: the model factory built %ss %s on"
        + " %s but %s on the driver; the factory must build the same model on every executor"
        + " (no sizes that depend on where it runs)", what, names, where, driverNames);
    for (int i = 0; i < names.size(); i++) {
      checkArgument(Arrays.equals(shapes.get(i), driverShapes.get(i)), "SparkTrainer: %s '%s'"
          + " is %s on %s but %s on the driver; the model factory must build the same model on"
          + " every executor (no sizes that depend on where it runs)", what, names.get(i),
          Arrays.toString(shapes.get(i)), where, Arrays.toString(driverShapes.get(i)));
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelLayout other)) {
      return false;
    }
    return optimizerKind.equals(other.optimizerKind) && modelNames.equals(other.modelNames)
        && stateNames.equals(other.stateNames) && sameShapes(modelShapes, other.modelShapes)
        && sameShapes(stateShapes, other.stateShapes);
  }

  private static boolean sameShapes(List<int[]> a, List<int[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Objects.hash(optimizerKind, modelNames, stateNames);
  }

  @Override
  public String toString() {
    return "ModelLayout(" + modelNames.size() + " model tensors, " + modelSize + " floats; "
        + optimizerKind + " state " + stateSize + " floats)";
  }
}
