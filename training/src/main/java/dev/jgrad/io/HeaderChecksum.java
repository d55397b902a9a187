package dev.jgrad.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.zip.CRC32C;

/**
 * The CRC32C of a safetensors header as jgrad writes it, the last value of
 * {@link SafeTensors#CHECKSUM_KEY}: computed over the header's bytes (bytes 8 on, its padding
 * included) with that key's whole value held as the zeros it is first written as, so the writer
 * computes it before the data's checksums are known and a reader recomputes it by zeroing the
 * value again. One place, for both.
 */
final class HeaderChecksum {
  /** The key and the opening quote of its string value, as jgrad writes them (no whitespace). */
  private static final byte[] ENTRY =
      (JsonWriter.quote(SafeTensors.CHECKSUM_KEY) + ":\"").getBytes(UTF_8);

  private HeaderChecksum() {}

  /**
   * Where in {@code header} the checksums' value begins (after its opening quote), or -1. A match
   * counts only after '{' or ',': in valid JSON those are never inside a string, so the quote
   * that follows opens a key, while a key such as {@code a"jgrad.crc32c} holds the same bytes
   * after its escaping backslash. In a header the reader has validated, or one jgrad writes, the
   * only such key with a string value is the metadata's (tensor entries are objects of arrays).
   */
  static int valueAt(byte[] header) {
    for (int at = 1; at + ENTRY.length <= header.length; at++) {
      if ((header[at - 1] == '{' || header[at - 1] == ',') && startsWith(header, at)) {
        return at + ENTRY.length;
      }
    }
    return -1;
  }

  /**
   * The CRC32C of {@code header} with each hex digit of the checksums' value read as '0'. A
   * header whose value is not where jgrad writes it (whitespace around the colon, escapes) is
   * taken as it is: it was not written so, and its checksum will not match.
   */
  static long of(byte[] header) {
    byte[] zeroed = header.clone();
    int at = valueAt(zeroed);
    for (int i = at; i >= 0 && i < zeroed.length && zeroed[i] != '"'; i++) {
      if ((zeroed[i] >= '0' && zeroed[i] <= '9') || (zeroed[i] >= 'a' && zeroed[i] <= 'f')) {
        zeroed[i] = '0';
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(zeroed);
    return crc.getValue();
  }

  private static boolean startsWith(byte[] header, int at) {
    for (int i = 0; i < ENTRY.length; i++) {
      if (header[at + i] != ENTRY[i]) {
        return false;
      }
    }
    return true;
  }
}
