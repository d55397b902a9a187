package dev.jgrad.onnx;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.AtomicFiles;
import dev.jgrad.nn.AvgPool2d;
import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.GELU;
import dev.jgrad.nn.LeakyReLU;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.OpActivation;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Sigmoid;
import dev.jgrad.nn.Tanh;
import dev.jgrad.nn.Unflatten;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a model as a standard ONNX file, for inference in ONNX Runtime, TensorRT, OpenVINO or
 * any runtime that reads ONNX: a {@link Sequential} (an {@code Mlp} is one) of {@link Linear}
 * (Gemm), {@link ReLU}, {@link Sigmoid}, {@link Tanh}, {@link LeakyReLU}, {@link GELU} (Mul, Add
 * and Erf or Tanh: ONNX's Gelu needs opset 20), {@link Conv2d} (Conv),
 * {@link MaxPool2d}, {@link AvgPool2d}, {@link Flatten}, {@link Unflatten} (Reshape),
 * {@link Dropout} (Identity) and {@link BatchNorm1d}/{@link BatchNorm2d} (BatchNormalization),
 * an {@link OpActivation} of {@code jgrad::sin}, {@code jgrad::cos} or {@code jgrad::erf} (Sin,
 * Cos, Erf), of
 * {@code jgrad::log1p} (Log of Add 1: ONNX has no Log1p, so the file loses precision near 0 that
 * jgrad keeps) or of {@code jgrad::expm1} (Sub 1 of Exp, alike), and nested Sequentials.
 *
 * <p>A FLOAT64 model's Erf is of doubles, as ONNX allows; ONNX Runtime's CPU provider implements
 * Erf for floats only, so it cannot run a FLOAT64 model with an exact {@link GELU} or
 * {@code jgrad::erf} (export the model in FLOAT32, or use the tanh form).
 *
 * <p>The file is what the model computes in evaluation mode ({@link Module#eval()}), whatever
 * mode it is in: Dropout is the identity and batch normalization uses the running statistics.
 * The graph has one input {@value #INPUT} and one output {@value #OUTPUT}, both of the model's
 * dtype (FLOAT32, or FLOAT64), whose first axis is the symbolic batch size {@value #BATCH_DIM};
 * weights are initializers named as the model names its parameters ({@code 0.weight}). It uses
 * ONNX opset {@value #OPSET} (IR version {@value #IR_VERSION}), which ONNX Runtime 1.12 and later
 * run; but ONNX Runtime (1.23) has no FLOAT64 kernel of Conv or AveragePool, so it refuses to load
 * a FLOAT64 file of a model with {@link Conv2d} or {@link AvgPool2d} ({@code ORT_NOT_IMPLEMENTED
 * ... Conv(11)}): export those in FLOAT32 for ONNX Runtime.
 *
 * <pre>{@code
 * Sequential net = Mlp.builder().input(784).hidden(100).output(10).build();
 * OnnxExporter.export(net, new int[] {784}, Path.of("mlp.onnx"));  // input [N, 784]
 * }</pre>
 *
 * <p>Any other module, a custom {@link Module} or an {@link OpActivation} of a plugin op, needs
 * an {@link OnnxLowering} that writes it as ONNX nodes: given per export with
 * {@link #builder()} ({@link Builder#lower} for a module class, {@link Builder#lowerOp} for an
 * op), or shipped in a jar and found by ServiceLoader: an {@link OnnxModuleLoweringProvider} for
 * a module class, an {@link OnnxOpLoweringProvider} for an op. A lowering given per export comes
 * first, then the built-in rules, then the providers' ({@link Builder} says it in full). Without one, the export fails naming the module, its place
 * in the model and how to give one.
 *
 * <p>The protobuf encoding is written by a few lines of {@link ProtoWriter} rather than by
 * protobuf-java's generated classes, so the training module gains no dependency for it.
 */
public final class OnnxExporter {
  /** The ONNX operator set the file imports. */
  public static final int OPSET = 17;
  /** The ONNX IR version that goes with opset 17. */
  public static final int IR_VERSION = 8;
  /** The graph's input name. */
  public static final String INPUT = "input";
  /** The graph's output name. */
  public static final String OUTPUT = "output";
  /** The name of the symbolic batch dimension of the input and output. */
  public static final String BATCH_DIM = "N";

  private OnnxExporter() {}

  /**
   * Writes {@code model} to {@code out} (atomically: a failed export leaves an older file
   * intact), its input of shape {@code [N, sampleShape...]}, with the built-in rules and the
   * lowerings that {@link OnnxModuleLoweringProvider}s and {@link OnnxOpLoweringProvider}s on the
   * class path ship for module classes and ops.
   *
   * @param sampleShape one sample's shape, without the batch axis: {@code {784}} for flat
   *     MNIST rows, {@code {1, 28, 28}} for images
   * @throws IllegalArgumentException when a module cannot be exported (naming it and its place in
   *     the model), the parameters are not all FLOAT32 or all FLOAT64, or {@code sampleShape} does
   *     not fit the first layers
   */
  public static void export(Module model, int[] sampleShape, Path out) throws IOException {
    builder().export(model, sampleShape, out);
  }

  /** The ONNX file {@link #export} writes, as bytes. */
  public static byte[] toBytes(Module model, int[] sampleShape) {
    return builder().toBytes(model, sampleShape);
  }

  /** An export with lowerings of its own for layers the built-in rules do not know. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * An export with {@link OnnxLowering}s given for module classes and op names, for custom
   * layers and plugin ops. For each module the first rule that lowers it wins:
   *
   * <ol>
   *   <li>a lowering given here for its exact class ({@link #lower}), then one given here for its
   *       op, if it is an {@link OpActivation} layer ({@link #lowerOp});
   *   <li>the built-in rule for jgrad's layers (so a lowering given for {@code Linear} replaces
   *       the built-in Gemm);
   *   <li>the lowering of its exact class that an {@link OnnxModuleLoweringProvider} on the
   *       class or module path ships;
   *   <li>for an op activation's layer, the lowering of its op that an
   *       {@link OnnxOpLoweringProvider} on the class or module path ships.
   * </ol>
   *
   * <p>An op a lowering applies with {@link OnnxLoweringContext#op} is lowered by the same rules,
   * as an op activation's layer.
   *
   * <pre>{@code
   * OnnxExporter.builder()
   *     .lower(Scale.class, (layer, onnx) -> onnx.node("Mul",
   *         List.of(onnx.input(), onnx.initializer("factor", layer.factor())),
   *         onnx.name("out")).output())
   *     .export(model, new int[] {784}, Path.of("model.onnx"));
   * }</pre>
   *
   * <p>A builder can export any number of models; each export sees the lowerings given so far.
   */
  public static final class Builder {
    private final Map<Class<?>, OnnxLowering<?>> byClass = new LinkedHashMap<>();
    private final Map<String, OnnxLowering<OpActivation.Layer>> byOp = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Lowers the modules whose class is exactly {@code type} (not a subclass: a subclass may
     * compute something else) with {@code lowering}.
     */
    public <M extends Module> Builder lower(Class<M> type, OnnxLowering<? super M> lowering) {
      OnnxModuleLowering.check("OnnxExporter.builder().lower", type, lowering);
      checkArgument(!byClass.containsKey(type), "OnnxExporter.builder().lower: %s has a"
          + " lowering already; give one per class", type.getName());
      byClass.put(type, lowering);
      return this;
    }

    /**
     * Lowers the {@link OpActivation} layers of the op {@code op} (a qualified name,
     * {@code swish::swish}) with {@code lowering}, before any lowering a provider ships for it.
     */
    public Builder lowerOp(String op, OnnxLowering<OpActivation.Layer> lowering) {
      checkArgument(op != null && op.indexOf("::") > 0, "OnnxExporter.builder().lowerOp: op"
          + " '%s' is not a qualified name namespace::op (e.g. swish::swish)", op);
      checkNotNull(lowering, "OnnxExporter.builder().lowerOp: the lowering for %s is null", op);
      checkArgument(!byOp.containsKey(op), "OnnxExporter.builder().lowerOp: op %s has a"
          + " lowering already; give one per op", op);
      byOp.put(op, lowering);
      return this;
    }

    /** {@link OnnxExporter#export}, with this builder's lowerings. */
    public void export(Module model, int[] sampleShape, Path out) throws IOException {
      checkNotNull(out, "OnnxExporter: the output path is null; pass the .onnx file to write");
      byte[] bytes = toBytes(model, sampleShape);
      AtomicFiles.write(out, o -> o.write(bytes));
    }

    /** The ONNX file {@link #export} writes, as bytes. */
    public byte[] toBytes(Module model, int[] sampleShape) {
      checkNotNull(model, "OnnxExporter: the model is null; pass the module to export");
      checkArgument(sampleShape != null && sampleShape.length > 0
          && Arrays.stream(sampleShape).allMatch(d -> d > 0), "OnnxExporter: the sample shape"
          + " %s must be one sample's positive sizes without the batch axis, e.g. {784} or"
          + " {1, 28, 28}", Arrays.toString(sampleShape));
      DType dtype = dtypeOf(model);
      ModelWalk walk = new ModelWalk(model, dtype, sampleShape, byClass, byOp);
      String output = walk.module(model, "", INPUT);
      walk.graph.node("Identity", "output", List.of(output), OUTPUT);
      return walk.graph.model("jgrad", model.toString(), sampleShape, OUTPUT, walk.dims,
          IR_VERSION, OPSET);
    }
  }

  /** The one float dtype of every parameter and buffer that is exported; FLOAT32 for none. */
  private static DType dtypeOf(Module model) {
    Map<String, DType> dtypes = new LinkedHashMap<>();
    model.namedParameters().forEach((name, t) -> dtypes.put(name, t.dtype()));
    model.namedBuffers().forEach((name, t) -> {
      if (!name.endsWith("num_batches_tracked")) { // a counter, not exported
        dtypes.put(name, t.dtype());
      }
    });
    if (dtypes.isEmpty()) {
      return Tensor.DEFAULT_DTYPE;
    }
    Map.Entry<String, DType> first = dtypes.entrySet().iterator().next();
    for (Map.Entry<String, DType> e : dtypes.entrySet()) {
      checkArgument(e.getValue().isFloatingPoint(), "OnnxExporter: parameter '%s' is %s; ONNX"
          + " export writes FLOAT32 or FLOAT64 models; build the model in one of those",
          e.getKey(), e.getValue());
      checkArgument(e.getValue() == first.getValue(), "OnnxExporter: parameter '%s' is %s but"
          + " '%s' is %s; ONNX export needs one dtype throughout; build every layer in one dtype",
          e.getKey(), e.getValue(), first.getKey(), first.getValue());
    }
    return first.getValue();
  }
}
