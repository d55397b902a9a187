package dev.jgrad.onnx;

import static dev.jgrad.autograd.GeluApproximation.KAPPA;
import static dev.jgrad.autograd.GeluApproximation.SQRT1_2;
import static dev.jgrad.autograd.GeluApproximation.SQRT_2_OVER_PI;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.GeluApproximation;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.GELU;
import java.util.List;

/**
 * A {@link GELU} layer as ONNX nodes. ONNX's own Gelu operator needs opset 20 and the exporter
 * writes {@value OnnxExporter#OPSET}, so this writes the composite in {@link Tensor#gelu}'s (and
 * PyTorch's) order: {@code Mul(Mul(x, 0.5), Add(Erf(Mul(x, 1/sqrt 2)), 1))}, or for the tanh
 * form {@code Tanh(Mul(Add(Mul(Mul(Mul(x, x), x), 0.044715), x), sqrt(2/pi)))} in the Erf's place.
 */
final class GeluNodes {
  private final OnnxGraph graph;
  private final DType dtype;
  /** The layer's node name, the prefix of its inner nodes and constants. */
  private final String node;

  private GeluNodes(OnnxGraph graph, DType dtype, String node) {
    this.graph = graph;
    this.dtype = dtype;
    this.node = node;
  }

  /** Writes {@code gelu}'s nodes, from the value {@code in} to {@code out}. */
  static void write(OnnxGraph graph, DType dtype, GELU gelu, String node, String in, String out) {
    GeluNodes g = new GeluNodes(graph, dtype, node);
    String curve;
    if (gelu.approximation() == GeluApproximation.TANH) {
      String cube = g.op("Mul", "cube", g.op("Mul", "square", in, in), in);
      String sum = g.op("Add", "sum", g.op("Mul", "cubic", cube, g.constant("kappa", KAPPA)), in);
      curve = g.op("Tanh", "tanh", g.op("Mul", "inner", sum,
          g.constant("beta", SQRT_2_OVER_PI)));
    } else {
      curve = g.op("Erf", "erf", g.op("Mul", "scaled", in, g.constant("sqrt1_2", SQRT1_2)));
    }
    String half = g.op("Mul", "half_x", in, g.constant("half", 0.5));
    String onePlus = g.op("Add", "one_plus", curve, g.constant("one", 1));
    graph.node("Mul", node, List.of(half, onePlus), out);
  }

  /** A node {@code type} of {@code inputs}, named and giving a value named NODE.what. */
  private String op(String type, String what, String... inputs) {
    String name = node + "." + what;
    graph.node(type, name, List.of(inputs), name);
    return name;
  }

  /** A scalar initializer NODE.what in the model's dtype. */
  private String constant(String what, double value) {
    String name = node + "." + what;
    graph.initializer(name, Tensor.scalar(value, dtype));
    return name;
  }
}
