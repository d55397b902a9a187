package dev.jgrad.spark;

import dev.jgrad.nn.Module;
import java.io.Serializable;

/**
 * Builds the model, once on the driver and once per executor thread, so it must be serializable
 * (a lambda assigned to this type, or a named class) and must build the same parameters (names,
 * shapes) everywhere; {@link SparkTrainer} checks that on every executor and fails naming the
 * first difference. The initial values do not matter on executors: each round overwrites them
 * with the driver's.
 *
 * <pre>{@code
 * ModelFactory mlp = () -> Mlp.builder().input(784).hidden(100).output(10).seed(42).build();
 * }</pre>
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
  /** A new model; every call must give the same parameter names and shapes. */
  Module create();
}
