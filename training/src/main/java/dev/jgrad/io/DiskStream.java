package dev.jgrad.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The stream to a temporary file, marking its failures (a full disk, a file size limit) as the
 * disk's, so that {@link AtomicFiles} can name the file the caller asked for: the JDK's "No space
 * left on device" names none.
 */
final class DiskStream extends FilterOutputStream {
  /** A write to the disk failed; {@link #disk()} is the JDK's exception. */
  static final class Failed extends IOException {
    private static final long serialVersionUID = 1L;

    Failed(IOException disk) {
      super(disk.getMessage(), disk);
    }

    IOException disk() {
      return (IOException) getCause();
    }
  }

  DiskStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    try {
      out.write(b);
    } catch (IOException e) {
      throw new Failed(e);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw new Failed(e);
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      out.flush();
    } catch (IOException e) {
      throw new Failed(e);
    }
  }
}
