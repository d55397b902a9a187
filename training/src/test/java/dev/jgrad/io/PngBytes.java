package dev.jgrad.io;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * PNG files of any colour type and bit depth written byte by byte, so that a test knows every
 * sample the file holds (ImageIO's writer picks its own types for some images).
 */
final class PngBytes {
  static final int GREY = 0;
  static final int RGB = 2;
  static final int PALETTE = 3;
  static final int GREY_ALPHA = 4;
  static final int RGBA = 6;

  private PngBytes() {}

  /**
   * A PNG of {@code width x height} pixels whose samples, row-major and pixel by pixel (each
   * pixel's channels together), are {@code samples}.
   *
   * @param palette PLTE's r, g, b triples, or null
   * @param transparency tRNS's bytes, or null
   */
  static byte[] png(int width, int height, int bitDepth, int colourType, int[] samples,
      byte[] palette, byte[] transparency) throws IOException {
    int channels = switch (colourType) {
      case GREY, PALETTE -> 1;
      case GREY_ALPHA -> 2;
      case RGB -> 3;
      case RGBA -> 4;
      default -> throw new IllegalArgumentException("colour type " + colourType);
    };
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    int perRow = width * channels;
    for (int y = 0; y < height; y++) {
      raw.write(0); // filter: none
      int bits = 0;
      int acc = 0;
      for (int i = 0; i < perRow; i++) {
        int s = samples[y * perRow + i];
        if (bitDepth == 16) {
          raw.write(s >>> 8);
          raw.write(s & 0xFF);
        } else if (bitDepth == 8) {
          raw.write(s);
        } else {
          acc = (acc << bitDepth) | s;
          bits += bitDepth;
          if (bits == 8) {
            raw.write(acc);
            acc = 0;
            bits = 0;
          }
        }
      }
      if (bits > 0) {
        raw.write(acc << (8 - bits));
      }
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(data)) {
      raw.writeTo(z);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(ihdr);
    h.writeInt(width);
    h.writeInt(height);
    h.write(new byte[] {(byte) bitDepth, (byte) colourType, 0, 0, 0});
    chunk(out, "IHDR", ihdr.toByteArray());
    if (palette != null) {
      chunk(out, "PLTE", palette);
    }
    if (transparency != null) {
      chunk(out, "tRNS", transparency);
    }
    chunk(out, "IDAT", data.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data)
      throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(data.length);
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    d.write(name);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }
}
