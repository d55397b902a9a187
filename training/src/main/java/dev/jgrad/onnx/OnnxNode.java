package dev.jgrad.onnx;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.HashSet;
import java.util.Set;

/**
 * A node just added to an ONNX graph, taking its attributes (ONNX's {@code AttributeProto}), each
 * name once, in the types the operator's page in the ONNX operator list gives:
 *
 * <pre>{@code
 * onnx.node("LeakyRelu", List.of(onnx.input()), onnx.name("out")).real("alpha", 0.1f).output();
 * }</pre>
 *
 * <p>ONNX's int attributes are 64-bit and its float attributes 32-bit, hence {@code long} and
 * {@code float} here.
 */
public final class OnnxNode {
  // AttributeProto.AttributeType
  private static final int FLOAT = 1;
  private static final int INT = 2;
  private static final int STRING = 3;
  private static final int FLOATS = 6;
  private static final int INTS = 7;
  private static final int STRINGS = 8;

  private final ProtoWriter node;
  private final String opType;
  private final String output;
  private final Set<String> attributes = new HashSet<>();

  OnnxNode(ProtoWriter node, String opType, String output) {
    this.node = node;
    this.opType = opType;
    this.output = output;
  }

  /** The name of the value this node writes, what a lowering returns for its last node. */
  public String output() {
    return output;
  }

  /** An {@code INT} attribute, such as Flatten's {@code axis}. */
  public OnnxNode integer(String name, long value) {
    return add(attribute(name, INT).int64(3, value));
  }

  /** A {@code FLOAT} attribute, such as LeakyRelu's {@code alpha}. */
  public OnnxNode real(String name, float value) {
    return add(attribute(name, FLOAT).float32(2, value));
  }

  /** A {@code STRING} attribute, such as Resize's {@code mode}. */
  public OnnxNode string(String name, String value) {
    checkNotNull(value, "OnnxNode %s: attribute '%s' is null; pass a string", opType, name);
    return add(attribute(name, STRING).string(4, value));
  }

  /** An {@code INTS} attribute, such as Conv's {@code kernel_shape}. */
  public OnnxNode ints(String name, int... values) {
    checkNotNull(values, "OnnxNode %s: attribute '%s' is null; pass the ints", opType, name);
    ProtoWriter a = attribute(name, INTS);
    for (int v : values) {
      a.int64(8, v); // repeated, unpacked, as onnx.proto (proto2) declares it
    }
    return add(a);
  }

  /** A {@code FLOATS} attribute, such as a list of scales. */
  public OnnxNode floats(String name, float... values) {
    checkNotNull(values, "OnnxNode %s: attribute '%s' is null; pass the floats", opType, name);
    ProtoWriter a = attribute(name, FLOATS);
    for (float v : values) {
      a.float32(7, v);
    }
    return add(a);
  }

  /** A {@code STRINGS} attribute. */
  public OnnxNode strings(String name, String... values) {
    checkNotNull(values, "OnnxNode %s: attribute '%s' is null; pass the strings", opType, name);
    ProtoWriter a = attribute(name, STRINGS);
    for (String v : values) {
      checkNotNull(v, "OnnxNode %s: attribute '%s' holds a null; pass strings", opType, name);
      a.string(9, v);
    }
    return add(a);
  }

  /** An AttributeProto with its name and type (field 20) written; the value follows. */
  private ProtoWriter attribute(String name, int type) {
    checkArgument(name != null && !name.isEmpty(), "OnnxNode %s: an attribute name is null or"
        + " empty; pass the name the operator defines", opType);
    checkArgument(attributes.add(name), "OnnxNode %s: attribute '%s' is set twice; set it once",
        opType, name);
    return new ProtoWriter().string(1, name).int64(20, type);
  }

  private OnnxNode add(ProtoWriter attribute) {
    node.message(5, attribute); // NodeProto.attribute
    return this;
  }
}
