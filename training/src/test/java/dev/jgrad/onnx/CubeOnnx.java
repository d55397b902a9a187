package dev.jgrad.onnx;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.OpActivation;
import java.util.List;
import java.util.Map;

/** The ONNX lowering of {@link CubeOps}'s op, shipped as a plugin jar would ship it. */
public final class CubeOnnx implements OnnxOpLoweringProvider {
  @Override
  public Map<String, OnnxLowering<OpActivation.Layer>> lowerings() {
    return Map.of(CubeOps.CUBE, CubeOnnx::cube);
  }

  /** scale * x^3 as x * x * x * scale, the scale a constant of the layer's own. */
  static String cube(OpActivation.Layer layer, OnnxLoweringContext onnx) {
    String x = onnx.input();
    String square = onnx.node("Mul", List.of(x, x), onnx.name("square")).output();
    String cube = onnx.node("Mul", List.of(square, x), onnx.name("cube")).output();
    double scale = layer.attrs().getDouble("scale", 1.0);
    String factor = onnx.initializer("scale", Tensor.scalar(scale, onnx.dtype()));
    return onnx.node("Mul", List.of(cube, factor), onnx.name("out")).output();
  }
}
