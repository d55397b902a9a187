package dev.jgrad.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.primitives.Bytes;
import dev.jgrad.api.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checksums jgrad writes into a safetensors file's metadata ({@link SafeTensors#CHECKSUM_KEY})
 * and checks on reading: a damaged byte fails naming the tensor, files without checksums read as
 * before, and lazy tensors still stream.
 */
class SafeTensorsChecksumTest {
  @TempDir Path dir;

  /** "a" F32 [2] {1, 2}, then "b" F32 [3] {3, 4, 5}; "e" F32 [0]; sorted: a, b, e. */
  private static List<SafeTensor> tensors() {
    return List.of(SafeTensor.ofFloats("b", Shape.of(3), new float[] {3, 4, 5}),
        SafeTensor.ofFloats("a", Shape.of(2), new float[] {1, 2}),
        SafeTensor.ofFloats("e", Shape.of(0), new float[0]));
  }

  private static int dataStart(byte[] file) {
    return 8 + (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static String header(byte[] file) {
    return new String(file, 8, dataStart(file) - 8, UTF_8);
  }

  /**
   * The metadata holds each tensor's CRC32C in the data's order, then the header's; the values
   * are Castagnoli's CRC of the little-endian bytes (00 00 80 3f 00 00 00 40 for {1, 2}), as any
   * CRC32C tool gives, and of the header's bytes with the list written as zeros.
   */
  @Test
  void theMetadataListsEachTensorsCrc32cInTheDataOrderThenTheHeaders() {
    byte[] file = SafeTensors.toBytes(tensors(), Map.of("epoch", "3"));
    String listed = checksumsOf(file);
    byte[] zeroed = withChecksums(file, "00000000 00000000 00000000 00000000");
    assertEquals(crc32c(file, dataStart(file), 8) + " " + crc32c(file, dataStart(file) + 8, 12)
        + " 00000000 " + crc32c(zeroed, 8, dataStart(file) - 8), listed);
    assertEquals(0, header(file).length() % 8, "padded to 8 bytes");
    // an independent spot check of the polynomial: the standard check value of "123456789"
    java.util.zip.CRC32C check = new java.util.zip.CRC32C();
    check.update("123456789".getBytes(UTF_8));
    assertEquals(0xe3069283L, check.getValue());
    assertTrue(header(file).startsWith("{\"__metadata__\":{\"epoch\":\"3\",\"jgrad.crc32c\":\""),
        header(file));
  }

  /** The reader checks them and keeps them out of the metadata it returns. */
  @Test
  void aFileRoundTripsAndTheChecksumsAreNotPartOfItsMetadata() throws IOException {
    Path file = dir.resolve("m.safetensors");
    SafeTensors.write(file, tensors(), Map.of("epoch", "3"));
    SafeTensorsFile f = SafeTensors.read(file);
    assertEquals(Map.of("epoch", "3"), f.metadata());
    assertArrayEquals(new float[] {3, 4, 5}, f.get("b").floats());
    assertArrayEquals(Files.readAllBytes(file), SafeTensors.toBytes(f.tensors(), f.metadata()),
        "written back, the same bytes");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.toBytes(tensors(), Map.of(SafeTensors.CHECKSUM_KEY, "x")));
    assertEquals("metadata key 'jgrad.crc32c' is the file's own (its checksums, written and"
        + " checked by SafeTensors); rename it", e.getMessage());
  }

  @Test
  void aFlippedDataByteFailsNamingTheTensorItsBytesAndWhatToDo() throws IOException {
    byte[] bytes = SafeTensors.toBytes(tensors(), Map.of());
    int start = dataStart(bytes);
    String b = crc32c(bytes, start + 8, 12);
    bytes[start + 8 + 5] ^= 0x01; // in "b", bytes start + 8 to start + 19
    Path file = dir.resolve("damaged.safetensors");
    Files.write(file, bytes);
    SafeTensorsFormatException e =
        assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(file));
    assertEquals(file + ": checksum mismatch at byte " + (start + 8) + ": tensor 'b' (file bytes "
        + (start + 8) + " to " + (start + 19) + ") has CRC32C " + crc32c(bytes, start + 8, 12)
        + " but jgrad.crc32c says " + b + ": the file is damaged; restore it from a copy",
        e.getMessage());
    assertEquals(start + 8, e.offset());
  }

