package dev.jgrad.io;

/**
 * Element types of the IDX format (third byte of the magic number). All are stored big-endian.
 */
public enum IdxType {
  /** Unsigned byte, 0 to 255 (MNIST's pixels and labels). */
  UBYTE(0x08, 1, "ubyte"),
  /** Signed byte. */
  BYTE(0x09, 1, "byte"),
  /** Signed 16-bit integer. */
  SHORT(0x0B, 2, "short"),
  /** Signed 32-bit integer. */
  INT(0x0C, 4, "int"),
  /** 32-bit IEEE float. */
  FLOAT(0x0D, 4, "float"),
  /** 64-bit IEEE double. */
  DOUBLE(0x0E, 8, "double");

  private final int code;
  private final int byteSize;
  private final String label;

  IdxType(int code, int byteSize, String label) {
    this.code = code;
    this.byteSize = byteSize;
    this.label = label;
  }

  /** The type code in the magic number, e.g. 0x08 for unsigned bytes. */
  public int code() {
    return code;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** True for ubyte, byte, short and int, the types {@link IdxArray#toIntArray} reads. */
  public boolean isIntegral() {
    return this != FLOAT && this != DOUBLE;
  }

  /** The type with magic-number code {@code code}, or null if the IDX format defines none. */
  static IdxType fromCode(int code) {
    for (IdxType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }

  /** The list of known codes, for error messages: "0x08 ubyte, 0x09 byte, ...". */
  static String knownCodes() {
    StringBuilder sb = new StringBuilder();
    for (IdxType t : values()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(String.format("0x%02X %s", t.code, t.label));
    }
    return sb.toString();
  }

  /** The name the IDX documentation uses: ubyte, byte, short, int, float, double. */
  @Override
  public String toString() {
    return label;
  }
}
