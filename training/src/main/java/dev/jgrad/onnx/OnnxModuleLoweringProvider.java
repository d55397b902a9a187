package dev.jgrad.onnx;

import dev.jgrad.nn.Module;
import java.util.List;

/**
 * Service interface through which {@link OnnxExporter} finds the ONNX lowerings a jar ships for
 * its custom {@link Module} classes, so that a model holding one exports with the plain
 * {@link OnnxExporter#export} (and the main job's {@code --export-onnx}) wherever the jar is: list
 * the implementation in {@code META-INF/services/dev.jgrad.onnx.OnnxModuleLoweringProvider} (and
 * {@code provides} it in a module-info), as {@link OnnxOpLoweringProvider} is for an op.
 *
 * <pre>{@code
 * public final class AcmeOnnx implements OnnxModuleLoweringProvider {
 *   public List<OnnxModuleLowering<?>> lowerings() {
 *     return List.of(OnnxModuleLowering.of(ResBlock.class, (block, onnx) -> {
 *       String h = onnx.child("fc1", onnx.input());
 *       String s = onnx.op("acme::softplus", Attrs.of("beta", block.beta()), h);  // its lowering
 *       String o = onnx.child("fc2", s);
 *       return onnx.node("Add", List.of(onnx.input(), o), onnx.name("out")).output();
 *     }));
 *   }
 * }
 * }</pre>
 *
 * <p>The rule is the op lowerings' one: the exporter asks the providers only for a module that
 * neither a lowering given to {@link OnnxExporter.Builder} ({@link OnnxExporter.Builder#lower})
 * nor a built-in rule lowers. One class lowered by two providers fails the export of a model
 * holding it, naming both; a lowering passed to {@link OnnxExporter.Builder#lower} settles it.
 */
public interface OnnxModuleLoweringProvider {
  /** The lowerings, one per module class. */
  List<OnnxModuleLowering<?>> lowerings();
}
