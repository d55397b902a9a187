package dev.jgrad.onnx;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.jgrad.onnx.OnnxExporter.BATCH_DIM;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.AvgPool2d;
import dev.jgrad.nn.BatchNorm;
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
import dev.jgrad.nn.Pool2d;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Sigmoid;
import dev.jgrad.nn.Tanh;
import dev.jgrad.nn.Unflatten;
import dev.jgrad.nn.Window2d;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One pass of {@link OnnxExporter} over a model's layers: the graph so far and the current
 * value's per-sample dims.
 */
final class ModelWalk {
  private static final String SUPPORTED = "Sequential, Linear, ReLU, Sigmoid, Tanh, LeakyReLU,"
      + " Conv2d, MaxPool2d, AvgPool2d, Flatten, Unflatten, Dropout, BatchNorm1d, BatchNorm2d,"
      + " GELU, OpActivation of jgrad::sin, jgrad::cos, jgrad::erf, jgrad::log1p or"
      + " jgrad::expm1";
  /** Built-in elementwise ops used as an {@link OpActivation}, and their ONNX operators. */
  private static final Map<String, String> ELEMENTWISE_OPS =
      Map.of(OpNames.SIN, "Sin", OpNames.COS, "Cos", OpNames.ERF, "Erf");

  final OnnxGraph graph;
  final DType dtype;
  final int[] sampleShape;
  /** The current value's per-sample dims. */
  int[] dims;
  private final Map<Tensor, String> names = new IdentityHashMap<>();
  private final Set<Tensor> written = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<Class<?>, OnnxLowering<?>> byClass;
  private final Map<String, OnnxLowering<OpActivation.Layer>> byOp;
  private DiscoveredLowerings<Class<?>> discoveredModules; // on the first layer that needs them
  private DiscoveredLowerings<String> discoveredOps; // on the first op layer that needs them

  /**
   * A walk over {@code model} (every tensor {@code dtype}) for samples of {@code sampleShape},
   * with the lowerings given for module classes and for op names.
   */
  ModelWalk(Module model, DType dtype, int[] sampleShape,
      Map<Class<?>, OnnxLowering<?>> byClass,
      Map<String, OnnxLowering<OpActivation.Layer>> byOp) {
    this.graph = new OnnxGraph(dtype, OnnxExporter.INPUT);
    this.dtype = dtype;
    this.sampleShape = sampleShape.clone();
    this.dims = sampleShape.clone();
    this.byClass = Map.copyOf(byClass);
    this.byOp = Map.copyOf(byOp);
    // the model's own names for its tensors (named Sequentials keep theirs)
    model.namedParameters().forEach((name, t) -> names.put(t, name));
    model.namedBuffers().forEach((name, t) -> names.put(t, name));
  }

  /**
   * Adds {@code m} (at {@code path}, "" for the model) reading {@code in}, whose per-sample dims
   * are {@link #dims}; its output's name, {@link #dims} set to the output's. The first rule that
   * lowers it wins: a lowering given for its class, or for its op; a built-in rule; a discovered
   * {@link OnnxModuleLoweringProvider}'s lowering of its class; a discovered
   * {@link OnnxOpLoweringProvider}'s lowering of its op.
   */
  String module(Module m, String path, String in) {
    OnnxLowering<?> given = byClass.get(m.getClass());
    if (given != null) {
      return lower(given, m, path, in,
          "OnnxExporter.builder().lower(" + className(m) + ".class, ...)");
    }
    OpActivation.Layer op = m instanceof OpActivation.Layer layer ? layer : null;
    if (op != null && byOp.containsKey(op.op())) {
      return lower(byOp.get(op.op()), m, path, in,
          "OnnxExporter.builder().lowerOp(\"" + op.op() + "\", ...)");
    }
    String out = builtIn(m, path, in);
    if (out != null) {
      return out;
    }
    DiscoveredLowerings.Found ofClass = discoveredModules().find(m.getClass(),
        where(path) + " is " + describe(m),
        "OnnxExporter.builder().lower(" + className(m) + ".class, ...)");
    if (ofClass != null) {
      return lower(ofClass.lowering(), m, path, in,
          "the lowering of " + className(m) + " from provider " + ofClass.provider());
    }
    if (op != null) {
      DiscoveredLowerings.Found found = discoveredOps().find(op.op(),
          where(path) + " uses op " + op.op(), "OnnxExporter.builder().lowerOp(\"" + op.op()
              + "\", ...)");
      if (found != null) {
        return lower(found.lowering(), m, path, in,
            "the lowering of op " + op.op() + " from provider " + found.provider());
      }
    }
    throw unsupported(m, path);
  }

