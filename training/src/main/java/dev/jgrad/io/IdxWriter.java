package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes IDX files (the MNIST format), gzip-compressed by default, atomically: a crash or error
 * during the write leaves any previous file intact. The gzip header carries no timestamp, so the
 * same array always gives the same bytes.
 *
 * <pre>{@code
 * IdxArray labels = IdxArray.ofUnsignedBytes(new byte[] {5, 0, 4, 1}, 4);
 * IdxWriter.write(Path.of("data/train-labels-idx1-ubyte.gz"), labels);
 * IdxReader.read(Path.of("data/train-labels-idx1-ubyte.gz")).equals(labels);   // true
 * }</pre>
 */
public final class IdxWriter {
  private IdxWriter() {}

  /** Writes {@code array} gzip-compressed to {@code file}, atomically. */
  public static void write(Path file, IdxArray array) throws IOException {
    checkNotNull(file, "file is null; pass the path to write, e.g. data/labels-idx1-ubyte.gz");
    checkNotNull(array, "array is null; pass the IdxArray to write");
    AtomicFiles.write(file, out -> {
      // GZIPOutputStream writes MTIME = 0: deterministic output.
      GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16);
      writeTo(gzip, array);
      gzip.finish();
    });
  }

  /** Writes {@code array} uncompressed to {@code file}, atomically. */
  public static void writeUncompressed(Path file, IdxArray array) throws IOException {
    checkNotNull(file, "file is null; pass the path to write, e.g. data/labels-idx1-ubyte");
    checkNotNull(array, "array is null; pass the IdxArray to write");
    AtomicFiles.write(file, out -> writeTo(out, array));
  }

  /** The uncompressed IDX bytes of {@code array}: magic number, dimensions, data. */
  public static byte[] toBytes(IdxArray array) {
    checkNotNull(array, "array is null; pass the IdxArray to encode");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      writeTo(bytes, array);
    } catch (IOException e) {
      throw new AssertionError("ByteArrayOutputStream does not throw", e);
    }
    return bytes.toByteArray();
  }

  /** Writes the uncompressed IDX bytes of {@code array} to {@code out}; does not close it. */
  public static void writeTo(OutputStream out, IdxArray array) throws IOException {
    checkNotNull(out, "output stream is null");
    checkNotNull(array, "array is null; pass the IdxArray to encode");
    DataOutputStream data = new DataOutputStream(out); // big-endian, as IDX wants
    data.writeShort(0);
    data.writeByte(array.type().code());
    data.writeByte(array.rank());
    for (int d : array.dims()) {
      data.writeInt(d);
    }
    data.flush();
    ByteBuffer body = array.bigEndianView();
    Channels.newChannel(out).write(body);
  }
}
