package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.Tensor;
import java.util.Map;

/**
 * A snapshot of an optimizer's state, as checkpoints store it.
 *
 * @param kind which optimizer wrote it, e.g. {@code "adam"}; loading into another kind fails
 * @param tensors per-parameter moments by name, e.g. {@code "m.0.weight"}; the live tensors, so
 *     copy them before the next step if you need the values to stay
 * @param values scalar counters by name, e.g. {@code "t" -> "12"} and
 *     {@code "t.0.weight" -> "12"} for Adam's step counts
 */
public record OptimizerState(String kind, Map<String, Tensor> tensors, Map<String, String> values) {
  public OptimizerState {
    checkNotNull(kind, "kind is null");
    tensors = Map.copyOf(tensors);
    values = Map.copyOf(values);
  }
}
