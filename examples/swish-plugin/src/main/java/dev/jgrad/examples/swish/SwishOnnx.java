package dev.jgrad.examples.swish;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.OpActivation;
import dev.jgrad.onnx.OnnxLowering;
import dev.jgrad.onnx.OnnxLoweringContext;
import dev.jgrad.onnx.OnnxOpLoweringProvider;
import java.util.List;
import java.util.Map;

/**
 * Swish's ONNX lowering, shipped next to its kernels: {@code OnnxExporter} finds it through
 * {@code META-INF/services/dev.jgrad.onnx.OnnxOpLoweringProvider}, so a model with a swish
 * activation ({@code new OpActivation("swish::swish", Attrs.of("beta", 1.5))}) exports wherever
 * this jar is. ONNX has no Swish at opset 17: {@code x * Sigmoid(beta * x)}, the Mul by beta
 * (a constant of the layer's own) left out for beta 1; a FLOAT64 model gets
 * {@code x / (1 + Exp(-beta * x))} instead (why: the comment of {@code swish}).
 */
public final class SwishOnnx implements OnnxOpLoweringProvider {
  @Override
  public Map<String, OnnxLowering<OpActivation.Layer>> lowerings() {
    return Map.of(SwishOps.SWISH, SwishOnnx::swish);
  }

  /**
   * The nodes of one swish layer. ONNX Runtime (1.23 to at least 1.29) fuses
   * {@code x * Sigmoid(beta * x)} into its QuickGelu, whose CPU kernel takes float only, so a
   * FLOAT64 model in that form fails to load (microsoft/onnxruntime#32421); the quotient, which
   * this plugin's CPU kernel computes too, matches no fusion.
   */
  private static String swish(OpActivation.Layer layer, OnnxLoweringContext onnx) {
    String x = onnx.input();
    double beta = SwishOps.beta(layer.attrs());
    String z = x;
    if (beta != 1.0) {
      String b = onnx.initializer("beta", Tensor.scalar(beta, onnx.dtype()));
      z = onnx.node("Mul", List.of(x, b), onnx.name("scaled")).output();
    }
    if (onnx.dtype() == DType.FLOAT64) {
      String minus = onnx.node("Neg", List.of(z), onnx.name("minus")).output();
      String exp = onnx.node("Exp", List.of(minus), onnx.name("exp")).output();
      String one = onnx.initializer("one", Tensor.scalar(1, onnx.dtype()));
      String denominator = onnx.node("Add", List.of(exp, one), onnx.name("den")).output();
      return onnx.node("Div", List.of(x, denominator), onnx.name("out")).output();
    }
    String gate = onnx.node("Sigmoid", List.of(z), onnx.name("gate")).output();
    return onnx.node("Mul", List.of(x, gate), onnx.name("out")).output();
  }
}