  /** An empty tensor has no bytes to damage: its checksum is, and the offset is the metadata's. */
  @Test
  void aDamagedChecksumFailsToo() throws IOException {
    byte[] bytes = SafeTensors.toBytes(tensors(), Map.of());
    String header = header(bytes);
    String damaged = header.replace(" 00000000 ", " 00000001 "); // e's, the third
    assertFalse(damaged.equals(header));
    Path file = dir.resolve("checksum.safetensors");
    Files.write(file, concat(bytes, damaged));
    SafeTensorsFormatException e =
        assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(file));
    assertEquals(file + ": checksum mismatch at byte 24: tensor 'e' (no bytes) has CRC32C"
        + " 00000000 but jgrad.crc32c says 00000001: the file is damaged; restore it from a"
        + " copy", e.getMessage());
  }

  @Test
  void aChecksumListThatIsNotOnePerTensorIsAFormatError() throws IOException {
    byte[] bytes = SafeTensors.toBytes(tensors(), Map.of());
    String listed = checksumsOf(bytes);
    Path file = dir.resolve("list.safetensors");
    for (String bad : List.of("ABCDEF01" + listed.substring(8), "0000000g" + listed.substring(8),
        listed.replace(' ', ','), listed.substring(1), " " + listed.substring(1),
        listed.substring(0, 25) + " ")) {
      Files.write(file, withChecksums(bytes, bad));
      SafeTensorsFormatException e =
          assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(file), bad);
      assertEquals(file + ": bad metadata at byte 24: jgrad.crc32c is not 8 hex digits per"
          + " tensor, separated by spaces: the file is damaged; restore it from a copy",
          e.getMessage(), bad);
    }
    for (String bad : List.of(listed.substring(18), "")) {
      Files.write(file, withChecksums(bytes, bad));
      SafeTensorsFormatException e =
          assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(file), bad);
      assertEquals(file + ": bad metadata at byte 24: jgrad.crc32c lists "
          + (bad.isEmpty() ? 0 : 2) + " checksums but the file holds 3 tensors (expected 3, or 4"
          + " with the header's): the file is damaged; restore it from a copy", e.getMessage());
    }
  }

  /** {@code file} with {@code checksums} (no longer than its own) in place of its own. */
  private static byte[] withChecksums(byte[] file, String checksums) {
    String listed = checksumsOf(file);
    return concat(file, header(file).replace("\"" + listed + "\"",
        "\"" + checksums + "\"" + " ".repeat(listed.length() - checksums.length())));
  }

  /** A changed metadata value stays valid JSON: only the header's checksum can tell. */
  @Test
  void aFlippedMetadataByteFailsNamingTheHeaderAndWhatToDo() throws IOException {
    byte[] bytes = SafeTensors.toBytes(tensors(), Map.of("epoch", "3"));
    int epoch = header(bytes).indexOf("\"epoch\":\"3\"") + 8 + 9;
    assertEquals('3', bytes[epoch]);
    bytes[epoch] ^= 0x04; // "3" becomes "7"
    assertHeaderMismatch(bytes);
  }

  /**
   * A tensor's entry changed in a way every other check accepts: F64 read as I64 (the same 8
   * bytes: 0.0 and the smallest double read as the longs 0 and 1) and an empty tensor's shape
   * [2, 0] read as [3, 0]. Its data is unchanged, and so is its own checksum.
   */
  @Test
  void aFlippedDtypeOrShapeByteFailsNamingTheHeader() throws IOException {
    List<SafeTensor> tensors = List.of(
        SafeTensor.ofDoubles("d", Shape.of(2), new double[] {0, Double.MIN_VALUE}),
        SafeTensor.ofFloats("e", Shape.of(2, 0), new float[0]));
    byte[] written = SafeTensors.toBytes(tensors, Map.of());
    for (String[] edit : List.of(new String[] {"\"F64\"", "\"I64\""},
        new String[] {"[2,0]", "[3,0]"})) {
      String header = header(written);
      assertTrue(header.contains(edit[0]), header);
      assertHeaderMismatch(concat(written, header.replace(edit[0], edit[1])));
    }
  }

  /** {@code bytes}, written to a file, fail reading with the header's checksum message. */
  private void assertHeaderMismatch(byte[] bytes) throws IOException {
    Path file = dir.resolve("header.safetensors");
    Files.write(file, bytes);
    String listed = checksumsOf(bytes);
    String said = listed.substring(listed.length() - 8);
    byte[] zeroed = withChecksums(bytes, listed.replaceAll("[0-9a-f]", "0"));
    SafeTensorsFormatException e =
        assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(file));
    assertEquals(file + ": checksum mismatch at byte 8: the header (bytes 8 to "
        + (dataStart(bytes) - 1) + ") has CRC32C " + crc32c(zeroed, 8, dataStart(bytes) - 8)
        + " but jgrad.crc32c says " + said + ": the file is damaged; restore it from a copy",
        e.getMessage());
    assertEquals(8, e.offset());
  }

  /**
   * jgrad's files of this morning list one checksum per tensor and none for the header: they
   * still load, and their tensors are still checked. These are the bytes that jgrad wrote for
   * "x" F32 [1] {1.5f} (SafeTensorsTest's spec test before the header was covered).
   */
  @Test
  void aFileWithChecksumsOfTheTensorsOnlyStillLoadsAndChecksThem() throws IOException {
    String json = "{\"__metadata__\":{\"jgrad.crc32c\":\"224302af\"},"
        + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}       ";
    byte[] bytes = Bytes.concat(new byte[] {104, 0, 0, 0, 0, 0, 0, 0}, json.getBytes(UTF_8),
        new byte[] {0, 0, (byte) 0xC0, 0x3F});
    Path file = dir.resolve("morning.safetensors");
    Files.write(file, bytes);
    assertArrayEquals(new float[] {1.5f}, SafeTensors.read(file).get("x").floats());
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(file, bytes);
    SafeTensorsFormatException e =
        assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(file));
    assertTrue(e.getMessage().startsWith(file + ": checksum mismatch at byte 112: tensor 'x'"),
        e.getMessage());
  }

  /**
   * A metadata key holding the checksums' key after a quote (escaped in the JSON, so the same
   * bytes follow its backslash) sorts before it: the writer must not take it for the entry.
   */
  @Test
  void aMetadataKeyEndingInTheChecksumsKeyIsNotTakenForIt() throws IOException {
    Path file = dir.resolve("key.safetensors");
    Map<String, String> metadata = Map.of("a\"jgrad.crc32c", "12345678 12345678 12345678 1");
    SafeTensors.write(file, tensors(), metadata);
    SafeTensorsFile f = SafeTensors.read(file);
    assertEquals(metadata, f.metadata());
    assertArrayEquals(new float[] {1, 2}, f.get("a").floats());
  }

  /**
   * What PyTorch, the safetensors package and jgrad before checksums wrote reads as before: this
   * is the reference implementation's file of SafeTensorsTest, with a data byte changed.
   */
  @Test
  void aFileWithoutChecksumsReadsAsBefore() throws IOException {
    String reference = "90000000000000007b225f5f6d657461646174615f5f223a7b2265706f6368223a2233227d"
        + "2c2262223a7b226474797065223a22463634222c227368617065223a5b315d2c22646174615f6f666673"
        + "657473223a5b302c385d7d2c2277223a7b226474797065223a22463332222c227368617065223a5b322c"
        + "325d2c22646174615f6f666673657473223a5b382c32345d7d7d2020202020000000000000d03f000080"
        + "3f0000004000004040000000bf";
    byte[] bytes = HexFormat.of().parseHex(reference);
    bytes[bytes.length - 1] = (byte) 0x3f; // -0.5f becomes 0.5f: nothing can tell
    Path file = dir.resolve("reference.safetensors");
    Files.write(file, bytes);
    SafeTensorsFile f = SafeTensors.read(file);
    assertArrayEquals(new float[] {1, 2, 3, 0.5f}, f.get("w").floats());
    assertEquals(Map.of("epoch", "3"), f.metadata());
  }

  /** A lazy tensor's data is fetched once, as it is written: the checksum needs no second pass. */
  @Test
  void lazyTensorsAreFetchedOnceAndStillStream() throws IOException {
    AtomicInteger fetches = new AtomicInteger();
    Path file = dir.resolve("lazy.safetensors");
    SafeTensors.write(file, List.of(SafeTensor.lazyFloats("w", Shape.of(100_000), () -> {
      fetches.incrementAndGet();
      return new float[100_000];
    })));
    assertEquals(1, fetches.get());
    assertEquals(100_000, SafeTensors.read(file).get("w").floats().length);
  }

  /**
   * A file without tensors still has a header to damage (a checkpoint's epoch, a model's
   * description): its list is the header's checksum alone. It used to have none, and a flipped
   * digit of its metadata loaded.
   */
  @Test
  void aFileWithoutTensorsCarriesTheHeadersChecksum() throws IOException {
    byte[] bytes = SafeTensors.toBytes(List.of(), Map.of("epoch", "3"));
    byte[] zeroed = withChecksums(bytes, "00000000");
    assertEquals(crc32c(zeroed, 8, dataStart(bytes) - 8), checksumsOf(bytes));
    Path file = dir.resolve("tensorless.safetensors");
    Files.write(file, bytes);
    assertEquals(Map.of("epoch", "3"), SafeTensors.read(file).metadata());
    int epoch = header(bytes).indexOf("\"epoch\":\"3\"") + 8 + 9;
    bytes[epoch] ^= 0x04; // "3" becomes "7"
    assertHeaderMismatch(bytes);
  }

  /** jgrad's tensorless files before they carried the header's checksum still load. */
  @Test
  void aFileWithoutTensorsOrChecksumsStillLoads() throws IOException {
    String json = "{\"__metadata__\":{\"epoch\":\"3\"}}";
    byte[] bytes = Bytes.concat(new byte[] {32, 0, 0, 0, 0, 0, 0, 0}, json.getBytes(UTF_8),
        "  ".getBytes(UTF_8));
    Path file = dir.resolve("old-tensorless.safetensors");
    Files.write(file, bytes);
    SafeTensorsFile f = SafeTensors.read(file);
    assertEquals(Map.of("epoch", "3"), f.metadata());
    assertEquals(List.of(), f.names());
  }

  /** {@code file}'s bytes with its header replaced by {@code header} (the same length). */
  private static byte[] concat(byte[] file, String header) {
    byte[] text = header.getBytes(UTF_8);
    assertEquals(dataStart(file) - 8, text.length, "edit keeps the header's length");
    byte[] out = file.clone();
    System.arraycopy(text, 0, out, 8, text.length);
    return out;
  }

  private static String checksumsOf(byte[] file) {
    String header = header(file);
    String key = "\"" + SafeTensors.CHECKSUM_KEY + "\":\"";
    int from = header.indexOf(key) + key.length();
    return header.substring(from, header.indexOf('"', from));
  }

  private static String crc32c(byte[] bytes, int from, int length) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, from, length);
    return String.format("%08x", crc.getValue());
  }
}
