package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  @Test
  void aPipeOrADirectoryIsRefusedBeforeItIsOpened() throws Exception {
    // opening a FIFO blocks until a writer comes: it must be refused, not waited on
    Path fifo = dir.resolve("images.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    IOException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
        () -> assertThrows(IOException.class, () -> IdxReader.read(fifo)));
    assertEquals("cannot read " + fifo + ": it is not a regular file (a pipe or a device); pass "
        + "an IDX file", e.getMessage());
    assertEquals("cannot read " + dir + ": it is a directory; pass an IDX file in it",
        assertThrows(IOException.class, () -> IdxReader.read(dir)).getMessage());
  }

  @Test
  void encodesTheHeaderAsTheFormatSpecifies() {
    byte[] bytes = IdxWriter.toBytes(IdxArray.ofUnsignedBytes(new byte[] {1, 2, 3, 4, 5, 6}, 2, 3));
    byte[] expected = {0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6};
    assertArrayEquals(expected, bytes);

    byte[] shorts = IdxWriter.toBytes(IdxArray.ofShorts(new short[] {0x0102, -2}, 2));
    assertArrayEquals(new byte[] {0, 0, 0x0B, 1, 0, 0, 0, 2, 1, 2, (byte) 0xFF, (byte) 0xFE},
        shorts);
  }

  @Test
  void roundTripsEveryElementTypeRawAndGzip() throws IOException {
    IdxArray[] arrays = {
      IdxArray.ofUnsignedBytes(new byte[] {0, 127, (byte) 128, (byte) 255}, 2, 2),
      IdxArray.ofBytes(new byte[] {-128, -1, 0, 127}, 4),
      IdxArray.ofShorts(new short[] {Short.MIN_VALUE, -1, 0, Short.MAX_VALUE, 7, 8}, 1, 2, 3),
      IdxArray.ofInts(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, 1, 1, 2, 2),
      IdxArray.ofFloats(new float[] {-1.5f, 0f, 3.25f, Float.MAX_VALUE, Float.MIN_VALUE, 1e-3f}, 3,
          2),
      IdxArray.ofDoubles(new double[] {Math.PI, -Math.E, 0, 1e300}, 4),
    };
    for (IdxArray a : arrays) {
      Path gz = dir.resolve(a.type() + ".gz");
      Path raw = dir.resolve(a.type() + ".idx");
      IdxWriter.write(gz, a);
      IdxWriter.writeUncompressed(raw, a);
      assertEquals(a, IdxReader.read(gz), "gzip round trip of " + a);
      assertEquals(a, IdxReader.read(raw), "raw round trip of " + a);
      assertTrue(Files.size(raw) == 4 + 4L * a.rank() + (long) a.size() * a.type().byteSize());
    }
    assertArrayEquals(new int[] {0, 127, 128, 255}, arrays[0].toIntArray());
    assertArrayEquals(new float[] {0, 127, 128, 255}, arrays[0].toFloatArray());
    assertArrayEquals(new int[] {-128, -1, 0, 127}, arrays[1].toIntArray());
    assertArrayEquals(new int[] {Short.MIN_VALUE, -1, 0, Short.MAX_VALUE, 7, 8},
        arrays[2].toIntArray());
    assertArrayEquals(new double[] {Math.PI, -Math.E, 0, 1e300}, arrays[5].toDoubleArray());
    assertArrayEquals(new double[] {-1.5, 0, 3.25, Float.MAX_VALUE, Float.MIN_VALUE, 1e-3f},
        arrays[4].toDoubleArray());
    assertArrayEquals(new int[] {1, 2, 3}, arrays[2].dims());
  }

  @Test
  void detectsGzipByContentNotByName() throws IOException {
    IdxArray a = IdxArray.ofInts(new int[] {1, 2, 3}, 3);
    Path gzipWithoutSuffix = dir.resolve("labels-idx1-int");
    Path rawWithGzSuffix = dir.resolve("labels-idx1-int.gz");
    Files.write(gzipWithoutSuffix, gzip(IdxWriter.toBytes(a)));
    Files.write(rawWithGzSuffix, IdxWriter.toBytes(a));
    assertEquals(a, IdxReader.read(gzipWithoutSuffix));
    assertEquals(a, IdxReader.read(rawWithGzSuffix));
  }

  @Test
  void writerOutputIsDeterministic() throws IOException {
    IdxArray a = IdxArray.ofUnsignedBytes(new byte[784 * 3], 3, 28, 28);
    IdxWriter.write(dir.resolve("a.gz"), a);
    IdxWriter.write(dir.resolve("b.gz"), a);
    assertArrayEquals(Files.readAllBytes(dir.resolve("a.gz")),
        Files.readAllBytes(dir.resolve("b.gz")));
    byte[] gz = Files.readAllBytes(dir.resolve("a.gz"));
    assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0}, Arrays.copyOf(gz, 8),
        "gzip header with MTIME 0");
  }

  @Test
  void truncatedDataNamesFileOffsetAndSizes() throws IOException {
    byte[] full = IdxWriter.toBytes(IdxArray.ofUnsignedBytes(new byte[2 * 28 * 28], 2, 28, 28));
    Path file = dir.resolve("train-images-idx3-ubyte");
    Files.write(file, Arrays.copyOf(full, 16 + 1000));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
    assertEquals(file + ": truncated at byte 1016: expected 1568 bytes of data (2x28x28 ubyte)"
        + " after the 16-byte header, found 1000", e.getMessage());
    assertEquals(1016, e.offset());
    assertEquals(file.toString(), e.source());
  }

  @Test
  void truncatedDataInsideGzipCountsDecompressedBytes() throws IOException {
    byte[] full = IdxWriter.toBytes(IdxArray.ofUnsignedBytes(new byte[2 * 28 * 28], 2, 28, 28));
    Path file = dir.resolve("train-images-idx3-ubyte.gz");
    Files.write(file, gzip(Arrays.copyOf(full, 16 + 1000)));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
    assertTrue(e.getMessage().startsWith(file + ": truncated at byte 1016: expected 1568 bytes"),
        e.getMessage());
    assertTrue(e.getMessage().contains("decompressed"), e.getMessage());
  }

  @Test
  void cutGzipStreamIsAFormatError() throws IOException {
    byte[] compressed = gzip(IdxWriter.toBytes(IdxArray.ofFloats(randomFloats(5000), 5000)));
    Path file = dir.resolve("cut.gz");
    Files.write(file, Arrays.copyOf(compressed, compressed.length / 2));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
    assertTrue(e.getMessage().startsWith(file + ": corrupt gzip data at byte "), e.getMessage());
    assertTrue(e.offset() > 0 && e.offset() < 4 + 4 + 5000 * 4, "offset " + e.offset());
  }

  @Test
  void trailingGarbageIsAnError() throws IOException {
    byte[] full = IdxWriter.toBytes(IdxArray.ofUnsignedBytes(new byte[] {1, 2, 3}, 3));
    Path file = dir.resolve("labels");
    Files.write(file, concat(full, new byte[] {9, 9}));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
    assertEquals(file + ": more data than the header declares at byte 11: expected the file to"
        + " end after 3 bytes of data (3 ubyte), found 2 more bytes", e.getMessage());
  }

  /** An IDX header (ubyte) declaring {@code dims}. */
  static byte[] header(int... dims) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length); // big-endian
    b.put(new byte[] {0, 0, 0x08, (byte) dims.length});
    for (int d : dims) {
      b.putInt(d);
    }
    return b.array();
  }

  /** {@code header} followed by {@code zeros} zero bytes, made up as read, counting what is. */
  private static final class CountedBody extends InputStream {
    private final byte[] header;
    private final long length;
    long read;

    CountedBody(byte[] header, long zeros) {
      this.header = header;
      this.length = header.length + zeros;
    }

    @Override
    public int read() {
      if (read >= length) {
        return -1;
      }
      int b = read < header.length ? header[(int) read] & 0xFF : 0;
      read++;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (read >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - read);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) read();
      }
      return n;
    }
  }

  @Test
  void aHeaderDeclaringMoreThanTheLimitFailsBeforeTheDataIsRead() {
    // 2,500,000 MNIST images: 1.96 GB once inflated, over the 1 GiB limit
    CountedBody in = new CountedBody(header(2_500_000, 28, 28), 1L << 26);
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(in, "x"));
    assertTrue(e.getMessage().startsWith("x: too large at byte 4: the header declares"
        + " 2500000x28x28 ubyte, 1,960,000,000 bytes of data, more than the limit of"
        + " 1,073,741,824 bytes"), e.getMessage());
    assertTrue(in.read <= 1 << 16, in.read + " bytes read"); // one buffer, not the data
    IdxFormatException small = assertThrows(IdxFormatException.class,
        () -> IdxReader.read(new CountedBody(header(11), 11), "y", 10));
    assertTrue(small.getMessage().contains("more than the limit of 10 bytes"), small.getMessage());
  }

  @Test
  void readingStopsShortlyPastTheDeclaredData() {
    CountedBody in = new CountedBody(header(3), 1L << 26);
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(in, "x"));
    assertTrue(e.getMessage().startsWith("x: more data than the header declares at byte 11:"
        + " expected the file to end after 3 bytes of data (3 ubyte), found at least 65536 more"
        + " bytes"), e.getMessage());
    assertTrue(in.read <= 1 << 18, in.read + " bytes read");
  }

  /**
   * Found by ReaderFuzzTest, which counts what each read allocates: a 26-byte file whose header
   * declares 1,048,576,000 bytes (under the limit: a bit flip in a dimension can do it) had the
   * reader allocate them all, or run out of memory on a smaller heap, only to say "truncated".
   */
  @Test
  void aShortFileWhoseHeaderDeclaresAGigabyteCostsLittleMemoryBeforeItIsFoundTruncated() {
    byte[] file = concat(header(1000, 1024, 1024), new byte[10]);
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    IdxFormatException e = assertThrows(IdxFormatException.class,
        () -> IdxReader.read(new ByteArrayInputStream(file), "short"));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(e.getMessage().startsWith("short: truncated at byte 26: expected 1048576000 bytes"
        + " of data (1000x1024x1024 ubyte) after the 16-byte header, found 10"), e.getMessage());
    assertTrue(allocated < 16 << 20, allocated + " bytes allocated");
  }

  @Test
  void aGzipFileOfOnlyItsMagicBytesIsATruncatedFileNotAnEofException() {
    assertFormatError(new byte[] {0x1F, (byte) 0x8B}, 2,
        "truncated at byte 2: the gzip header is incomplete; the download");
  }

  @Test
  void rejectsBadHeaders() {
    assertFormatError(new byte[0], 0, "truncated at byte 0: the file is empty");
    assertFormatError(new byte[] {0, 0, 8}, 3, "truncated at byte 3: expected a 4-byte magic");
    assertFormatError(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 1, 7}, 0,
        "bad magic number at byte 0: 0x504B0304");
    assertFormatError(new byte[] {0, 0, 0x0A, 1, 0, 0, 0, 1, 7}, 2,
        "unknown element type at byte 2: code 0x0A, expected one of 0x08 ubyte, 0x09 byte");
    assertFormatError(new byte[] {0, 0, 8, 0}, 3, "unsupported rank at byte 3: rank 0");
    assertFormatError(new byte[] {0, 0, 8, 5, 0, 0, 0, 1}, 3, "unsupported rank at byte 3: rank 5");
    assertFormatError(new byte[] {0, 0, 8, 2, 0, 0, 0, 1, 0, 0}, 10,
        "truncated at byte 10: expected 2 dimensions (8 bytes), found 6 bytes");
    assertFormatError(new byte[] {0, 0, 8, 2, 0, 0, 0, 3, 0, 0, 0, 0}, 8,
        "bad dimension at byte 8: dimension 1 is 0");
    assertFormatError(new byte[] {0, 0, 8, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
        4, "bad dimension at byte 4: dimension 0 is 4294967295");
    assertFormatError(new byte[] {0, 0, 0x0E, 2, 0, 1, 0, 0, 0, 0, 0x40, 0}, 8,
        "too large at byte 8");
  }

  @Test
  void readsFromAStreamWithTheGivenName() throws IOException {
    IdxArray a = IdxArray.ofBytes(new byte[] {-3, 4}, 2);
    assertEquals(a, IdxReader.read(new ByteArrayInputStream(gzip(IdxWriter.toBytes(a))), "res"));
    IdxFormatException e = assertThrows(IdxFormatException.class,
        () -> IdxReader.read(new ByteArrayInputStream(new byte[] {1}), "/mnist/x"));
    assertTrue(e.getMessage().startsWith("/mnist/x: truncated at byte 1"), e.getMessage());
  }

  @Test
  void arrayRejectsMisuse() {
    IdxArray floats = IdxArray.ofFloats(new float[] {1, 2}, 2);
    IllegalStateException e = assertThrows(IllegalStateException.class, floats::toIntArray);
    assertTrue(e.getMessage().contains("call toFloatArray()"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> IdxArray.ofInts(new int[6], 4));
    assertThrows(IllegalArgumentException.class, () -> IdxArray.ofInts(new int[0], 0));
    assertThrows(IllegalArgumentException.class, () -> IdxArray.ofInts(new int[1], 1, 1, 1, 1, 1));
    assertEquals("IdxArray[2 float]", floats.toString());
  }

  private void assertFormatError(byte[] content, long offset, String messagePart) {
    Path file = dir.resolve("bad-" + Arrays.hashCode(content));
    try {
      Files.write(file, content);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
    assertEquals(offset, e.offset(), e.getMessage());
    assertTrue(e.getMessage().startsWith(file + ": " + messagePart), e.getMessage());
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static float[] randomFloats(int n) {
    java.util.Random r = new java.util.Random(1);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = r.nextFloat();
    }
    return f;
  }
}
