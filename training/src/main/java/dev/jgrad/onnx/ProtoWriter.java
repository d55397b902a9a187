package dev.jgrad.onnx;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protocol-buffers wire-format writer: what an ONNX file needs (varints, 32-bit
 * floats, length-delimited bytes, strings and nested messages), written field by field in
 * the order the caller gives. No schema and no parsing: {@link OnnxGraph} names the fields by the
 * numbers in onnx.proto.
 *
 * <p>A nested message is built in its own writer first, so its length is known before it is
 * written into its parent; for the layer sizes of a jgrad model the extra copy is cheap.
 *
 * <pre>{@code
 * byte[] opset = new ProtoWriter().string(1, "").int64(2, 17).toByteArray(); // 0a 00 10 11
 * }</pre>
 */
final class ProtoWriter {
  // the wire types of protobuf's encoding guide
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private final Buffer out = new Buffer();

  /** An int64, int32 or enum field (negative values take ten bytes, as protobuf writes them). */
  ProtoWriter int64(int field, long value) {
    tag(field, VARINT);
    varint(value);
    return this;
  }

  /** A float field: four bytes, little-endian IEEE 754. */
  ProtoWriter float32(int field, float value) {
    tag(field, FIXED32);
    int bits = Float.floatToRawIntBits(value);
    for (int i = 0; i < 4; i++) {
      out.write(bits >>> (8 * i));
    }
    return this;
  }

  /** A bytes field. */
  ProtoWriter bytes(int field, byte[] value) {
    tag(field, LENGTH_DELIMITED);
    varint(value.length);
    out.write(value, 0, value.length);
    return this;
  }

  /** A string field, UTF-8. */
  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A nested message field holding what {@code message} wrote. */
  ProtoWriter message(int field, ProtoWriter message) {
    tag(field, LENGTH_DELIMITED);
    varint(message.out.size());
    message.out.writeTo(out);
    return this;
  }

  /** The bytes written so far. */
  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    checkArgument(field > 0 && field < (1 << 29),
        "protobuf field number %s is out of range [1, 2^29)", field);
    varint(((long) field << 3) | wireType);
  }

  /** Seven bits a byte, least significant first, the high bit set on all but the last. */
  private void varint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** A ByteArrayOutputStream that copies itself into another without an intermediate array. */
  private static final class Buffer extends ByteArrayOutputStream {
    void writeTo(Buffer other) {
      other.write(buf, 0, count);
    }
  }
}