  /** The rules for jgrad's own layers; null for a module they do not know. */
  private String builtIn(Module m, String path, String in) {
    if (m instanceof Sequential seq) {
      return layers(seq, path, in);
    }
    String out = (path.isEmpty() ? "y" : path) + ".out";
    String node = path.isEmpty() ? m.getClass().getSimpleName() : path;
    if (m instanceof Linear fc) {
      expect(m, path, dims.length == 1 && dims[0] == fc.inFeatures(), fc.inFeatures());
      graph.node("Gemm", node, List.of(in, tensor(fc.weight(), path, "weight"),
          tensor(fc.bias(), path, "bias")), out); // x [N, in] times W [in, out]: no transB
      dims = new int[] {fc.outFeatures()};
    } else if (m instanceof ReLU) {
      graph.node("Relu", node, List.of(in), out);
    } else if (m instanceof Sigmoid) {
      graph.node("Sigmoid", node, List.of(in), out);
    } else if (m instanceof Tanh) {
      graph.node("Tanh", node, List.of(in), out);
    } else if (m instanceof OpActivation.Layer layer && ELEMENTWISE_OPS.containsKey(layer.op())) {
      graph.node(ELEMENTWISE_OPS.get(layer.op()), node, List.of(in), out);
    } else if (m instanceof OpActivation.Layer layer && layer.op().equals(OpNames.LOG1P)) {
      // ONNX has no Log1p: Log(x + 1), which loses x's low bits near 0 as any such composite
      String sum = node + ".plus_one";
      graph.node("Add", sum, List.of(in, one(path)), sum);
      graph.node("Log", node, List.of(sum), out);
    } else if (m instanceof OpActivation.Layer layer && layer.op().equals(OpNames.EXPM1)) {
      // ONNX has no Expm1: Exp(x) - 1, which cancels near 0
      String exp = node + ".exp";
      graph.node("Exp", exp, List.of(in), exp);
      graph.node("Sub", node, List.of(exp, one(path)), out);
    } else if (m instanceof GELU gelu) {
      GeluNodes.write(graph, dtype, gelu, node, in, out);
    } else if (m instanceof LeakyReLU leaky) {
      graph.node("LeakyRelu", node, List.of(in), out).real("alpha", (float) leaky.slope());
    } else if (m instanceof Dropout) {
      graph.node("Identity", node, List.of(in), out); // evaluation mode
    } else if (m instanceof Flatten) {
      graph.node("Flatten", node, List.of(in), out).integer("axis", 1);
      dims = new int[] {Arrays.stream(dims).reduce(1, (a, b) -> a * b)};
    } else if (m instanceof Unflatten unflatten) {
      int[] sizes = unflatten.shape();
      // rows of the sample's values, as Unflatten.forward takes: [N, 28, 28] reshaped alike in
      // ONNX would export a model that jgrad itself refuses for that input
      expect(m, path, dims.length == 1 && product(dims) == product(sizes), product(sizes));
      long[] target = new long[sizes.length + 1]; // 0: the batch size, copied from the input
      for (int i = 0; i < sizes.length; i++) {
        target[i + 1] = sizes[i];
      }
      String shape = (path.isEmpty() ? "y" : path) + ".shape";
      graph.int64Initializer(shape, target);
      graph.node("Reshape", node, List.of(in, shape), out);
      dims = sizes;
    } else if (m instanceof Conv2d conv) {
      expect(m, path, dims.length == 3 && dims[0] == conv.inChannels(), conv.inChannels(),
          "height", "width");
      List<String> inputs = conv.bias() == null // ONNX's Conv takes its bias as optional
          ? List.of(in, tensor(conv.weight(), path, "weight"))
          : List.of(in, tensor(conv.weight(), path, "weight"), tensor(conv.bias(), path, "bias"));
      window(graph.node("Conv", node, inputs, out), conv.window(), m, path, conv.outChannels())
          .ints("dilations", 1, 1).integer("group", 1);
    } else if (m instanceof Pool2d pool) {
      expect(m, path, dims.length == 3, "channels", "height", "width");
      OnnxNode n = window(graph.node(m instanceof MaxPool2d ? "MaxPool" : "AveragePool",
          node, List.of(in), out), pool.window(), m, path, dims[0]);
      if (m instanceof AvgPool2d) {
        n.integer("count_include_pad", 1); // jgrad averages padding as zeros, as PyTorch
      }
    } else if (m instanceof BatchNorm bn) {
      if (bn.weight() == null || bn.runningMean() == null) {
        throw new IllegalArgumentException("OnnxExporter: " + where(path) + " (" + m + ") has no "
            + (bn.weight() == null ? "weight and bias (affine false)" : "running statistics "
            + "(trackRunningStats false)") + ", which ONNX's BatchNormalization needs; export "
            + "a model whose BatchNorm layers have both");
      }
      boolean images = m instanceof BatchNorm2d;
      if (images) {
        expect(m, path, dims.length == 3 && dims[0] == bn.channels(), bn.channels(), "height",
            "width");
      } else {
        expect(m, path, dims.length == 1 && dims[0] == bn.channels(), bn.channels());
      }
      graph.node("BatchNormalization", node, List.of(in, tensor(bn.weight(), path, "weight"),
          tensor(bn.bias(), path, "bias"), tensor(bn.runningMean(), path, "running_mean"),
          tensor(bn.runningVar(), path, "running_var")), out)
          .real("epsilon", (float) bn.options().epsValue()); // running statistics: evaluation
    } else {
      return null;
    }
    return out;
  }

