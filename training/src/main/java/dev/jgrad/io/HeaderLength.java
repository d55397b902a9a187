package dev.jgrad.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The header length a safetensors file's JSON itself gives, found without its 8-byte prefix: the
 * end of the object that starts at byte 8, and the spaces after it up to a multiple of 8, as the
 * reference writer (and jgrad) pads. The checksums do not cover the prefix, so a damaged one is
 * found this way when a read fails: if the file reads whole with this length instead, the prefix
 * is the damage (see {@link SafeTensors}).
 */
final class HeaderLength {
  private static final int CHUNK_BYTES = 1 << 16;

  private HeaderLength() {}

  /**
   * The header length the JSON at byte 8 of {@code channel} gives, or -1 where no object ends
   * within {@code limit} bytes of it or the file. Bytes are scanned, not decoded: in UTF-8 no byte
   * of a multi-byte character equals a quote, a backslash or a bracket.
   */
  static long ofJson(FileChannel channel, long fileSize, long limit) throws IOException {
    long available = Math.min(fileSize - 8, limit);
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.max(1, Math.min(CHUNK_BYTES, available)));
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    long end = -1;
    for (long at = 0; at < available && end < 0; ) {
      chunk.clear().limit((int) Math.min(chunk.capacity(), available - at));
      if (channel.read(chunk, 8 + at) <= 0) {
        return -1;
      }
      chunk.flip();
      while (chunk.hasRemaining() && end < 0) {
        byte b = chunk.get();
        if (at == 0 && b != '{') {
          return -1; // not a JSON object: nothing to measure
        }
        if (inString) {
          inString = escaped || b != '"';
          escaped = !escaped && b == '\\';
        } else if (b == '"') {
          inString = true;
        } else if (b == '{' || b == '[') {
          depth++;
        } else if ((b == '}' || b == ']') && --depth == 0) {
          end = at + 1;
        }
        at++;
      }
    }
    return end < 0 ? -1 : padded(channel, end, available);
  }

  /** {@code end} padded to a multiple of 8 where spaces fill the padding; else {@code end}. */
  private static long padded(FileChannel channel, long end, long available) throws IOException {
    long padded = (end + 7) / 8 * 8;
    if (padded == end || padded > available) {
      return end;
    }
    ByteBuffer spaces = ByteBuffer.allocate((int) (padded - end));
    while (spaces.hasRemaining()) {
      if (channel.read(spaces, 8 + end + spaces.position()) < 0) {
        return end;
      }
    }
    for (byte b : spaces.array()) {
      if (b != ' ') {
        return end;
      }
    }
    return padded;
  }
}
