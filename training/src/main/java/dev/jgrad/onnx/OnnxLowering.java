package dev.jgrad.onnx;

import dev.jgrad.nn.Module;

/**
 * How {@link OnnxExporter} writes a module it does not know (a custom {@link Module}, a plugin
 * op's activation) as ONNX nodes, as PyTorch's {@code register_custom_op_symbolic} does for an
 * op: the lowering adds the nodes computing the module in evaluation mode to the graph being
 * built, reading {@link OnnxLoweringContext#input()}, and returns the name of the value they
 * output.
 *
 * <pre>{@code
 * // Scale: y = x * factor, a learned [features] tensor (a custom Module)
 * OnnxLowering<Scale> scale = (layer, onnx) -> {
 *   String factor = onnx.initializer("factor", layer.factor());   // "2.factor" at layer 2
 *   return onnx.node("Mul", List.of(onnx.input(), factor), onnx.name("out")).output();
 * };
 * OnnxExporter.builder().lower(Scale.class, scale).export(model, new int[] {784}, path);
 * }</pre>
 *
 * <p>A lowering is given per export with {@link OnnxExporter.Builder#lower}, or shipped in a jar:
 * by an {@link OnnxModuleLoweringProvider} for a module class, by an
 * {@link OnnxOpLoweringProvider} for an op. It sees only the
 * narrow {@link OnnxLoweringContext}: nodes of the default ONNX domain at opset
 * {@value OnnxExporter#OPSET}, initializers, and the sub-modules it lowers by name.
 *
 * @param <M> the module class it lowers
 */
@FunctionalInterface
public interface OnnxLowering<M extends Module> {
  /**
   * Adds the nodes computing {@code module} to {@code onnx}'s graph and returns the name of their
   * output: a value that a node it added writes (or its input, for an identity). Unless it sets
   * {@link OnnxLoweringContext#outputDims}, the output has the per-sample dims of the value it
   * returns when the exporter knows them (the input, or a sub-module's output), else those of the
   * input, as an elementwise activation's.
   */
  String lower(M module, OnnxLoweringContext onnx);
}
