package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An in-memory copy of a model's parameters and buffers (BatchNorm's running statistics), to put
 * back later: PyTorch's {@code best = copy.deepcopy(model.state_dict())} ...
 * {@code model.load_state_dict(best)}, e.g. to keep the best epoch's weights while stopping
 * early by hand, without writing a file.
 *
 * <pre>{@code
 * ModuleState best = ModuleState.copyOf(model);   // after the best epoch so far
 * ...
 * best.restoreInto(model);                         // its weights back, checked first
 * best.close();                                    // frees its memory (device memory on a GPU)
 * }</pre>
 *
 * <p>The copies live on the backend of each tensor copied, the model's: copying and restoring are
 * copies within that backend, queued like any other work, so on a GPU neither waits for the
 * device nor moves anything over the bus (a copy to the host would wait for every queued kernel).
 * They cost as much memory again as the weights, held until {@link #close}. They are made
 * outside any {@code TensorScope}, so a scope around the step that takes them does not free
 * them. Dropout's mask counters are not part of it, as a {@code state_dict}'s are not.
 */
public final class ModuleState implements AutoCloseable {
  /** The copies by the model's names: parameters, then buffers, as a checkpoint lists them. */
  private final Map<String, Tensor> values;
  private boolean closed;

  private ModuleState(Map<String, Tensor> values) {
    this.values = values;
  }

  /** A copy of every parameter and buffer of {@code model}, by name, on the model's backend. */
  public static ModuleState copyOf(Module model) {
    checkNotNull(model, "model is null");
    Map<String, Tensor> copies = new LinkedHashMap<>();
    try {
      model.namedState().forEach((name, t) -> copies.put(name, copy(t)));
    } catch (RuntimeException | Error e) {
      copies.values().forEach(t -> t.buffer().close());
      throw e;
    }
    return new ModuleState(copies);
  }

  /** A dense copy of {@code t} on its backend, owned by no scope. */
  private static Tensor copy(Tensor t) {
    Backend backend = t.backend();
    DeviceBuffer out = backend.allocate(t.dtype(), t.size());
    backend.copy(t.buffer(), 0, out, 0, t.size()); // parameters and buffers are dense
    return Tensor.wrap(backend, out, t.shape());
  }

  /** The names held: the copied model's parameters, then its buffers. */
  public Set<String> names() {
    return Collections.unmodifiableSet(values.keySet());
  }

  /**
   * Overwrites {@code model}'s parameters and buffers with this copy's values. Checks everything
   * first and changes nothing when the model's names, shapes or dtypes differ from the copied
   * one's (an IllegalArgumentException naming the first tensor that differs). Counts as an
   * in-place change of each tensor, as an optimizer step does.
   */
  public void restoreInto(Module model) {
    checkNotNull(model, "model is null");
    checkState(!closed, "this ModuleState was closed; copy the model again with "
        + "ModuleState.copyOf(model)");
    Map<String, Tensor> targets = model.namedState();
    Set<String> missing = new TreeSet<>(values.keySet());
    missing.removeAll(targets.keySet());
    checkArgument(missing.isEmpty(), "restoreInto: the model has no %s of the copied model; copy "
        + "and restore the same model", missing);
    Set<String> extra = new TreeSet<>(targets.keySet());
    extra.removeAll(values.keySet());
    checkArgument(extra.isEmpty(), "restoreInto: the copy has no %s of this model; copy and "
        + "restore the same model", extra);
    targets.forEach((name, target) -> {
      Tensor saved = values.get(name);
      checkArgument(saved.shape().equals(target.shape()) && saved.dtype() == target.dtype(),
          "restoreInto: '%s' is %s in the model but %s in the copy; copy and restore the same "
              + "model", name, target.spec(), saved.spec());
    });
    targets.forEach((name, target) -> {
      Tensor saved = values.get(name);
      if (saved.backend() == target.backend()) {
        target.assign(saved);
      } else { // the model moved since the copy: through a temporary copy on its backend
        Tensor moved = saved.to(target.backend());
        try {
          target.assign(moved);
        } finally {
          moved.buffer().close();
        }
      }
    });
  }

  /** Frees the copies' memory; using this state afterwards fails. Closing twice is harmless. */
  @Override
  public void close() {
    closed = true;
    values.values().forEach(t -> t.buffer().close());
  }

  @Override
  public String toString() {
    return "ModuleState(" + values.size() + " tensors" + (closed ? ", closed" : "") + ")";
  }
}
