package dev.jgrad.spark;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.optim.Optimizer;
import java.io.Serializable;
import java.util.Map;

/**
 * Builds the optimizer on a model's parameters, on the driver and on every executor; serializable
 * like {@link ModelFactory}. Its state (moments, step counts) travels with the parameters each
 * round, so every replica starts a round where the averaged one ended.
 *
 * <pre>{@code
 * OptimizerFactory sgd = params -> new Sgd(params, 0.1);
 * }</pre>
 */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {
  /** A new optimizer over {@code parameters} (the model's named parameters). */
  Optimizer create(Map<String, Tensor> parameters);
}
