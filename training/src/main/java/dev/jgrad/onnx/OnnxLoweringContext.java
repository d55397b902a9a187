package dev.jgrad.onnx;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.OpActivation;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an {@link OnnxLowering} sees of the ONNX graph being built for one module: its input, its
 * place in the model, the per-sample dims, and the means to add nodes, initializers and its
 * sub-modules. Values are named by the lowering, under the module's path with {@link #name}, and
 * written once each; every node reads values defined before it.
 *
 * <pre>{@code
 * // swish(x) = x * sigmoid(beta * x)
 * String scaled = onnx.node("Mul", List.of(onnx.input(),
 *     onnx.initializer("beta", Tensor.scalar(beta, onnx.dtype()))), onnx.name("scaled")).output();
 * String gate = onnx.node("Sigmoid", List.of(scaled), onnx.name("gate")).output();
 * return onnx.node("Mul", List.of(onnx.input(), gate), onnx.name("out")).output();
 * }</pre>
 *
 * <p>A mistake (a node reading a value nothing defines, a value written twice, a name returned
 * that no node writes) fails the export with an IllegalArgumentException naming the layer and the
 * lowering; so does any other exception the lowering throws, as its cause.
 */
public final class OnnxLoweringContext {
  private final ModelWalk walk;
  private final Module module;
  private final String path;
  private final String input;
  private final String lowering;
  /** The per-sample dims the exporter knows: the input's and the sub-modules' outputs'. */
  private final Map<String, int[]> dims = new HashMap<>();
  private final Set<String> loweredChildren = new HashSet<>();
  /** The local names the ops applied with {@link #op} took. */
  private final Set<String> opNames = new HashSet<>();
  /** What this context threw already named; passed on as it is, not wrapped again. */
  private final Set<RuntimeException> raised =
      Collections.newSetFromMap(new IdentityHashMap<>());
  private int[] outputDims;
  private int nodes;

  OnnxLoweringContext(ModelWalk walk, Module module, String path, String input, int[] inputDims,
      String lowering) {
    this.walk = walk;
    this.module = module;
    this.path = path;
    this.input = input;
    this.lowering = lowering;
    dims.put(input, inputDims.clone());
  }

  /** The name of the value the module reads. */
  public String input() {
    return input;
  }

  /** The input's per-sample dims, without the batch axis: {@code {784}}, {@code {3, 28, 28}}. */
  public int[] inputDims() {
    return dims.get(input).clone();
  }

  /**
   * The module's dotted path in the model, as its parameters are named ({@code "2"},
   * {@code "0.fc1"}); "" for the model itself.
   */
  public String path() {
    return path;
  }

  /** The dtype of the graph's input, output and initializers: FLOAT32 or FLOAT64. */
  public DType dtype() {
    return walk.dtype;
  }

  /**
   * A value name of this module's own, {@code "2.gate"} for {@code local} "gate" at layer 2
   * ({@code "y.gate"} for the model itself), so two layers' values do not collide.
   */
  public String name(String local) {
    checkLocal(local, "value");
    return (path.isEmpty() ? "y" : path) + "." + local;
  }

  /**
   * Adds a node of the default ONNX domain (opset {@value OnnxExporter#OPSET}) computing
   * {@code output} from {@code inputs}; its attributes are added to what this returns. An input
   * is the module's input, an initializer, an earlier node's output, or "" for an optional input
   * left out; {@code output} must be a new name.
   */
  public OnnxNode node(String opType, List<String> inputs, String output) {
    if (opType == null || opType.isEmpty()) {
      throw error("adds a node without an op type; pass an ONNX operator such as \"Mul\"");
    }
    if (inputs == null) {
      throw error("adds node " + opType + " with inputs null; pass a list of value names");
    }
    for (String in : inputs) {
      if (in == null || !(in.isEmpty() || walk.graph.defines(in))) {
        throw error("adds node " + opType + " reading '" + in + "', which nothing defines before"
            + " it; read onnx.input(), an initializer or an earlier node's output()");
      }
    }
    if (output == null || output.isEmpty()) {
      throw error("adds node " + opType + " without an output name; name it with onnx.name(...)");
    }
    if (walk.graph.defines(output) || output.equals(OnnxExporter.OUTPUT)) {
      throw error("adds node " + opType + " writing '" + output + "', which is defined already;"
          + " ONNX values are written once: give each its own onnx.name(...)");
    }
    String node = (path.isEmpty() ? ModelWalk.className(module) : path) + "/" + opType
        + "_" + nodes++;
    return walk.graph.node(opType, node, List.copyOf(inputs), output);
  }

