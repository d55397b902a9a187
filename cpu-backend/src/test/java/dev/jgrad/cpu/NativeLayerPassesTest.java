package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.UnaryOp;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The small native passes of a training step (elementwise_kernels.c: bias plus ReLU, ReLU's
 * gradient, sums down and along the rows, the SGD and Adam updates) and the batch gather bit for
 * bit against the Java loops they stand in for, in each build (a build this CPU lacks is reported
 * skipped): shapes across vector widths, -0 beside +0, NaN, infinities, subnormals; every entry
 * outside the range asked for left alone. Every NaN counts as one value: which of two NaN
 * operands an addition passes on (inf + -inf makes a NaN of either sign) is the compiler's
 * choice in Java's JIT and in GCC alike.
 */
@ExtendWith(NativeKernelVariants.class)
class NativeLayerPassesTest {
  private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, 1f, -1f};
  private static final FloatKernels JAVA = FloatKernels.INSTANCE;

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void biasPlusReluIsTheJavaLoopBitForBit(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(41);
    for (int trial = 0; trial < 200; trial++) {
      int rows = 1 + r.nextInt(5);
      int cols = 1 + r.nextInt(trial % 2 == 0 ? 70 : 1100);
      float[] x = values(r, rows * cols);
      float[] bias = values(r, cols);
      for (boolean relu : new boolean[] {true, false}) {
        float[] want = new float[rows * cols];
        JAVA.biasActivation(x, bias, relu ? UnaryOp.RELU : null, want, rows, cols);
        float[] got = new float[rows * cols];
        NativeCpu.check(NativeCpu.biasActivation(rows, cols, x, bias, relu, got), variant);
        assertArrayEquals(bits(want), bits(got),
            variant + " " + rows + "x" + cols + " relu " + relu);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void reluGradientIsTheJavaLoopBitForBit(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(43);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(trial % 2 == 0 ? 70 : 3000);
      float[] g = values(r, n);
      float[] x = values(r, n);
      float[] want = new float[n];
      JAVA.reluGrad(g, x, want, n);
      float[] got = new float[n];
      int cut = r.nextInt(n + 1); // two calls, as the cores split it
      NativeCpu.check(NativeCpu.reluGrad(0, cut, g, x, got), variant);
      NativeCpu.check(NativeCpu.reluGrad(cut, n, g, x, got), variant);
      assertArrayEquals(bits(want), bits(got), variant + " n " + n + " cut " + cut);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void columnSumsAreTheJavaReductionBitForBit(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(47);
    for (int trial = 0; trial < 200; trial++) {
      int outer = 1 + r.nextInt(3);
      int rows = 1 + r.nextInt(120);
      int cols = 2 + r.nextInt(trial % 2 == 0 ? 40 : 1100);
      float[] x = trial % 3 == 0 ? values(r, outer * rows * cols)
          : Fixture.gaussian(r, outer * rows * cols);
      int o = r.nextInt(outer);
      int from = r.nextInt(cols);
      int to = from + 1 + r.nextInt(cols - from);
      float[] want = filled(outer * cols);
      FloatReductions.reduce(ReduceOp.SUM, x, o, rows, cols, from, to, want);
      float[] got = filled(outer * cols);
      NativeCpu.check(NativeCpu.columnSums(rows, cols, x, o * rows * cols, from, to, got,
          o * cols), variant);
      assertArrayEquals(bits(want), bits(got),
          variant + " " + rows + "x" + cols + " columns " + from + ".." + to);
    }
  }

  /** Summed in float, 1e6 values 0.1f came to 100958: the native and Java sums add in double. */
  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void columnSumsOfALongColumnAreTheExactSumRoundedOnce(String variant) {
    NativeKernelVariants.use(variant);
    int rows = 1_000_000;
    int cols = 3;
    float[] x = new float[rows * cols];
    Arrays.fill(x, 0.1f);
    double exact = rows * (double) 0.1f;
    float[] got = new float[cols];
    NativeCpu.check(NativeCpu.columnSums(rows, cols, x, 0, 0, cols, got, 0), variant);
    float[] java = new float[cols];
    FloatReductions.reduce(ReduceOp.SUM, x, 0, rows, cols, 0, cols, java);
    for (int j = 0; j < cols; j++) {
      assertEquals(exact, got[j], Math.ulp((float) exact), variant + " column " + j);
      assertEquals(exact, java[j], Math.ulp((float) exact), "Java column " + j);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void rowSumsAreTheJavaReductionBitForBit(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(59);
    for (int trial = 0; trial < 200; trial++) {
      int rows = 1 + r.nextInt(trial % 2 == 0 ? 20 : 70); // past and short of 8-row blocks
      int len = r.nextInt(trial % 3 == 0 ? 13 : 900); // 0 and tails of 1 to 3 entries too
      float[] x = trial % 3 == 0 ? values(r, rows * len) : Fixture.gaussian(r, rows * len);
      int first = r.nextInt(rows);
      int count = 1 + r.nextInt(rows - first);
      float[] want = filled(rows);
      for (int o = first; o < first + count; o++) {
        FloatReductions.reduce(ReduceOp.SUM, x, o, len, 1, 0, 1, want);
      }
      float[] got = filled(rows);
      NativeCpu.check(NativeCpu.rowSums(count, len, x, first * len, got, first), variant);
      assertArrayEquals(bits(want), bits(got),
          variant + " " + rows + "x" + len + " rows " + first + ".." + (first + count));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void sgdUpdateIsTheJavaLoopBitForBit(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(53);
    for (int trial = 0; trial < 200; trial++) {
      Update u = Update.draw(r, trial);
      float[] v = Fixture.gaussian(r, u.n());
      double lr = 0.01 + r.nextDouble();
      double momentum = trial % 4 == 0 ? 0 : r.nextDouble() * 0.99;
      double weightDecay = trial % 2 == 0 ? 0 : r.nextDouble() * 1e-2;
      boolean withVelocity = momentum != 0;
      float[] wantP = u.p().clone();
      float[] wantV = v.clone();
      JAVA.sgdUpdate(wantP, u.g(), withVelocity ? wantV : null, lr, momentum, weightDecay,
          u.from(), u.to());
      float[] gotP = u.p().clone();
      float[] gotV = v.clone();
      NativeCpu.check(NativeCpu.sgdUpdate(u.from(), u.to(), gotP, u.g(),
          withVelocity ? gotV : null, (float) lr, (float) momentum, (float) weightDecay), variant);
      String what = variant + " " + u + " momentum " + momentum + " decay " + weightDecay;
      assertArrayEquals(bits(wantP), bits(gotP), "parameters, " + what);
      assertArrayEquals(bits(wantV), bits(gotV), "velocity, " + what);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void adamUpdateIsTheJavaLoopBitForBit(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(59);
    for (int trial = 0; trial < 200; trial++) {
      Update u = Update.draw(r, trial);
      float[] m = Fixture.gaussian(r, u.n());
      float[] v = new float[u.n()];
      for (int i = 0; i < u.n(); i++) { // second moments: never negative, some zero
        v[i] = r.nextInt(4) == 0 ? 0f : (float) Math.abs(r.nextGaussian());
      }
      double beta1 = 0.5 + r.nextDouble() * 0.49;
      double beta2 = 0.9 + r.nextDouble() * 0.0999;
      double eps = trial % 2 == 0 ? 1e-8 : 1e-3;
      double lrT = 1e-4 + r.nextDouble() * 1e-2;
      float[] want = u.p().clone();
      float[] wantM = m.clone();
      float[] wantV = v.clone();
      JAVA.adamUpdate(want, u.g(), wantM, wantV, beta1, beta2, eps, lrT, u.from(), u.to());
      float[] got = u.p().clone();
      float[] gotM = m.clone();
      float[] gotV = v.clone();
      NativeCpu.check(NativeCpu.adamUpdate(u.from(), u.to(), got, u.g(), gotM, gotV,
          (float) (1 - beta1), (float) (1 - beta2), (float) eps, (float) (-lrT)), variant);
      String what = variant + " " + u;
      assertArrayEquals(bits(want), bits(got), "parameters, " + what);
      assertArrayEquals(bits(wantM), bits(gotM), "first moments, " + what);
      assertArrayEquals(bits(wantV), bits(gotV), "second moments, " + what);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void gatheredRowsAreTheRowsAsked(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(61);
    for (int trial = 0; trial < 200; trial++) {
      int outer = 1 + r.nextInt(3);
      int axis = 1 + r.nextInt(60);
      int inner = 1 + r.nextInt(trial % 2 == 0 ? 40 : 1000);
      int[] idx = new int[1 + r.nextInt(30)];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = r.nextInt(axis); // repeats too
      }
      float[] src = values(r, outer * axis * inner);
      float[] want = new float[outer * idx.length * inner];
      for (int o = 0; o < outer; o++) {
        for (int i = 0; i < idx.length; i++) {
          System.arraycopy(src, (o * axis + idx[i]) * inner, want, (o * idx.length + i) * inner,
              inner);
        }
      }
      float[] got = new float[want.length];
      NativeCpu.check(NativeCpu.gatherRows(outer, axis, inner, 4, idx, src, got), variant);
      String what = variant + " " + outer + "x" + axis + "x" + inner + " rows " + idx.length;
      assertArrayEquals(Fixture.bits(want), Fixture.bits(got), what);

      // the same rows as bytes (UINT8 pixels): one byte an element
      byte[] srcBytes = new byte[src.length];
      r.nextBytes(srcBytes);
      byte[] wantBytes = new byte[want.length];
      for (int o = 0; o < outer; o++) {
        for (int i = 0; i < idx.length; i++) {
          System.arraycopy(srcBytes, (o * axis + idx[i]) * inner, wantBytes,
              (o * idx.length + i) * inner, inner);
        }
      }
      byte[] gotBytes = new byte[want.length];
      NativeCpu.check(NativeCpu.gatherRows(outer, axis, inner, 1, idx, srcBytes, gotBytes),
          variant);
      assertArrayEquals(wantBytes, gotBytes, "bytes, " + what);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void divisionByAScalarIsJavasBitForBit(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(71);
    float[] divisors = {255f, 3f, -0.1f, 0f, -0f, Float.MIN_VALUE, Float.NaN,
        Float.POSITIVE_INFINITY, 1e-30f};
    for (float s : divisors) {
      for (int n : new int[] {1, 17, 4096, 9001}) {
        float[] a = values(r, n + 5);
        float[] want = new float[n + 5];
        float[] got = new float[n + 5];
        for (int i = 0; i < n; i++) {
          want[3 + i] = a[2 + i] / s;
        }
        NativeCpu.check(NativeCpu.divScalar(a, 2, s, got, 3, n), variant);
        String what = variant + " n " + n + " / " + s;
        assertArrayEquals(bits(want), bits(got), what);
        float[] inPlace = a.clone(); // out is a, at the same offset
        NativeCpu.check(NativeCpu.divScalar(inPlace, 2, s, inPlace, 2, n), variant);
        for (int i = 0; i < n + 5; i++) {
          float expected = i >= 2 && i < 2 + n ? a[i] / s : a[i];
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(inPlace[i]),
              "in place, " + what + ", element " + i);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void bytesBecomeTheirUnsignedValues(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(67);
    for (int n : new int[] {0, 1, 15, 16, 17, 256, 78_401}) {
      byte[] src = new byte[n];
      r.nextBytes(src);
      float[] want = new float[n];
      for (int i = 0; i < n; i++) {
        want[i] = src[i] & 0xFF;
      }
      float[] got = new float[n + 1];
      got[n] = 42f; // past n: untouched
      NativeCpu.check(NativeCpu.bytesToFloats(src, got, n), variant);
      assertArrayEquals(Fixture.bits(want), Fixture.bits(Arrays.copyOf(got, n)),
          variant + " n " + n);
      assertEquals(42f, got[n], variant + " n " + n + ": wrote past n");
    }
  }

  /**
   * An optimizer update's draw: n entries (up to 70 or 3,000), the range [from, to) it updates,
   * parameters and gradient, one of them with specials in two trials of three.
   */
  private record Update(int n, int from, int to, float[] p, float[] g) {
    static Update draw(Random r, int trial) {
      int n = 1 + r.nextInt(trial % 2 == 0 ? 70 : 3000);
      int from = r.nextInt(n);
      int to = from + 1 + r.nextInt(n - from);
      float[] p = trial % 3 == 0 ? values(r, n) : Fixture.gaussian(r, n);
      float[] g = trial % 3 == 1 ? values(r, n) : Fixture.gaussian(r, n);
      return new Update(n, from, to, p, g);
    }

    @Override
    public String toString() {
      return "n " + n + " [" + from + ", " + to + ")";
    }
  }

  /** Gaussian values with about one in five a special (NaN, infinities, -0, subnormals). */
  private static float[] values(Random r, int size) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = r.nextInt(5) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) r.nextGaussian();
    }
    return a;
  }

  /** The bits of each entry, every NaN as the one canonical NaN; -0 and +0 differ. */
  private static int[] bits(float[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Float.floatToIntBits(a[i]);
    }
    return b;
  }

  /** A sentinel in every entry, which the columns not asked for must keep. */
  private static float[] filled(int size) {
    float[] a = new float[size];
    Arrays.fill(a, 7.5f);
    return a;
  }
}
