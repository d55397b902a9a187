package dev.jgrad.api;

/**
 * Element types a tensor can hold. FLOAT32 and FLOAT64 hold data and take part in arithmetic;
 * INT32 holds indices (class labels, row numbers, argmax results) and is only moved, gathered,
 * converted and read as an index, so no index is ever rounded to a float. There is no INT64:
 * shapes and Java arrays are int-indexed, so INT32 covers every index a tensor can have. UINT8
 * holds stored data such as image pixels (0..255) in a quarter of FLOAT32's memory: it is only
 * moved, gathered and converted (a batch of pixels becomes FLOAT32 after its gather).
 */
public enum DType {
  /** 32-bit IEEE float, the default for data and parameters. */
  FLOAT32(4, true),
  /** 64-bit IEEE double, for gradient checks and where float32's 7 digits are not enough. */
  FLOAT64(8, true),
  /** 32-bit signed integer, for indices only (no arithmetic). */
  INT32(4, false),
  /** 8-bit unsigned integer (0..255), for stored data only (no arithmetic, not an index). */
  UINT8(1, false);

  private final int byteSize;
  private final boolean floatingPoint;

  DType(int byteSize, boolean floatingPoint) {
    this.byteSize = byteSize;
    this.floatingPoint = floatingPoint;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** True for the dtypes arithmetic works on (FLOAT32, FLOAT64); false for INT32 and UINT8. */
  public boolean isFloatingPoint() {
    return floatingPoint;
  }
}
