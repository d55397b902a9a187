package dev.jgrad.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  @TempDir Path dir;

  // ---- golden bytes ----

  /**
   * From the spec by hand: 8-byte LE length, JSON padded with spaces to 8, LE data; the metadata
   * holds the data's CRC32C (SafeTensorsChecksumTest).
   */
  @Test
  void singleTensorBytesFollowTheSpec() {
    byte[] actual = SafeTensors.toBytes(
        List.of(SafeTensor.ofFloats("x", Shape.of(1), new float[] {1.5f})), Map.of());
    // the CRC32C of 00 00 c0 3f, then the header's (SafeTensorsChecksumTest)
    String json = "{\"__metadata__\":{\"jgrad.crc32c\":\"224302af e8cdc020\"},"
        + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"; // 106 bytes
    byte[] expected = concat(
        new byte[] {112, 0, 0, 0, 0, 0, 0, 0}, // 106 rounded up to a multiple of 8
        (json + "      ").getBytes(UTF_8),
        new byte[] {0, 0, (byte) 0xC0, 0x3F}); // 1.5f = 0x3FC00000, little-endian
    assertArrayEquals(expected, actual);
  }

  /**
   * Two dtypes and metadata: F64 goes first, metadata first in the header. The hex string is what
   * the reference implementation (Python safetensors 0.8.0, safetensors.numpy.save) produced for
   * {"w": float32 [[1, 2], [3, -0.5]], "b": float64 [0.25]}, metadata {"epoch": "3",
   * "jgrad.crc32c": "d9c90a63 c804c0a2 dbb43be0"} (the CRC32C of b's and w's data, then of the
   * header, which jgrad adds); the same bytes are also spelled out from the spec below.
   */
  @Test
  void mixedDtypesMatchTheReferenceImplementation() {
    byte[] actual = SafeTensors.toBytes(List.of(
        SafeTensor.ofFloats("w", Shape.of(2, 2), new float[] {1, 2, 3, -0.5f}),
        SafeTensor.ofDoubles("b", Shape.of(1), new double[] {0.25})), Map.of("epoch", "3"));

    String json = "{\"__metadata__\":{\"epoch\":\"3\","
        + "\"jgrad.crc32c\":\"d9c90a63 c804c0a2 dbb43be0\"},"
        + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]}}"; // 183 bytes
    ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    data.putDouble(0.25).putFloat(1).putFloat(2).putFloat(3).putFloat(-0.5f);
    byte[] bySpec = concat(new byte[] {(byte) 184, 0, 0, 0, 0, 0, 0, 0},
        (json + " ").getBytes(UTF_8), data.array());
    assertArrayEquals(bySpec, actual);

    String reference = "b8000000000000007b225f5f6d657461646174615f5f223a7b2265706f6368223a2233222c"
        + "226a677261642e637263333263223a22643963393061363320633830346330613220646262343362653022"
        + "7d2c2262223a7b226474797065223a22463634222c227368617065223a5b315d2c22646174615f6f666673"
        + "657473223a5b302c385d7d2c2277223a7b226474797065223a22463332222c227368617065223a5b322c32"
        + "5d2c22646174615f6f666673657473223a5b382c32345d7d7d20000000000000d03f0000803f0000004000"
        + "004040000000bf";
    assertEquals(reference, HexFormat.of().formatHex(actual));
  }

  /**
   * I64 as PyTorch writes BatchNorm's num_batches_tracked: the hex strings are what
   * safetensors.torch.save (0.8.0, torch 2.13) produced for {"w": float32 [1.5], "n": int64
   * scalar 5, "i": int64 [-2^53, 2^53]}: I64 first, then by name; without metadata (what PyTorch
   * writes, read here) and with jgrad's checksums (what jgrad writes).
   */
  @Test
  void int64MatchesTheReferenceImplementation() throws IOException {
    String withChecksums = "f0000000000000007b225f5f6d657461646174615f5f223a7b226a677261642e637263"
        + "333263223a226633633963393164206534303934646330203232343330326166203363383466313432227d"
        + "2c2269223a7b226474797065223a22493634222c227368617065223a5b325d2c22646174615f6f66667365"
        + "7473223a5b302c31365d7d2c226e223a7b226474797065223a22493634222c227368617065223a5b5d2c22"
        + "646174615f6f666673657473223a5b31362c32345d7d2c2277223a7b226474797065223a22463332222c22"
        + "7368617065223a5b315d2c22646174615f6f666673657473223a5b32342c32385d7d7d2020202020200000"
        + "00000000e0ff000000000000200005000000000000000000c03f";
    String reference = "a8000000000000007b2269223a7b226474797065223a22493634222c227368617065223a"
        + "5b325d2c22646174615f6f666673657473223a5b302c31365d7d2c226e223a7b226474797065223a"
        + "22493634222c227368617065223a5b5d2c22646174615f6f666673657473223a5b31362c32345d7d"
        + "2c2277223a7b226474797065223a22463332222c227368617065223a5b315d2c22646174615f6f66"
        + "6673657473223a5b32342c32385d7d7d20202020000000000000e0ff000000000000200005000000"
        + "000000000000c03f";
    long max = SafeTensor.MAX_EXACT_LONG;
    byte[] actual = SafeTensors.toBytes(List.of(
        SafeTensor.ofFloats("w", Shape.of(1), new float[] {1.5f}),
        SafeTensor.ofLongs("n", Shape.scalar(), new long[] {5}),
        SafeTensor.ofLongs("i", Shape.of(2), new long[] {-max, max})), Map.of());
    assertEquals(withChecksums, HexFormat.of().formatHex(actual));

    Path file = dir.resolve("int64.safetensors");
    Files.write(file, HexFormat.of().parseHex(reference));
    SafeTensorsFile f = SafeTensors.read(file);
    SafeTensor n = f.get("n");
    assertTrue(n.isInt64());
    assertEquals(DType.FLOAT64, n.dtype());
    assertEquals(Shape.scalar(), n.shape());
    assertArrayEquals(new long[] {5}, n.longs());
    assertArrayEquals(new double[] {5}, n.doubles());
    assertArrayEquals(new double[] {-0x1p53, 0x1p53}, f.get("i").toDoubleArray());
    assertEquals("SafeTensor[i I64 [2]]", f.get("i").toString());
    assertThrows(IllegalStateException.class, () -> f.get("w").longs());
  }

  /** Beyond 2^53 a double no longer holds every whole number: such I64 values are refused. */
  @Test
  void refusesInt64BeyondTwoToThe53() throws IOException {
    String w = "{\"w\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
    long beyond = SafeTensor.MAX_EXACT_LONG + 1;
    byte[] file = withHeader(w, concat(le(3), le(beyond)));
    int dataStart = file.length - 16;
    assertCorrupt(file, dataStart + 8, "value out of range at byte " + (dataStart + 8)
        + ": tensor 'w' is I64 with value 9007199254740993 at element 1, beyond +-2^53");
    assertCorrupt(withHeader(w, concat(le(Long.MIN_VALUE), le(0))), dataStart,
        "value out of range at byte " + dataStart + ": tensor 'w' is I64 with value "
            + Long.MIN_VALUE + " at element 0");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SafeTensor.ofLongs("n", Shape.of(1), new long[] {-beyond}));
    assertTrue(e.getMessage().startsWith("tensor 'n' is I64 with value -9007199254740993"),
        e.getMessage());
  }

  // ---- round trips ----

  @Test
  void roundTripsTensorsAndMetadata() throws IOException {
    Path file = dir.resolve("model.safetensors");
    float[] w = {1, -2, 3.5f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN};
    double[] d = {Math.PI, -0.0, Double.NEGATIVE_INFINITY};
    SafeTensors.write(file, List.of(
            SafeTensor.ofFloats("fc1.weight", Shape.of(2, 3), w),
            SafeTensor.ofDoubles("stats", Shape.of(3), d),
            SafeTensor.ofFloats("scalar", Shape.scalar(), new float[] {7}),
            SafeTensor.ofFloats("empty", Shape.of(0, 3), new float[0]),
            SafeTensor.lazyFloats("fc1.bias", Shape.of(2), () -> new float[] {0.5f, -0.5f})),
        Map.of("epoch", "3", "note", "quote \" slash \\ newline \n tab \t ctl \u0001 snow \u2603"));

    assertEquals(0, (Files.size(file) - 8 - 48 - 3 * 8 - 2 * 4 - 4) % 8,
        "data starts 8-aligned");
    SafeTensorsFile f = SafeTensors.read(file);
    assertEquals(List.of("stats", "empty", "fc1.bias", "fc1.weight", "scalar"), f.names());
    assertArrayEquals(w, f.get("fc1.weight").floats());
    assertEquals(Shape.of(2, 3), f.get("fc1.weight").shape());
    assertArrayEquals(d, f.get("stats").doubles());
    assertEquals(DType.FLOAT64, f.get("stats").dtype());
    assertArrayEquals(new float[] {7}, f.get("scalar").floats());
    assertEquals(Shape.scalar(), f.get("scalar").shape());
    assertEquals(Shape.of(0, 3), f.get("empty").shape());
    assertArrayEquals(new float[] {0.5f, -0.5f}, f.get("fc1.bias").floats());
    assertEquals(Map.of("epoch", "3",
        "note", "quote \" slash \\ newline \n tab \t ctl \u0001 snow \u2603"), f.metadata());
    assertArrayEquals(new double[] {0.5, -0.5}, f.get("fc1.bias").toDoubleArray());
    assertArrayEquals(new float[] {(float) Math.PI, -0f, Float.NEGATIVE_INFINITY},
        f.get("stats").toFloatArray());

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.get("fc2.weight"));
    assertTrue(e.getMessage().startsWith(file + " has no tensor 'fc2.weight'; it has [stats,"),
        e.getMessage());
  }

  @Test
  void writingIsDeterministicWhateverTheInputOrder() {
    SafeTensor a = SafeTensor.ofFloats("a", Shape.of(1), new float[] {1});
    SafeTensor b = SafeTensor.ofDoubles("b", Shape.of(1), new double[] {2});
    SafeTensor c = SafeTensor.ofFloats("\u00e9", Shape.of(1), new float[] {3});
    SafeTensor z = SafeTensor.ofFloats("Z", Shape.of(1), new float[] {4});
    byte[] one = SafeTensors.toBytes(List.of(a, b, c, z), Map.of("k1", "1", "k2", "2"));
    byte[] two = SafeTensors.toBytes(List.of(z, c, b, a), Map.of("k2", "2", "k1", "1"));
    assertArrayEquals(one, two);
    String header = new String(one, 8, (int) ByteBuffer.wrap(one).order(ByteOrder.LITTLE_ENDIAN)
        .getLong(), UTF_8);
    assertTrue(header.indexOf("\"b\"") < header.indexOf("\"Z\"")
        && header.indexOf("\"Z\"") < header.indexOf("\"a\"")
        && header.indexOf("\"a\"") < header.indexOf("\"\u00e9\""), header);
  }

  // ---- atomic replace ----

  @Test
  void failingPayloadLeavesThePreviousFileIntact() throws IOException {
    Path file = dir.resolve("model.safetensors");
    SafeTensors.write(file, List.of(SafeTensor.ofFloats("w", Shape.of(2), new float[] {1, 2})));
    byte[] before = Files.readAllBytes(file);

    UncheckedIOException gpuLost = new UncheckedIOException(new IOException("device lost"));
    UncheckedIOException thrown = assertThrows(UncheckedIOException.class,
        () -> SafeTensors.write(file, List.of(
            SafeTensor.ofFloats("a", Shape.of(100_000), new float[100_000]), // written first
            SafeTensor.lazyFloats("w", Shape.of(2), () -> {
              throw gpuLost;
            }))));
    assertSame(gpuLost, thrown);
    assertArrayEquals(before, Files.readAllBytes(file));
    assertArrayEquals(new float[] {1, 2}, SafeTensors.read(file).get("w").floats());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }

    IllegalArgumentException wrongLength = assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.write(file, List.of(
            SafeTensor.lazyFloats("w", Shape.of(3), () -> new float[] {1, 2}))));
    assertEquals("tensor 'w' has 2 values but shape [3] needs 3; pass data that matches the"
        + " shape", wrongLength.getMessage());
    assertArrayEquals(before, Files.readAllBytes(file));
  }

  @Test
  void rejectsBadTensorLists() {
    SafeTensor a = SafeTensor.ofFloats("a", Shape.of(1), new float[] {1});
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.toBytes(List.of(a, a), Map.of()));
    assertEquals("two tensors are named 'a'; names must be unique", dup.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SafeTensor.ofFloats("__metadata__", Shape.of(1), new float[1]));
    assertThrows(IllegalArgumentException.class,
        () -> SafeTensor.ofFloats("", Shape.of(1), new float[1]));
    assertThrows(IllegalArgumentException.class,
        () -> SafeTensor.ofDoubles("d", Shape.of(2, 2), new double[3]));
    IllegalStateException wrongType = assertThrows(IllegalStateException.class, a::doubles);
    assertEquals("tensor 'a' is F32; call floats() or toDoubleArray()", wrongType.getMessage());
  }

  // ---- corrupt files ----

  @Test
  void rejectsTruncatedAndOversizedHeaders() throws IOException {
    assertCorrupt(new byte[] {1, 2, 3}, 3, "truncated at byte 3: expected an 8-byte header"
        + " length, found 3 bytes");
    assertCorrupt(concat(le(1000), "{\"a\":".getBytes(UTF_8)), 0,
        "header length out of range at byte 0: the header length is 1000 bytes but only 5 bytes"
            + " follow");
    // a whole header after a length beyond the file: the length is what is damaged
    // (SafeTensorsHeaderLengthTest)
    assertCorrupt(concat(le(1000), "{}".getBytes(UTF_8)), 0,
        "damaged header length at byte 0: bytes 0 to 7 say the header is 1000 bytes, but its"
            + " JSON and padding take 2");
    assertCorrupt(concat(le(-1), new byte[8]), 0,
        "header length out of range at byte 0: the header length is 18446744073709551615 bytes");
  }

  /** torch.save's .pt (a zip archive) is named as such, with the safetensors call to use. */
  @Test
  void rejectsAZipArchiveAsTorchSaveWritesItSayingHowToSaveSafetensors() throws IOException {
    byte[] zip = concat(new byte[] {'P', 'K', 3, 4}, new byte[60]);
    assertCorrupt(zip, 0, "a zip archive, not safetensors at byte 0: torch.save writes such"
        + " files (pickles); in PyTorch save the weights with safetensors.torch.save_file(");
  }

  @Test
  void rejectsHeadersThatAreNotJsonObjects() throws IOException {
    assertCorrupt(concat(le(4), new byte[] {'{', (byte) 0xC3, 0x28, '}'}), 9,
        "bad header at byte 9: the JSON header is not valid UTF-8");
    assertCorrupt(withHeader("[1,2]  ", new byte[0]), 8,
        "bad header at byte 8: the JSON header must start with '{'");
    assertCorrupt(withHeader("{\"a\":1,}", new byte[0]), 15,
        "bad header at byte 15: malformed JSON: unexpected character '}': was expecting"
            + " double-quote to start field name");
    // The second key starts at character 8 but byte 9 of the header: \u00e9 takes two bytes.
    assertCorrupt(withHeader("{\"\u00e9\":{},\"\u00e9\":{}}", new byte[0]), 17,
        "bad header at byte 17: malformed JSON: duplicate key \"\u00e9\"");
    assertCorrupt(withHeader("{} x", new byte[0]), 11,
        "bad header at byte 11: malformed JSON: unexpected 'x' after the JSON value");
  }

  @Test
  void rejectsBadTensorEntries() throws IOException {
    String w = "{\"w\":{\"dtype\":\"%s\",\"shape\":%s,\"data_offsets\":%s}}";
    byte[] eight = new byte[8];
    assertCorrupt(withHeader(String.format(w, "F99", "[2]", "[0,8]"), eight), 13,
        "unknown dtype at byte 13: tensor 'w' has dtype \"F99\"; expected \"F32\", \"F64\","
            + " \"I64\", \"F16\" or \"BF16\"");
    assertCorrupt(withHeader(String.format(w, "I32", "[2]", "[0,8]"), eight), 13,
        "unsupported dtype at byte 13: tensor 'w' is I32; jgrad reads F32, F64, I64, F16 and BF16"
            + " only");
    assertCorrupt(withHeader(String.format(w, "F32", "[-2]", "[0,8]"), eight), 13,
        "bad shape at byte 13: tensor 'w' has shape [-2]; every entry must be a non-negative"
            + " integer");
    assertCorrupt(withHeader(String.format(w, "F32", "[2.0]", "[0,8]"), eight), 13,
        "bad shape at byte 13");
    assertCorrupt(withHeader(String.format(w, "F32", "2", "[0,8]"), eight), 13,
        "bad shape at byte 13: tensor 'w' has a shape that is not an array of integers");
    assertCorrupt(withHeader(String.format(w, "F32", "[2]", "[0,4,8]"), eight), 13,
        "bad data_offsets at byte 13: tensor 'w' has 3 data_offsets, expected 2");
    assertCorrupt(withHeader(String.format(w, "F32", "[2]", "[8,0]"), eight), 13,
        "bad data_offsets at byte 13: tensor 'w' has data_offsets [8, 0]: the end is before");
    assertCorrupt(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", eight), 13,
        "bad data_offsets at byte 13: tensor 'w' has no data_offsets");
    assertCorrupt(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],"
        + "\"extra\":1}}", eight), 13, "bad tensor entry at byte 13: tensor 'w' has unknown field"
        + " \"extra\"");
    assertCorrupt(withHeader("{\"w\":[1]}", eight), 8,
        "bad tensor entry at byte 8: tensor 'w' must be an object");
    assertCorrupt(withHeader("{\"__metadata__\":{\"epoch\":3}}", new byte[0]), 24,
        "bad metadata at byte 24: the value of \"epoch\" is not a string");
  }

  // Found by ReaderFuzzTest: each escaped the reader as an exception it does not document, or
  // (the lone surrogate) read as a name that is written back otherwise.

  @Test
  void aTensorWithAnEmptyNameIsAFormatErrorNotAnIllegalArgumentException() throws IOException {
    assertCorrupt(withHeader("{\"\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        new byte[4]), 12, "bad tensor entry at byte 12: a tensor has an empty name");
  }

  @Test
  void aShapeWhoseProductOverflowsBeforeItsZeroIsAFormatErrorNotAnArithmeticException()
      throws IOException {
    assertCorrupt(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,"
        + "2147483647,0],\"data_offsets\":[0,0]}}", new byte[0]), 13, "tensor too large at"
        + " byte 13: tensor 'w' has shape [2147483647, 2147483647, 2147483647, 0], whose product"
        + " overflows 64 bits");
  }

  @Test
  void aNumberBeyondADoubleIsAFormatErrorNotAnIllegalArgumentException() throws IOException {
    // Jackson read 1e999 as infinity, which the message's JSON writer refused
    assertCorrupt(withHeader("{\"w\":{\"dtype\":1e999,\"shape\":[1],\"data_offsets\":[0,4]}}",
        new byte[4]), 22, "bad header at byte 22: malformed JSON: number 1e999 is beyond the"
        + " range of a double");
    assertCorrupt(withHeader("{\"__metadata__\":-1e999}", new byte[0]), 24,
        "bad header at byte 24: malformed JSON: number -1e999 is beyond the range of a double");
  }

  @Test
  void aLoneSurrogateIsAFormatErrorNotANameThatChangesWhenWrittenBack() throws IOException {
    assertCorrupt(withHeader("{\"__metadata__\":{\"k\":\"a\\ud800\"}}", new byte[0]), 29,
        "bad header at byte 29: malformed JSON: lone surrogate \\ud800 in a string");
    assertCorrupt(withHeader("{\"\\udc00\":{\"dtype\":\"F32\",\"shape\":[1],"
        + "\"data_offsets\":[0,4]}}", new byte[4]), 9,
        "bad header at byte 9: malformed JSON: lone surrogate \\udc00 in a string");
    // a pair is one character, and reads as it was written
    Path file = dir.resolve("pair.safetensors");
    SafeTensors.write(file, List.of(), Map.of("k", "\ud83d\ude00"));
    assertEquals("\ud83d\ude00", SafeTensors.read(file).metadata().get("k"));
    // nor is one written: it would read back as '?'
    Path lone = dir.resolve("lone.safetensors");
    assertEquals("cannot write the string 'a\\ud800b': it holds a lone surrogate \\ud800 at 1, "
        + "which UTF-8 cannot hold; remove it or give its pair",
        assertThrows(IllegalArgumentException.class,
            () -> SafeTensors.write(lone, List.of(), Map.of("k", "a\ud800b"))).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.write(lone, List.of(), Map.of("\ude00", "v")));
    assertTrue(Files.notExists(lone), "nothing written");
  }

  @Test
  void rejectsDataThatDoesNotMatchTheHeader() throws IOException {
    String w = "{\"w\":{\"dtype\":\"F32\",\"shape\":[%s],\"data_offsets\":[%s]}}";
    String two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[%s]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[%s]}}";
    byte[] eight = new byte[8];

    int wData = 8 + 56; // the header of one tensor below is 54 bytes, padded to 56
    SafeTensorsFormatException e = assertCorrupt(withHeader(String.format(w, "3", "0,8"), eight),
        wData, "size mismatch at byte 64: tensor 'w' has 8 bytes (data_offsets [0, 8]) but shape"
            + " [3] F32 needs 12");
    assertEquals(wData, e.offset(), "the offset of the tensor's data in the file");
    assertCorrupt(withHeader(String.format(w, "2", "0,8"), new byte[6]), wData + 6,
        "truncated at byte 70: tensor 'w' ends at data byte 8 but the data section has only 6");
    assertCorrupt(withHeader(String.format(w, "2", "0,8"), new byte[12]), wData + 8,
        "trailing garbage at byte 72: 4 bytes after the last tensor 'w'");
    assertCorrupt(withHeader(String.format(w, "2", "4,12"), new byte[12]), wData,
        "gap in data at byte 64: tensor 'w' begins at data byte 4 but the first tensor must"
            + " begin at 0");
    int abData = 8 + 112; // two entries: 107 or 108 bytes, padded to 112
    assertCorrupt(withHeader(String.format(two, "0,4", "8,12"), new byte[12]), abData + 4,
        "gap in data at byte 124: tensor 'b' begins at data byte 8 but the previous tensor 'a'"
            + " ends at 4");
    assertCorrupt(withHeader(String.format(two, "0,4", "2,6"), new byte[6]), abData + 2,
        "overlapping data at byte 122: tensor 'b' begins at data byte 2 but the previous tensor"
            + " 'a' ends at 4");
    assertCorrupt(withHeader("{}", new byte[3]), 16,
        "trailing garbage at byte 16: 3 bytes after the header, which lists no tensor");
  }

  /**
   * jgrad's holds the header's checksum alone (the CRC32C of the header with "00000000" in its
   * place); the reference's "{}" reads too.
   */
  @Test
  void readsAnEmptyFileOfTensors() throws IOException {
    Path file = dir.resolve("empty.safetensors");
    SafeTensors.write(file, List.of());
    assertArrayEquals(concat(le(48), ("{\"__metadata__\":{\"jgrad.crc32c\":\"b88a143f\"}}    ")
        .getBytes(UTF_8)), Files.readAllBytes(file));
    assertEquals(List.of(), SafeTensors.read(file).names());
    assertEquals(Map.of(), SafeTensors.read(file).metadata());
    Files.write(file, concat(le(8), "{}      ".getBytes(UTF_8)));
    assertEquals(List.of(), SafeTensors.read(file).names());
  }

  /**
   * F16 and BF16 tensors (half-precision PyTorch files) are read widened to F32, exactly, from
   * known bit patterns (Python's struct 'e' gives the F16 values); they used to be refused.
   */
  @Test
  void readsF16AndBf16WidenedExactly() throws IOException {
    short[] f16 = {0x3C00, (short) 0xC000, 0x0001, 0x03FF, 0x7BFF, (short) 0xFC00,
        (short) 0x8000, 0x3555};
    float[] f16Values = {1f, -2f, 0x1p-24f, 0x3ffp-24f, 65504f, Float.NEGATIVE_INFINITY, -0f,
        0.333251953125f};
    short[] bf16 = {0x3F80, (short) 0xC0A0, 0x0001, 0x7F80};
    float[] bf16Values = {1f, -5f, Float.intBitsToFloat(0x00010000), Float.POSITIVE_INFINITY};
    ByteBuffer data = ByteBuffer.allocate(2 * (f16.length + bf16.length))
        .order(ByteOrder.LITTLE_ENDIAN);
    for (short s : bf16) {
      data.putShort(s);
    }
    for (short s : f16) {
      data.putShort(s);
    }
    Path file = dir.resolve("half.safetensors");
    Files.write(file, withHeader("{\"b\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":"
        + "[0,8]},\"h\":{\"dtype\":\"F16\",\"shape\":[8],\"data_offsets\":[8,24]}}",
        data.array()));
    SafeTensorsFile read = SafeTensors.read(file);
    assertEquals(DType.FLOAT32, read.get("h").dtype());
    assertEquals("F16", read.get("h").fileDtype());
    assertEquals("BF16", read.get("b").fileDtype());
    assertEquals(Shape.of(2, 2), read.get("b").shape());
    for (int i = 0; i < f16Values.length; i++) { // bit for bit: -0 is not 0
      assertEquals(Float.floatToRawIntBits(f16Values[i]),
          Float.floatToRawIntBits(read.get("h").floats()[i]), "F16 element " + i);
    }
    for (int i = 0; i < bf16Values.length; i++) {
      assertEquals(Float.floatToRawIntBits(bf16Values[i]),
          Float.floatToRawIntBits(read.get("b").floats()[i]), "BF16 element " + i);
    }
    // a tensor made in jgrad reports the dtype it is written as
    assertEquals("F32", SafeTensor.ofFloats("x", Shape.of(1), new float[1]).fileDtype());
  }

  private SafeTensorsFormatException assertCorrupt(byte[] content, long offset, String message)
      throws IOException {
    Path file = dir.resolve("bad.safetensors");
    Files.write(file, content);
    SafeTensorsFormatException e =
        assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(file));
    assertTrue(e.getMessage().startsWith(file + ": " + message), e.getMessage());
    assertEquals(offset, e.offset(), e.getMessage());
    return e;
  }

  /** A file with {@code json} as header, padded with spaces to 8 bytes, then {@code data}. */
  private static byte[] withHeader(String json, byte[] data) {
    byte[] text = json.getBytes(UTF_8);
    int padded = (text.length + 7) / 8 * 8;
    byte[] header = java.util.Arrays.copyOf(text, padded);
    java.util.Arrays.fill(header, text.length, padded, (byte) ' ');
    return concat(le(padded), header, data);
  }

  static byte[] le(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
