package dev.jgrad.onnx;

import dev.jgrad.nn.OpActivation;
import java.util.Map;

/**
 * Service interface through which {@link OnnxExporter} finds the ONNX lowerings a plugin jar
 * ships for its ops, so that a model using the op as an activation ({@link OpActivation}), or a
 * module whose lowering applies it ({@link OnnxLoweringContext#op}), exports wherever the jar is: list the implementation in
 * {@code META-INF/services/dev.jgrad.onnx.OnnxOpLoweringProvider} (and {@code provides} it in a
 * module-info), next to the jar's {@code OpProvider}.
 *
 * <pre>{@code
 * public final class SwishOnnx implements OnnxOpLoweringProvider {
 *   public Map<String, OnnxLowering<OpActivation.Layer>> lowerings() {
 *     return Map.of("swish::swish", (layer, onnx) -> ...);   // layer.attrs(): the op's attributes
 *   }
 * }
 * }</pre>
 *
 * <p>The exporter asks the providers only for an op layer that neither a lowering given to
 * {@link OnnxExporter.Builder} nor a built-in rule lowers. One op lowered by two providers fails
 * the export of a model using it, naming both; a lowering passed to
 * {@link OnnxExporter.Builder#lowerOp} settles it.
 */
public interface OnnxOpLoweringProvider {
  /** The lowerings by qualified op name ({@code swish::swish}). */
  Map<String, OnnxLowering<OpActivation.Layer>> lowerings();
}
