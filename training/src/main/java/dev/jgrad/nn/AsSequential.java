package dev.jgrad.nn;

/**
 * A module whose forward pass is a chain of layers that it can also hand out as a
 * {@link Sequential} of the same layer instances (sharing their parameters and buffers), so that
 * tools which walk layers, such as {@code dev.jgrad.onnx.OnnxExporter}, can read a model written
 * as its own class. The chain must compute what {@link Module#forward} does.
 *
 * <pre>{@code
 * public Sequential asSequential() {
 *   return new Sequential(new Unflatten(1, 28, 28), conv, new ReLU(), pool, flatten, fc);
 * }
 * }</pre>
 */
public interface AsSequential {
  /** This module's layers in the order its forward pass applies them. */
  Sequential asSequential();
}