  /**
   * {@code tensor} as an initializer (in the graph's {@link #dtype()}), and its name: the model's
   * name for one of its parameters or buffers ({@code "2.weight"}, written once however often it
   * is read), else {@code local} under the module's path ({@code "2.beta"}; {@code "beta"} for the
   * model itself).
   */
  public String initializer(String local, Tensor tensor) {
    checkLocal(local, "initializer");
    if (tensor == null || !tensor.dtype().isFloatingPoint()) {
      throw error("initializer '" + local + "' is " + (tensor == null ? "null" : tensor.dtype())
          + "; pass a FLOAT32 or FLOAT64 tensor (int64Initializer takes integers)");
    }
    if (!walk.knows(tensor)) {
      checkFree(qualified(local));
    }
    return walk.tensor(tensor, path, local);
  }

  /**
   * A 1-D INT64 initializer named {@code local} under the module's path, and its name: the
   * integer input some operators take, such as Reshape's shape or Unsqueeze's axes.
   */
  public String int64Initializer(String local, long... values) {
    checkLocal(local, "initializer");
    if (values == null) {
      throw error("passes int64Initializer '" + local + "' null values; pass the longs");
    }
    String name = checkFree(qualified(local));
    walk.graph.int64Initializer(name, values);
    return name;
  }

  /**
   * The per-sample dims of {@code value}, where the exporter knows them: the module's input and
   * the outputs of the sub-modules it lowered with {@link #child}.
   */
  public int[] dims(String value) {
    int[] d = dims.get(value);
    if (d == null) {
      throw error("asks the dims of '" + value + "', which are known for its input and its"
          + " sub-modules' outputs only; keep track of the others in the lowering");
    }
    return d.clone();
  }

  /**
   * Lowers the sub-module registered as {@code name} (one of {@code module.children()}) as the
   * exporter lowers any module, built-in or with a lowering of its own, reading {@code input},
   * whose dims the exporter knows ({@link #dims}: the input's, and the outputs of {@code child}
   * and {@link #op}); returns its output's name. For a value of nodes the lowering added, pass
   * its dims: {@link #child(String, String, int...)}.
   */
  public String child(String name, String input) {
    return child(name, input, knownDims(input, "sub-module '" + name + "'",
        "child(\"" + name + "\", \"" + input + "\", " + exampleDims(name) + ")"));
  }

  /** {@link #child(String, String)} for an input of per-sample dims {@code inputDims}. */
  public String child(String name, String input, int... inputDims) {
    Module sub = name == null ? null : module.children().get(name);
    if (sub == null) {
      throw error("lowers sub-module '" + name + "', which it does not have; its sub-modules are "
          + module.children().keySet());
    }
    if (!loweredChildren.add(name)) {
      throw error("lowers sub-module '" + name + "' twice; its values would be written twice:"
          + " reuse the output of the first");
    }
    return lowerSub(sub, name, input, inputDims, "sub-module '" + name + "'");
  }

  /**
   * Applies the registered op {@code op} with {@code attrs} to {@code input}, whose dims the
   * exporter knows ({@link #dims}), through the op's own lowering: the one given with
   * {@link OnnxExporter.Builder#lowerOp}, else the one its jar's {@link OnnxOpLoweringProvider}
   * ships, as for an {@link dev.jgrad.nn.OpActivation} layer. So a module whose {@code forward}
   * calls {@code Ops.call(op, attrs, x)} lowers it without repeating the op's nodes. Its values
   * are named under {@code <path>.<op's name after ::>} ({@code "2.swish.out"}); returns its
   * output's name, whose dims are then known.
   */
  public String op(String op, Attrs attrs, String input) {
    return op(op, attrs, input, knownDims(input, "op " + op,
        "op(\"" + op + "\", attrs, \"" + input + "\", 128)"));
  }

