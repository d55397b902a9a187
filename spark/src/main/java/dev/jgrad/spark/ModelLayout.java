package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.OptimizerState;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a round ships: the model's parameters and buffers in registration order, then the
 * optimizer's state tensors in name order ({@link TensorLayout}s), and how to pack them into
 * flat arrays and back. Parameters travel as these arrays, never as serialized tensors. Every
 * executor compares the layout of the model its factory built with the driver's, so a factory
 * that builds another model there fails the round instead of averaging unrelated numbers.
 */
final class ModelLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String optimizerKind;
  private final TensorLayout model;
  private final TensorLayout state;
  private final DType inputDtype;

  private ModelLayout(String optimizerKind, TensorLayout model, TensorLayout state,
      DType inputDtype) {
    this.optimizerKind = optimizerKind;
    this.model = model;
    this.state = state;
    this.inputDtype = inputDtype;
  }

  /** The layout of {@code model} with {@code optimizer}; FLOAT32 and FLOAT64 tensors travel. */
  static ModelLayout of(Module model, Optimizer optimizer) {
    Tensor first = model.parameters().isEmpty() ? null : model.parameters().get(0);
    return new ModelLayout(optimizer.state().kind(),
        TensorLayout.of("parameter", model.namedState()),
        TensorLayout.of("optimizer state", new TreeMap<>(optimizer.state().tensors())),
        first == null ? Tensor.DEFAULT_DTYPE : first.dtype());
  }

  /**
   * The dtype the model takes its inputs (and regression targets) in: its first parameter's, as
   * {@link dev.jgrad.train.Model#save} takes it for the model's.
   */
  DType inputDtype() {
    return inputDtype;
  }

  /** The model's parameters and buffers, packed in layout order. */
  PackedTensors packModel(Module m) {
    return model.pack(m.namedState());
  }

  /** The optimizer's state tensors, packed in layout order. */
  PackedTensors packState(Optimizer optimizer) {
    return state.pack(optimizer.state().tensors());
  }

  /** Overwrites the model's parameters and buffers with {@code packed}. */
  void unpackModel(PackedTensors packed, Module m) {
    Map<String, Tensor> targets = m.namedState();
    model.unpack(packed).forEach((name, values) -> {
      Tensor target = targets.get(name);
      target.assign(values.to(target.backend()));
    });
  }

  /** Loads {@code packed} and the counters {@code values} as the optimizer's state. */
  void unpackState(PackedTensors packed, Map<String, String> values, Optimizer optimizer) {
    optimizer.loadState(new OptimizerState(optimizerKind, state.unpack(packed), values));
  }

  /**
   * Fails naming the first difference between this layout (built on an executor, described by
   * {@code where}) and the driver's.
   */
  void checkSameAs(ModelLayout driver, String where) {
    checkArgument(optimizerKind.equals(driver.optimizerKind), "SparkTrainer: the optimizer"
        + " factory built '%s' on %s but '%s' on the driver; it must build the same optimizer"
        + " everywhere", optimizerKind, where, driver.optimizerKind);
    model.checkSameAs(driver.model, where);
    state.checkSameAs(driver.state, where);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelLayout other && optimizerKind.equals(other.optimizerKind)
        && model.equals(other.model) && state.equals(other.state)
        && inputDtype == other.inputDtype;
  }

  @Override
  public int hashCode() {
    return Objects.hash(optimizerKind, model, state);
  }

  @Override
  public String toString() {
    return "ModelLayout(model: " + model + "; " + optimizerKind + " state: " + state + ")";
  }
}
