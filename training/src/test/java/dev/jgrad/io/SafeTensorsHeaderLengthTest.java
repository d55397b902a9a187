package dev.jgrad.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 8-byte header length, which no checksum covers, damaged: shorter (in the padding, in the
 * JSON, inside a UTF-8 sequence), longer (into the data), beyond the file. Each read fails at byte
 * 0 naming the damaged length and the length the JSON gives; before, the errors named what the
 * wrong length broke (a checksum mismatch of the header, malformed JSON, invalid UTF-8, trailing
 * garbage), as if the header were damaged.
 */
class SafeTensorsHeaderLengthTest {
  @TempDir Path dir;

  /** A header holding "é" (two bytes in UTF-8), so a length can split a character. */
  private static final Map<String, String> METADATA = Map.of("epoch", "3", "name", "caf\u00e9");

  private static byte[] withTensors() {
    return SafeTensors.toBytes(List.of(SafeTensor.ofFloats("a", Shape.of(2), new float[] {1, 2}),
        SafeTensor.ofDoubles("b", Shape.of(3), new double[] {3, 4, 5})), METADATA);
  }

  private static byte[] tensorless() {
    return SafeTensors.toBytes(List.of(), METADATA);
  }

  @Test
  void aDamagedLengthIsNamedAtByteZeroWithTheLengthTheJsonGives() throws IOException {
    for (byte[] file : List.of(withTensors(), tensorless())) {
      long length = lengthOf(file);
      String header = new String(file, 8, (int) length, UTF_8);
      int json = header.stripTrailing().getBytes(UTF_8).length;
      assertTrue(json < length, "the header has padding: " + header);
      int e = header.indexOf('\u00e9');
      long splitsE = header.substring(0, e).getBytes(UTF_8).length + 1;
      Map<String, Long> damaged = new LinkedHashMap<>();
      damaged.put("shorter, in the padding", length - 1);
      damaged.put("shorter, just the JSON", (long) json);
      damaged.put("shorter, in the JSON", length - 10);
      damaged.put("shorter, inside a UTF-8 sequence", splitsE);
      damaged.put("beyond the file", length + 100_000);
      damaged.put("negative", -1L);
      damaged.put("zero", 0L);
      if (file.length > 8 + length) {
        damaged.put("longer, one byte into the data", length + 1);
        damaged.put("longer, into the data", length + 4);
      }
      damaged.forEach((what, said) -> {
        SafeTensorsFormatException x = readFails(withLength(file, said), what);
        assertEquals("damaged header length at byte 0: bytes 0 to 7 say the header is "
            + Long.toUnsignedString(said) + " bytes, but its JSON and padding take " + length
            + " (bytes 8 to " + (8 + length - 1) + "), with which the rest of the file reads"
            + " and checks whole: the file is damaged; restore it from a copy",
            x.getMessage().substring(x.getMessage().indexOf(": ") + 2), what);
        assertEquals(0, x.offset(), what);
      });
    }
  }

  /** The reference implementation's file (SafeTensorsTest's), which has no checksums. */
  @Test
  void aDamagedLengthOfAFileWithoutChecksumsIsNamedToo() throws IOException {
    byte[] reference = HexFormat.of().parseHex("90000000000000007b225f5f6d657461646174615f5f22"
        + "3a7b2265706f6368223a2233227d2c2262223a7b226474797065223a22463634222c227368617065223a"
        + "5b315d2c22646174615f6f666673657473223a5b302c385d7d2c2277223a7b226474797065223a224633"
        + "32222c227368617065223a5b322c325d2c22646174615f6f666673657473223a5b382c32345d7d7d2020"
        + "202020000000000000d03f0000803f0000004000004040000000bf");
    for (long said : new long[] {0x90 - 1, 0x90 - 5, 0x90 - 6, 0x90 + 3, 0x90 + 8}) {
      SafeTensorsFormatException x = readFails(withLength(reference, said), "length " + said);
      assertTrue(x.getMessage().contains("damaged header length at byte 0: bytes 0 to 7 say the"
          + " header is " + said + " bytes, but its JSON and padding take 144"), x.getMessage());
    }
  }

  /**
   * A length that is wrong where the file is damaged elsewhere too is not blamed alone: the read
   * fails as it did, saying what to do.
   */
  @Test
  void aFileDamagedBeyondItsLengthFailsAsBefore() throws IOException {
    byte[] file = withTensors();
    long length = lengthOf(file);
    file[file.length - 1] ^= 0x01; // a byte of a's data, the last (F64 b comes first)
    SafeTensorsFormatException x = readFails(withLength(file, length - 10), "cut and flipped");
    assertTrue(x.getMessage().contains("bad header at byte " + (8 + length - 10)
        + ": malformed JSON: unexpected end-of-input: expected close marker for "), x.getMessage());
    assertTrue(x.getMessage().endsWith("; the file is damaged or not a safetensors file: restore"
        + " it from a copy"), x.getMessage());
    // and the file with only its data damaged still names the tensor
    x = readFails(file, "flipped");
    assertTrue(x.getMessage().contains("checksum mismatch at byte"), x.getMessage());
    assertTrue(x.getMessage().contains("tensor 'a'"), x.getMessage());
  }

  private SafeTensorsFormatException readFails(byte[] bytes, String what) {
    Path file = dir.resolve("damaged.safetensors");
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    SafeTensorsFormatException x = assertThrows(SafeTensorsFormatException.class,
        () -> SafeTensors.read(file), what);
    assertTrue(x.getMessage().startsWith(file + ": "), x.getMessage());
    assertEquals(1, x.getMessage().lines().count(), x.getMessage());
    return x;
  }

  private static long lengthOf(byte[] file) {
    return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static byte[] withLength(byte[] file, long length) {
    byte[] out = file.clone();
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
    return out;
  }
}
