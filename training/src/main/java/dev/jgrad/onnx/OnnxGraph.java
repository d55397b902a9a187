package dev.jgrad.onnx;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An ONNX graph being built, and its encoding as a {@code ModelProto}: the messages and field
 * numbers of onnx.proto that an exported {@code Sequential} needs, written with
 * {@link ProtoWriter}. Values are named by the caller; the batch axis of the input and output is
 * the symbolic dimension {@value OnnxExporter#BATCH_DIM}.
 */
final class OnnxGraph {
  // TensorProto.DataType
  static final int FLOAT = 1;
  static final int INT64 = 7;
  static final int DOUBLE = 11;

  private final int elemType;
  private final List<ProtoWriter> nodes = new ArrayList<>();
  private final List<ProtoWriter> initializers = new ArrayList<>();
  private final String input;
  /** The values the graph has so far: its input, the initializers' and the nodes' outputs. */
  private final Set<String> defined = new HashSet<>();

  /**
   * A graph reading the value {@code input}, whose input, output and weights are {@code dtype}
   * (FLOAT32 or FLOAT64).
   */
  OnnxGraph(DType dtype, String input) {
    this.elemType = dtype == DType.FLOAT64 ? DOUBLE : FLOAT;
    this.input = input;
    defined.add(input);
  }

  /** A weight: {@code tensor}'s values as a TensorProto initializer named {@code name}. */
  void initializer(String name, Tensor tensor) {
    int[] dims = tensor.shape().dims();
    ByteBuffer raw;
    if (elemType == DOUBLE) {
      double[] v = tensor.toDoubleArray();
      raw = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
      raw.asDoubleBuffer().put(v);
    } else {
      float[] v = tensor.toFloatArray();
      raw = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
      raw.asFloatBuffer().put(v);
    }
    initializer(name, dims, elemType, raw.array());
  }

  /** A 1-D INT64 constant, such as Reshape's target shape. */
  void int64Initializer(String name, long... values) {
    ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    initializer(name, new int[] {values.length}, INT64, raw.array());
  }

  private void initializer(String name, int[] dims, int dataType, byte[] littleEndian) {
    ProtoWriter t = new ProtoWriter();
    for (int d : dims) {
      t.int64(1, d); // dims
    }
    t.int64(2, dataType).string(8, name).bytes(9, littleEndian); // data_type, name, raw_data
    initializers.add(t);
    defined.add(name);
  }

  /**
   * Adds a node of the default ONNX domain writing {@code output}; attributes are added to what
   * this returns.
   */
  OnnxNode node(String opType, String name, List<String> inputs, String output) {
    ProtoWriter n = new ProtoWriter();
    inputs.forEach(in -> n.string(1, in));
    n.string(2, output).string(3, name).string(4, opType);
    nodes.add(n);
    defined.add(output);
    return new OnnxNode(n, opType, output);
  }

  /** Whether the input, an initializer or a node defines {@code value}. */
  boolean defines(String value) {
    return defined.contains(value);
  }

  /**
   * The whole file: a ModelProto at {@code irVersion} importing the default domain's
   * {@code opset}, with this graph between its input and {@code output}, of the given per-sample
   * dims.
   */
  byte[] model(String graphName, String doc, int[] inputDims, String output,
      int[] outputDims, int irVersion, int opset) {
    ProtoWriter g = new ProtoWriter();
    nodes.forEach(n -> g.message(1, n));
    g.string(2, graphName);
    initializers.forEach(t -> g.message(5, t));
    g.string(10, doc);
    g.message(11, valueInfo(input, inputDims));
    g.message(12, valueInfo(output, outputDims));
    ProtoWriter opsetId = new ProtoWriter().string(1, "").int64(2, opset);
    return new ProtoWriter()
        .int64(1, irVersion)
        .string(2, "jgrad")
        .message(7, g)
        .message(8, opsetId)
        .toByteArray();
  }

  /** ValueInfoProto: a tensor of this graph's type, {@code [N, dims...]} with N symbolic. */
  private ProtoWriter valueInfo(String name, int[] dims) {
    ProtoWriter shape = new ProtoWriter()
        .message(1, new ProtoWriter().string(2, OnnxExporter.BATCH_DIM)); // dim_param
    for (int d : dims) {
      shape.message(1, new ProtoWriter().int64(1, d)); // dim_value
    }
    ProtoWriter tensorType = new ProtoWriter().int64(1, elemType).message(2, shape);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
  }
}
