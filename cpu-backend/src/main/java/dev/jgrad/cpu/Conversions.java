package dev.jgrad.cpu;

/**
 * Element conversions between the storage arrays of any two dtypes ({@code convert}, and
 * downloads into a host array of another type): Java's casts, so float to int is toward zero,
 * NaN to 0 and saturating, as {@link dev.jgrad.api.Backend#convert} documents; UINT8 bytes are
 * read as unsigned ({@code b & 0xFF}) and written as the low 8 bits of the {@code (int)} cast.
 */
final class Conversions {
  private Conversions() {}

  /** {@code dst[i] = (type of dst) src[i]} for every element of {@code src}. */
  static void convert(Object src, Object dst) {
    if (src.getClass() == dst.getClass()) {
      System.arraycopy(src, 0, dst, 0, java.lang.reflect.Array.getLength(src));
    } else if (src instanceof byte[] s) {
      fromBytes(s, dst);
    } else if (dst instanceof byte[] d) {
      toBytes(src, d);
    } else if (src instanceof float[] s) {
      fromFloats(s, dst);
    } else if (src instanceof double[] s) {
      fromDoubles(s, dst);
    } else {
      fromInts((int[]) src, dst);
    }
  }

  private static void fromFloats(float[] s, Object dst) {
    if (dst instanceof double[] d) {
      for (int i = 0; i < s.length; i++) d[i] = s[i];
    } else {
      int[] d = (int[]) dst;
      for (int i = 0; i < s.length; i++) d[i] = (int) s[i];
    }
  }

  private static void fromDoubles(double[] s, Object dst) {
    if (dst instanceof float[] d) {
      for (int i = 0; i < s.length; i++) d[i] = (float) s[i];
    } else {
      int[] d = (int[]) dst;
      for (int i = 0; i < s.length; i++) d[i] = (int) s[i];
    }
  }

  private static void fromInts(int[] s, Object dst) {
    if (dst instanceof float[] d) {
      for (int i = 0; i < s.length; i++) d[i] = s[i];
    } else {
      double[] d = (double[]) dst;
      for (int i = 0; i < s.length; i++) d[i] = s[i];
    }
  }

  /**
   * Pixels to floats: to FLOAT32 in the native helper where it is loaded (a batch of images
   * every training step; JDK 17 does not vectorize the loop), else in Java.
   */
  private static void fromBytes(byte[] s, Object dst) {
    if (dst instanceof float[] d) {
      if (NativeCpu.available()) {
        NativeCpu.check(NativeCpu.bytesToFloats(s, d, s.length), "convert");
        return;
      }
      for (int i = 0; i < s.length; i++) d[i] = s[i] & 0xFF;
    } else if (dst instanceof double[] d) {
      for (int i = 0; i < s.length; i++) d[i] = s[i] & 0xFF;
    } else {
      int[] d = (int[]) dst;
      for (int i = 0; i < s.length; i++) d[i] = s[i] & 0xFF;
    }
  }

  private static void toBytes(Object src, byte[] d) {
    if (src instanceof float[] s) {
      for (int i = 0; i < s.length; i++) d[i] = (byte) (int) s[i];
    } else if (src instanceof double[] s) {
      for (int i = 0; i < s.length; i++) d[i] = (byte) (int) s[i];
    } else {
      int[] s = (int[]) src;
      for (int i = 0; i < s.length; i++) d[i] = (byte) s[i];
    }
  }
}
