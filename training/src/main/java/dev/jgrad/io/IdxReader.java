package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.io.CountingInputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST, Fashion-MNIST and EMNIST: a 4-byte magic number (two zero
 * bytes, the element type code, the rank), one big-endian 32-bit size per dimension, then the
 * elements big-endian in row-major order. Gzip-compressed files are recognised by their first two
 * bytes (0x1F 0x8B), whatever their name.
 *
 * <p>Everything is checked: magic number, element type, rank 1 to 4, positive dimensions, and that
 * the data is exactly as long as the dimensions say (a truncated download and trailing garbage
 * are both errors). The header is read first and the declared size checked against a limit
 * ({@link #DEFAULT_MAX_BYTES}) before any data is read; the declared size is allocated once the
 * first MiB of data has arrived (a short file whose header declares more costs at most that), and
 * reading stops a little past it, so a gzip bomb fails fast instead of exhausting memory.
 * Problems raise an {@link IdxFormatException} naming the file, the byte offset
 * and what was wrong.
 *
 * <pre>{@code
 * IdxArray labels = IdxReader.read(Path.of("data/mnist/train-labels-idx1-ubyte.gz"));
 * int[] y = labels.toIntArray();   // 60000 labels, 0..9
 * }</pre>
 */
public final class IdxReader {
  /**
   * The most data {@link #read(Path)} accepts by default: 1 GiB, twice EMNIST's largest file and
   * far below what a lying header (a gzip bomb) could declare.
   */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;
  /**
   * The data read before the size the header declares is allocated: a short file whose header
   * declares more costs at most this much memory before it is reported truncated.
   */
  static final int FIRST_CHUNK = 1 << 20;
  /** How far past the declared data the reader looks for more before calling it an error. */
  static final int TRAILING_MARGIN = 1 << 16;

  private static final int GZIP_MAGIC_0 = 0x1F;
  private static final int GZIP_MAGIC_1 = 0x8B;

  private IdxReader() {}

  /** Reads an IDX file, raw or gzip-compressed, of at most {@link #DEFAULT_MAX_BYTES} of data. */
  public static IdxArray read(Path file) throws IOException {
    checkNotNull(file, "file is null; pass the path of an IDX file");
    try (InputStream in = Channels.newInputStream(RegularFile.open(file, "an IDX file"))) {
      return read(in, file.toString());
    }
  }

  /**
   * Reads an IDX array from {@code in} up to its end, raw or gzip-compressed, of at most {@link
   * #DEFAULT_MAX_BYTES} of data; does not close it.
   *
   * @param source the name to use in error messages, e.g. the resource path
   */
  public static IdxArray read(InputStream in, String source) throws IOException {
    return read(in, source, DEFAULT_MAX_BYTES);
  }

  /**
   * Reads an IDX array as {@link #read(InputStream, String)} does, failing before reading the data
   * if the header declares more than {@code maxBytes} of it.
   */
  public static IdxArray read(InputStream in, String source, long maxBytes) throws IOException {
    return open(in, source, maxBytes).readData();
  }

  /**
   * Reads the header of the IDX array in {@code in}, checking the declared size against {@code
   * maxBytes}; the caller checks what it declares before {@link Opened#readData()} reads the rest.
   */
  static Opened open(InputStream in, String source, long maxBytes) throws IOException {
    checkNotNull(in, "input stream is null; pass an open stream of an IDX file");
    checkNotNull(source, "source is null; pass a name for error messages, e.g. the file name");
    checkArgument(maxBytes > 0, "maxBytes is %s; pass the most bytes of data to accept",
        maxBytes);
    CountingInputStream raw = new CountingInputStream(new BufferedInputStream(in, 1 << 16));
    boolean gzip = startsWithGzipMagic(raw);
    InputStream body = raw;
    if (gzip) {
      try {
        body = new GZIPInputStream(raw, 1 << 16);
      } catch (ZipException | EOFException e) {
        // e.g. a file of only the two magic bytes: not a raw EOFException, but where and why
        throw new IdxFormatException(source, raw.getCount(), "truncated",
            "the gzip header is incomplete" + (e.getMessage() == null ? "" : " ("
                + e.getMessage() + ")") + "; the download may be"
                + " incomplete: fetch the file again (gzip file: this offset counts its"
                + " compressed bytes)");
      }
    }
    CountingInputStream counted = new CountingInputStream(body);
    try {
      return readHeader(counted, source, gzip, maxBytes);
    } catch (ZipException | EOFException e) {
      throw corrupt(source, counted, gzip, e);
    }
  }

  private static IdxFormatException corrupt(String source, CountingInputStream in, boolean gzip,
      IOException e) {
    return new IdxFormatException(source, in.getCount(), "corrupt gzip data",
        e.getMessage() + "; the download may be incomplete: fetch the file again"
            + decompressedNote(gzip));
  }

  private static boolean startsWithGzipMagic(InputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1;
  }

  private static Opened readHeader(CountingInputStream in, String source, boolean gzip,
      long maxBytes) throws IOException {
    String note = decompressedNote(gzip);
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4) {
      throw new IdxFormatException(source, magic.length, "truncated",
          magic.length == 0 ? "the file is empty; expected an IDX file" + note
              : "expected a 4-byte magic number, found " + magic.length + " bytes" + note);
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new IdxFormatException(source, 0, "bad magic number",
          String.format("0x%02X%02X%02X%02X; an IDX file starts with two zero bytes (is this an "
              + "IDX file? other compressions than gzip are not read)",
              magic[0], magic[1], magic[2], magic[3]) + note);
    }
    IdxType type = IdxType.fromCode(magic[2] & 0xFF);
    if (type == null) {
      throw new IdxFormatException(source, 2, "unknown element type",
          String.format("code 0x%02X, expected one of %s", magic[2] & 0xFF, IdxType.knownCodes())
              + note);
    }
    int rank = magic[3] & 0xFF;
    if (rank < 1 || rank > IdxArray.MAX_RANK) {
      throw new IdxFormatException(source, 3, "unsupported rank",
          "rank " + rank + ", expected 1 to " + IdxArray.MAX_RANK + " dimensions" + note);
    }

    byte[] dimBytes = in.readNBytes(4 * rank);
    if (dimBytes.length < 4 * rank) {
      throw new IdxFormatException(source, 4 + dimBytes.length, "truncated",
          "expected " + rank + " dimensions (" + 4 * rank + " bytes), found " + dimBytes.length
              + " bytes" + note);
    }
    int[] dims = new int[rank];
    long elements = 1;
    for (int i = 0; i < rank; i++) {
      long d = readUnsignedInt(dimBytes, 4 * i);
      if (d == 0 || d > Integer.MAX_VALUE) {
        throw new IdxFormatException(source, 4 + 4 * i, "bad dimension",
            "dimension " + i + " is " + d + "; every dimension must be between 1 and "
                + Integer.MAX_VALUE + note);
      }
      dims[i] = (int) d;
      elements *= d; // at most 4 factors below 2^31 after the check below: no overflow
      if (elements * type.byteSize() > Integer.MAX_VALUE - 8) {
        throw new IdxFormatException(source, 4 + 4 * i, "too large",
            "the dimensions declare more than 2 GiB of data, more than a Java array holds" + note);
      }
    }
    long dataBytes = elements * type.byteSize();
    if (dataBytes > maxBytes) {
      throw new IdxFormatException(source, 4, "too large", String.format(Locale.ROOT,
          "the header declares %s, %,d bytes of data, more than the limit of %,d bytes; if the"
              + " file is genuine, raise the limit (IdxReader.read(in, source, maxBytes),"
              + " MnistFiles.loader().maxBytes(n))", IdxArray.describe(dims, type), dataBytes,
          maxBytes));
    }
    return new Opened(in, source, gzip, type, dims, (int) dataBytes);
  }

  /** An IDX stream whose header has been read and checked; the data is still to be read. */
  static final class Opened {
    private final CountingInputStream in;
    private final String source;
    private final boolean gzip;
    private final IdxType type;
    private final int[] dims;
    private final int expected;

    private Opened(CountingInputStream in, String source, boolean gzip, IdxType type,
        int[] dims, int expected) {
      this.in = in;
      this.source = source;
      this.gzip = gzip;
      this.type = type;
      this.dims = dims;
      this.expected = expected;
    }

    IdxType type() {
      return type;
    }

    int rank() {
      return dims.length;
    }

    int dim(int axis) {
      return dims[axis];
    }

    String source() {
      return source;
    }

    /** "60000x28x28 ubyte". */
    String describe() {
      return IdxArray.describe(dims, type);
    }

    /**
     * Reads the data the header declares, allocating exactly that once {@link #FIRST_CHUNK} of it
     * has arrived, and fails if the stream ends early or goes on past it; never inflates more
     * than {@link #TRAILING_MARGIN} extra bytes.
     */
    IdxArray readData() throws IOException {
      try {
        return readChecked();
      } catch (ZipException | EOFException e) {
        throw corrupt(source, in, gzip, e);
      }
    }

    private IdxArray readChecked() throws IOException {
      String note = decompressedNote(gzip);
      long headerBytes = 4 + 4L * dims.length;
      // The header is trusted with memory only once the data shows up: a bit flip in a
      // dimension of a small file may declare a gigabyte, which would be allocated (or run out
      // of memory) only to report the file truncated.
      byte[] data = new byte[Math.min(expected, FIRST_CHUNK)];
      int read = in.readNBytes(data, 0, data.length);
      if (read == data.length && read < expected) {
        data = Arrays.copyOf(data, expected); // checked against the limit in readHeader
        read += in.readNBytes(data, read, expected - read);
      }
      if (read < expected) {
        throw new IdxFormatException(source, headerBytes + read, "truncated",
            "expected " + expected + " bytes of data (" + describe() + ") after the "
                + headerBytes + "-byte header, found " + read + note);
      }
      long trailing = in.readNBytes(TRAILING_MARGIN).length; // stop there: a bomb is endless
      if (trailing > 0) {
        throw new IdxFormatException(source, headerBytes + expected,
            "more data than the header declares", "expected the file to end after " + expected
                + " bytes of data (" + describe() + "), found "
                + (trailing < TRAILING_MARGIN ? trailing : "at least " + trailing)
                + " more bytes" + note);
      }
      return new IdxArray(type, dims, data);
    }
  }

  private static long readUnsignedInt(byte[] b, int at) {
    return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8)
        | (b[at + 3] & 0xFFL);
  }

  /** What a message adds about byte offsets in a gzip file. */
  static String decompressedNote(boolean gzip) {
    return gzip ? " (gzip file: byte offsets count the decompressed data)" : "";
  }
}
