package dev.jgrad.onnx;

import static dev.jgrad.onnx.ExportFailures.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The attributes a lowering adds, against AttributeProto encodings worked out by hand from
 * onnx.proto (ONNX Runtime runs the int, float, ints, floats and string kinds in the exporter's
 * tests).
 */
class OnnxNodeTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /** The NodeProto bytes {@code node} wrote: here, its attributes only (field 5 each). */
  private static byte[] attributes(java.util.function.Consumer<OnnxNode> add) {
    ProtoWriter node = new ProtoWriter();
    add.accept(new OnnxNode(node, "Op", "y"));
    return node.toByteArray();
  }

  @Test
  void stringsAreBytesFields() {
    // {name "mode" (1), type STRING = 3 (20), s "ab" (4)}: 13 bytes in field 5
    assertArrayEquals(hex("2a 0d 0a 04 6d 6f 64 65 a0 01 03 22 02 61 62"),
        attributes(n -> n.string("mode", "ab")));
    // {name "k", type STRINGS = 8, strings "a", "b" (9, repeated)}
    assertArrayEquals(hex("2a 0c 0a 01 6b a0 01 08 4a 01 61 4a 01 62"),
        attributes(n -> n.strings("k", "a", "b")));
  }

  @Test
  void floatListsAreRepeatedFixed32() {
    // {name "s", type FLOATS = 6, floats 1.0f, 2.0f (7, fixed32 little-endian)}
    assertArrayEquals(hex("2a 10 0a 01 73 a0 01 06 3d 00 00 80 3f 3d 00 00 00 40"),
        attributes(n -> n.floats("s", 1f, 2f)));
  }

  @Test
  void eachAttributeIsNamedOnce() {
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> attributes(n -> n.integer("axis", 1).ints("axis", 1))).getMessage(),
        "OnnxNode Op: attribute 'axis' is set twice");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> attributes(n -> n.real("", 1f))).getMessage(), "an attribute name is null or empty");
  }
}
