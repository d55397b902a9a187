package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native 2x2, stride-2 max pooling ({@link NativeCpu#maxPool2x2}) and its gradient bit for
 * bit against the Java loop ({@link PatchLoops#maxPoolPlane}), the gradient both from x and
 * from the winners the pooling kept (then with x all NaN), in each build with the kernel
 * (a build this CPU lacks is reported skipped): planes 1x1 to 41x41 (every width of partial
 * vectors, odd rows and columns outside every window), values with ties, -0 beside +0, NaN,
 * infinities, at offsets into larger arrays.
 */
@ExtendWith(NativeKernelVariants.class)
class NativeMaxPoolTest {
  private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY, 1f, -1f};

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2"})
  void poolingAndItsGradientAreTheJavaLoopsBitForBit(String variant) {
    NativeKernelVariants.use(variant);
    assertTrue(NativeCpu.hasMaxPool2x2(), variant);
    Random r = new Random(29);
    for (int trial = 0; trial < 300; trial++) {
      int h = 1 + r.nextInt(trial % 3 == 0 ? 41 : 12);
      int w = 1 + r.nextInt(trial % 3 == 1 ? 41 : 12);
      int planes = 1 + r.nextInt(3);
      int oh = h / 2;
      int ow = w / 2;
      int xOff = r.nextInt(4);
      int gOff = r.nextInt(4);
      int tOff = r.nextInt(4);
      float[] x = values(r, xOff + planes * h * w, trial % 4);
      float[] gy = values(r, gOff + planes * oh * ow, 0);
      String what = variant + " planes " + planes + " of " + h + "x" + w;

      float[] out = filled(tOff + planes * oh * ow);
      float[] want = out.clone();
      NativeCpu.check(NativeCpu.maxPool2x2(planes, x, xOff, h, w, null, 0, out, tOff, null, 0),
          what);
      for (int p = 0; p < planes; p++) {
        PatchLoops.maxPoolPlane(x, xOff + p * h * w, h, w, 2, 2, 2, 2, oh, ow, want,
            tOff + p * oh * ow, null, null);
      }
      assertArrayEquals(want, out, "pooled, " + what);
      // again, keeping the winners (a byte per window, from a byte offset)
      int codesOff = r.nextInt(4);
      int[] codes = new int[(codesOff + planes * oh * ow + 3) / 4 + 1];
      float[] outKeeping = filled(out.length);
      NativeCpu.check(NativeCpu.maxPool2x2(planes, x, xOff, h, w, null, 0, outKeeping, tOff,
          codes, codesOff), what);
      assertArrayEquals(want, outKeeping, "pooled keeping the winners, " + what);

      float[] dx = filled(tOff + planes * h * w);
      float[] wantDx = dx.clone(); // both write every entry of the planes, none before them
      NativeCpu.check(NativeCpu.maxPool2x2(planes, x, xOff, h, w, gy, gOff, dx, tOff, null, 0),
          what);
      float[] likeX = new float[x.length]; // the Java loop writes dx at x's offsets
      for (int p = 0; p < planes; p++) {
        PatchLoops.maxPoolPlane(x, xOff + p * h * w, h, w, 2, 2, 2, 2, oh, ow, null,
            gOff + p * oh * ow, gy, likeX);
      }
      System.arraycopy(likeX, xOff, wantDx, tOff, planes * h * w);
      assertArrayEquals(Fixture.bits(wantDx), Fixture.bits(dx), "gradient, " + what);
      // from the winners, with x unreadable: NaN everywhere would win every window
      float[] nans = new float[x.length];
      Arrays.fill(nans, Float.NaN);
      float[] dxFromCodes = filled(dx.length);
      NativeCpu.check(NativeCpu.maxPool2x2(planes, nans, xOff, h, w, gy, gOff, dxFromCodes, tOff,
          codes, codesOff), what);
      assertArrayEquals(Fixture.bits(wantDx), Fixture.bits(dxFromCodes),
          "gradient from the winners, " + what);
    }
  }

  @Test
  void thePlainX8664BuildHasNoKernelSoPoolingStaysInJava() {
    NativeKernelVariants.use("x86-64");
    assertFalse(NativeCpu.hasMaxPool2x2());
    assertEquals(1, NativeCpu.maxPool2x2(1, new float[4], 0, 2, 2, null, 0, new float[1], 0,
        null, 0), "NOT_BOUND");
  }

  /**
   * Random values; mode 1 draws from a few integers (ties in most windows), mode 2 mixes in
   * specials (NaN, infinities, -0), mode 3 both.
   */
  private static float[] values(Random r, int size, int mode) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = (mode & 2) != 0 && r.nextInt(6) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)]
          : (mode & 1) != 0 ? r.nextInt(3) - 1 : (float) r.nextGaussian();
    }
    return a;
  }

  /** Entries before the offset hold a sentinel that must survive. */
  private static float[] filled(int size) {
    float[] a = new float[size];
    Arrays.fill(a, 7.5f);
    return a;
  }
}
