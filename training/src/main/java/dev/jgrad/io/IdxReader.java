package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.io.CountingInputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * are both errors). Problems raise an {@link IdxFormatException} naming the file, the byte offset
 * and what was wrong.
 *
 * <pre>{@code
 * IdxArray labels = IdxReader.read(Path.of("data/mnist/train-labels-idx1-ubyte.gz"));
 * int[] y = labels.toIntArray();   // 60000 labels, 0..9
 * }</pre>
 */
public final class IdxReader {
  private static final int GZIP_MAGIC_0 = 0x1F;
  private static final int GZIP_MAGIC_1 = 0x8B;

  private IdxReader() {}

  /** Reads an IDX file, raw or gzip-compressed. */
  public static IdxArray read(Path file) throws IOException {
    checkNotNull(file, "file is null; pass the path of an IDX file");
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  /**
   * Reads an IDX array from {@code in} up to its end, raw or gzip-compressed; does not close it.
   *
   * @param source the name to use in error messages, e.g. the resource path
   */
  public static IdxArray read(InputStream in, String source) throws IOException {
    checkNotNull(in, "input stream is null; pass an open stream of an IDX file");
    checkNotNull(source, "source is null; pass a name for error messages, e.g. the file name");
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    boolean gzip = startsWithGzipMagic(buffered);
    CountingInputStream counted =
        new CountingInputStream(gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered);
    try {
      return readIdx(counted, source, gzip);
    } catch (ZipException | EOFException e) {
      throw new IdxFormatException(source, counted.getCount(), "corrupt gzip data",
          e.getMessage() + "; the download may be incomplete: fetch the file again"
              + decompressedNote(gzip));
    }
  }

  private static boolean startsWithGzipMagic(BufferedInputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1;
  }

  private static IdxArray readIdx(CountingInputStream in, String source, boolean gzip)
      throws IOException {
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

    long headerBytes = 4 + 4L * rank;
    int expected = (int) elements * type.byteSize();
    String what = IdxArray.describe(dims, type);
    // readNBytes grows its buffer as data arrives, so a lying header cannot force a huge
    // allocation before the truncation is found.
    byte[] data = in.readNBytes(expected);
    if (data.length < expected) {
      throw new IdxFormatException(source, headerBytes + data.length, "truncated",
          "expected " + expected + " bytes of data (" + what + ") after the " + headerBytes
              + "-byte header, found " + data.length + note);
    }
    long trailing = in.transferTo(OutputStream.nullOutputStream());
    if (trailing > 0) {
      throw new IdxFormatException(source, headerBytes + expected, "trailing garbage",
          "expected the file to end after " + expected + " bytes of data (" + what + "), found "
              + trailing + " more bytes" + note);
    }
    return new IdxArray(type, dims, data);
  }

  private static long readUnsignedInt(byte[] b, int at) {
    return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8)
        | (b[at + 3] & 0xFFL);
  }

  private static String decompressedNote(boolean gzip) {
    return gzip ? " (gzip file: byte offsets count the decompressed data)" : "";
  }
}
