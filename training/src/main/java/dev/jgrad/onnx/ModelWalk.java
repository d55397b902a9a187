package dev.jgrad.onnx;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.jgrad.onnx.OnnxExporter.BATCH_DIM;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.AvgPool2d;
import dev.jgrad.nn.BatchNorm;
import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.LeakyReLU;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Module;
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
      + " Conv2d, MaxPool2d, AvgPool2d, Flatten, Unflatten, Dropout, BatchNorm1d, BatchNorm2d";

  final OnnxGraph graph;
  final int[] sampleShape;
  final Map<Tensor, String> names = new IdentityHashMap<>();
  final Set<Tensor> written = Collections.newSetFromMap(new IdentityHashMap<>());
  int[] dims;

  ModelWalk(Module model, DType dtype, int[] sampleShape) {
    this.graph = new OnnxGraph(dtype, OnnxExporter.INPUT);
    this.sampleShape = sampleShape.clone();
    this.dims = sampleShape.clone();
    // the model's own names for its tensors (named Sequentials keep theirs)
    model.namedParameters().forEach((name, t) -> names.put(t, name));
    model.namedBuffers().forEach((name, t) -> names.put(t, name));
  }

  /** Adds {@code m} (at {@code path}, "" for the model) reading {@code in}; its output name. */
  String module(Module m, String path, String in) {
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
    } else if (m instanceof LeakyReLU leaky) {
      graph.node("LeakyRelu", node, List.of(in), out).real("alpha", (float) leaky.slope());
    } else if (m instanceof Dropout) {
      graph.node("Identity", node, List.of(in), out); // evaluation mode
    } else if (m instanceof Flatten) {
      graph.node("Flatten", node, List.of(in), out).integer("axis", 1);
      dims = new int[] {Arrays.stream(dims).reduce(1, (a, b) -> a * b)};
    } else if (m instanceof Unflatten unflatten) {
      int[] sizes = unflatten.shape();
      expect(m, path, product(dims) == product(sizes), product(sizes));
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
      window(graph.node("Conv", node, List.of(in, tensor(conv.weight(), path, "weight"),
          tensor(conv.bias(), path, "bias")), out), conv.window(), m, path, conv.outChannels())
          .ints("dilations", 1, 1).integer("group", 1);
    } else if (m instanceof Pool2d pool) {
      expect(m, path, dims.length == 3, "channels", "height", "width");
      OnnxNode n = window(graph.node(m instanceof MaxPool2d ? "MaxPool" : "AveragePool",
          node, List.of(in), out), pool.window(), m, path, dims[0]);
      if (m instanceof AvgPool2d) {
        n.integer("count_include_pad", 1); // jgrad averages padding as zeros, as PyTorch
      }
    } else if (m instanceof BatchNorm bn) {
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
          .real("epsilon", (float) BatchNorm.EPS); // running statistics: evaluation mode
    } else {
      throw unsupported(m, path);
    }
    return out;
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

  /** A parameter or buffer as an initializer (once), under the model's name for it. */
  private String tensor(Tensor t, String path, String name) {
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

  private static IllegalArgumentException unsupported(Module m, String path) {
    return new IllegalArgumentException("OnnxExporter: " + where(path) + " is " + describe(m)
        + ", which ONNX export does not support; it supports " + SUPPORTED
        + "; build the model as a Sequential of those layers");
  }

  private static String where(String path) {
    return path.isEmpty() ? "the model" : "layer " + path;
  }

  /**
   * The class's simple name (the full name for an anonymous one), and what the module calls
   * itself when that says more, as an op activation's layer does: "Layer (jgrad::relu)".
   */
  private static String describe(Module m) {
    Class<?> c = m.getClass();
    String label = c.getSimpleName().isEmpty() ? c.getName() : c.getSimpleName();
    String self = m.toString();
    return self.startsWith(label) ? label : label + " (" + self + ")";
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
