package dev.jgrad.io;

/**
 * 16-bit floats (IEEE binary16, "F16", and bfloat16, "BF16") widened to {@code float}, exactly:
 * every value of both is a float. Java 17 has no {@code Float.float16ToFloat} (Java 20).
 */
final class HalfFloats {
  private HalfFloats() {}

  /** IEEE binary16: 1 sign, 5 exponent (bias 15), 10 fraction bits. */
  static float f16ToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int fraction = bits & 0x3ff;
    if (exponent == 0x1f) { // infinity, or NaN with its payload kept
      return Float.intBitsToFloat(sign | 0x7f800000 | (fraction << 13));
    }
    if (exponent == 0) { // zero or subnormal: fraction * 2^-24, exact in a float
      float magnitude = fraction * 0x1p-24f;
      return sign != 0 ? -magnitude : magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (fraction << 13));
  }

  /** bfloat16: a float's upper 16 bits. */
  static float bf16ToFloat(short half) {
    return Float.intBitsToFloat((half & 0xffff) << 16);
  }
}