  /** A scalar 1 in the model's dtype, for the layer at {@code path}. */
  private String one(String path) {
    String name = (path.isEmpty() ? "y" : path) + ".one";
    graph.initializer(name, Tensor.scalar(1, dtype));
    return name;
  }

  @SuppressWarnings("unchecked") // the lowering was registered for m's class (or op)
  private String lower(OnnxLowering<?> lowering, Module m, String path, String in, String by) {
    Class<?> c = lowering.getClass();
    String named = c.isSynthetic() || c.isHidden() || c.isAnonymousClass() ? by
        : c.getName() + " (" + by + ")"; // a lambda's class name says nothing
    return new OnnxLoweringContext(this, m, path, in, dims, named)
        .apply((OnnxLowering<Module>) lowering, m);
  }

  private DiscoveredLowerings<Class<?>> discoveredModules() {
    if (discoveredModules == null) {
      discoveredModules = DiscoveredLowerings.modules(loader());
    }
    return discoveredModules;
  }

  private DiscoveredLowerings<String> discoveredOps() {
    if (discoveredOps == null) {
      discoveredOps = DiscoveredLowerings.ops(loader());
    }
    return discoveredOps;
  }

  private static ClassLoader loader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : OnnxExporter.class.getClassLoader();
  }

  private String layers(Sequential seq, String path, String in) {
    String value = in;
    List<Module> layers = seq.layers();
    for (int i = 0; i < layers.size(); i++) {
      value = module(layers.get(i), path.isEmpty() ? Integer.toString(i) : path + "." + i,
          value);
    }
    return value;
  }

  /** Whether {@code t} has a name: the model's, or one an earlier initializer gave it. */
  boolean knows(Tensor t) {
    return names.containsKey(t);
  }

  /**
   * A parameter or buffer as an initializer (once), under the model's name for it, else as
   * {@code name} under {@code path}.
   */
  String tensor(Tensor t, String path, String name) {
    String known = names.get(t);
    String onnxName = known != null ? known : (path.isEmpty() ? "" : path + ".") + name;
    names.put(t, onnxName);
    if (written.add(t)) { // a layer used twice shares its weights
      graph.initializer(onnxName, t);
    }
    return onnxName;
  }

  /**
   * The attributes of a sliding-window node (ONNX pads: begins, then ends) and its output dims,
   * {@code channels} maps of the computed height and width.
   */
  private OnnxNode window(OnnxNode node, Window2d w, Module m, String path,
      int channels) {
    int[] k = w.kernel();
    int[] s = w.stride();
    int[] p = w.padding();
    int[] out = {channels, 0, 0};
    for (int axis = 0; axis < 2; axis++) {
      int size = dims[axis + 1] + 2 * p[axis] - k[axis];
      checkArgument(size >= 0, "OnnxExporter: %s (%s) gets [%s, %s] from the sample shape %s:"
          + " smaller than its window %s with padding %s; pass larger samples", where(path), m,
          BATCH_DIM, joined(dims), Arrays.toString(sampleShape), Arrays.toString(k),
          Arrays.toString(p));
      out[axis + 1] = size / s[axis] + 1;
    }
    dims = out;
    return node.ints("kernel_shape", k).ints("strides", s).ints("pads", p[0], p[1], p[0], p[1]);
  }

  /** Fails unless {@code ok}, saying what {@code m} needs ({@code needed}: sizes or names). */
  private void expect(Module m, String path, boolean ok, Object... needed) {
    if (!ok) {
      String wanted = Arrays.stream(needed).map(String::valueOf)
          .collect(Collectors.joining(", "));
      throw new IllegalArgumentException("OnnxExporter: " + where(path) + " (" + m
          + ") needs input [" + BATCH_DIM + ", " + wanted + "] but gets [" + BATCH_DIM + ", "
          + joined(dims) + "] from the sample shape " + Arrays.toString(sampleShape)
          + "; pass the shape of one sample the model takes, without the batch axis");
    }
  }

  /** The one-line refusal of a module no rule lowers, with the two ways to give one. */
  private IllegalArgumentException unsupported(Module m, String path) {
    String lowering = m instanceof OpActivation.Layer op
        ? "give its op a lowering: OnnxExporter.builder().lowerOp(\"" + op.op() + "\", lowering),"
            + " or an OnnxOpLoweringProvider in the op's jar" + discoveredOps().failures()
        : "give it a lowering: OnnxExporter.builder().lower(" + className(m)
            + ".class, lowering) (see OnnxLowering), or an OnnxModuleLoweringProvider in its jar"
            + discoveredModules().failures();
    return new IllegalArgumentException("OnnxExporter: " + where(path) + " is " + describe(m)
        + ", which ONNX export does not support; it supports " + SUPPORTED
        + "; build the model as a Sequential of those layers, or " + lowering);
  }

  static String where(String path) {
    return path.isEmpty() ? "the model" : "layer " + path;
  }

  /**
   * The class's simple name (the full name for an anonymous one), and what the module calls
   * itself when that says more, as an op activation's layer does: "Layer (jgrad::relu)".
   */
  static String describe(Module m) {
    String label = className(m);
    String self = m.toString();
    return self.startsWith(label) ? label : label + " (" + self + ")";
  }

  /** The class's simple name, the full name for an anonymous one. */
  static String className(Module m) {
    Class<?> c = m.getClass();
    return c.getSimpleName().isEmpty() ? c.getName() : c.getSimpleName();
  }

  private static String joined(int[] dims) {
    return Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining(", "));
  }

  private static long product(int[] dims) {
    long p = 1;
    for (int d : dims) {
      p *= d;
    }
    return p;
  }
}
