package dev.jgrad.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The writer's bytes against encodings worked out by hand from protobuf's encoding rules. */
class ProtoWriterTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void varintsTakeSevenBitsPerByteLeastSignificantFirst() {
    // field 1, wire type 0: tag 0x08; 150 = 0b1_0010110 -> 0x96 0x01 (protobuf's own example)
    assertArrayEquals(hex("08 96 01"), new ProtoWriter().int64(1, 150).toByteArray());
    // 0 is one byte; 300 = 0b10_0101100 -> 0xac 0x02
    assertArrayEquals(hex("08 00 10 ac 02"),
        new ProtoWriter().int64(1, 0).int64(2, 300).toByteArray());
    // a negative int64 is its 64-bit two's complement: ten bytes
    assertArrayEquals(hex("08 ff ff ff ff ff ff ff ff ff 01"),
        new ProtoWriter().int64(1, -1).toByteArray());
    // field 20 (AttributeProto.type): tag (20 << 3) | 0 = 160 -> 0xa0 0x01
    assertArrayEquals(hex("a0 01 07"), new ProtoWriter().int64(20, 7).toByteArray());
  }

  @Test
  void lengthDelimitedFieldsCarryTheirLength() {
    // field 2, wire type 2: tag 0x12; "testing" is 7 bytes (protobuf's example)
    assertArrayEquals(hex("12 07 74 65 73 74 69 6e 67"),
        new ProtoWriter().string(2, "testing").toByteArray());
    // an empty string still writes its tag and a zero length (OperatorSetIdProto.domain "")
    assertArrayEquals(hex("0a 00 10 11"),
        new ProtoWriter().string(1, "").int64(2, 17).toByteArray());
    // a nested message: field 3 holding {1: 150}
    assertArrayEquals(hex("1a 03 08 96 01"),
        new ProtoWriter().message(3, new ProtoWriter().int64(1, 150)).toByteArray());
    assertArrayEquals(hex("4a 02 01 ff"),
        new ProtoWriter().bytes(9, new byte[] {1, (byte) 0xff}).toByteArray());
  }

  @Test
  void floatsAreFourLittleEndianBytes() {
    // field 2, wire type 5: tag 0x15; 1e-5f = 0x3727c5ac
    assertArrayEquals(hex("15 ac c5 27 37"), new ProtoWriter().float32(2, 1e-5f).toByteArray());
  }

  @Test
  void aTinyAttributeMatchesItsHandEncoding() {
    // AttributeProto {name: "axis" (1), type: INT (20) = 2, i (3): 1}
    assertArrayEquals(hex("0a 04 61 78 69 73 a0 01 02 18 01"),
        new ProtoWriter().string(1, "axis").int64(20, 2).int64(3, 1).toByteArray());
  }

  @Test
  void fieldNumbersOutsideProtobufsRangeAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().int64(0, 1));
  }
}