  /** {@link #op(String, Attrs, String)} for an input of per-sample dims {@code inputDims}. */
  public String op(String op, Attrs attrs, String input, int... inputDims) {
    if (op == null || op.indexOf("::") <= 0) {
      throw error("applies op '" + op + "', which is not a qualified name namespace::op (e.g."
          + " swish::swish)");
    }
    if (attrs == null) {
      throw error("applies op " + op + " with attrs null; pass Attrs.empty()");
    }
    String local = op.substring(op.indexOf("::") + 2);
    for (int k = 2; module.children().containsKey(local) || !opNames.add(local); k++) {
      local = op.substring(op.indexOf("::") + 2) + "_" + k; // a second call, or a child's name
    }
    return lowerSub(new OpActivation.Layer(op, attrs), local, input, inputDims, "op " + op);
  }

  /** The dims of {@code input} for {@code what}, or an error saying to pass them, as {@code call}. */
  private int[] knownDims(String input, String what, String call) {
    if (input == null || !walk.graph.defines(input)) {
      return null; // an undefined input is the mistake to name, rather than its unknown dims
    }
    int[] d = dims.get(input);
    if (d == null) {
      throw error("lowers " + what + " reading '" + input + "', whose per-sample dims it does not"
          + " know (it knows its input's and those of what child(...) and op(...) returned);"
          + " pass them, e.g. onnx." + call);
    }
    return d.clone();
  }

  /** A Linear child's input features, the likeliest dims to pass; else a placeholder. */
  private String exampleDims(String name) {
    Module sub = name == null ? null : module.children().get(name);
    return sub instanceof Linear fc ? Integer.toString(fc.inFeatures()) : "128";
  }

  /** Lowers {@code sub} under {@code local} of this module's path; its output's name. */
  private String lowerSub(Module sub, String local, String input, int[] inputDims, String what) {
    if (input == null || !walk.graph.defines(input)) {
      throw error("lowers " + what + " reading '" + input + "', which nothing defines before it;"
          + " read onnx.input() or an earlier node's output()");
    }
    checkDims(inputDims, "the input dims of " + what);
    walk.dims = inputDims.clone();
    String out;
    try {
      out = walk.module(sub, qualified(local), input);
    } catch (RuntimeException e) { // names the sub-module already
      raised.add(e);
      throw e;
    }
    dims.put(out, walk.dims.clone());
    return out;
  }

  /**
   * Sets the per-sample dims of the module's output, when they are not those of the value it
   * returns (see {@link OnnxLowering#lower}): {@code {10}} for a layer mapping 784 features to 10.
   */
  public void outputDims(int... dims) {
    checkDims(dims, "outputDims");
    outputDims = dims.clone();
  }

  /** Runs {@code lowering} on the module; the output's name, the walk's dims set to its dims. */
  <M extends Module> String apply(OnnxLowering<M> lowering, M m) {
    String out;
    try {
      out = lowering.lower(m, this);
    } catch (RuntimeException e) {
      if (raised.contains(e)) {
        throw e;
      }
      throw new IllegalArgumentException(prefix() + ", failed: " + e, e);
    }
    if (out == null) {
      throw error("returned null; return the name of the module's output, such as the last"
          + " node's output()");
    }
    if (!walk.graph.defines(out)) {
      throw error("returned '" + out + "', which no node, initializer or input defines; return"
          + " the output() of the last node it added");
    }
    walk.dims = outputDims != null ? outputDims : dims.getOrDefault(out, dims.get(input));
    return out;
  }

  private String qualified(String local) {
    return path.isEmpty() ? local : path + "." + local;
  }

  private void checkLocal(String local, String what) {
    if (local == null || local.isEmpty()) {
      throw error("names a " + what + " null or empty; pass a short name such as \"gate\"");
    }
  }

  private String checkFree(String name) {
    if (walk.graph.defines(name)) {
      throw error("adds initializer '" + name + "', which is defined already; give it another"
          + " name");
    }
    return name;
  }

  private void checkDims(int[] d, String what) {
    if (d == null || d.length == 0 || Arrays.stream(d).anyMatch(x -> x <= 0)) {
      throw error(what + " " + Arrays.toString(d) + " are not per-sample dims; pass positive"
          + " sizes without the batch axis, e.g. {10}");
    }
  }

  private String prefix() {
    return "OnnxExporter: " + ModelWalk.where(path) + " (" + ModelWalk.describe(module)
        + "), lowered by " + lowering;
  }

  /** A mistake of the lowering's: one line naming the layer and the lowering. */
  private IllegalArgumentException error(String what) {
    IllegalArgumentException e = new IllegalArgumentException(prefix() + ", " + what);
    raised.add(e);
    return e;
  }
}
