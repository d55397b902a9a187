package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * FLOAT32 sums down a long axis that is not the last (a batch's bias gradient, statistics over
 * the samples) are the exact sum rounded to float, as sums along the last axis are and as
 * PyTorch gives: summed in float, 1e6 values 0.1f came to 100958 and a bias gradient to
 * 0.33009 instead of 1/3. The pom runs this class twice: with the CPU's native helper and
 * without it (the pure-Java loops).
 */
class LongColumnReductionTest {
  private static final int ROWS = 1_000_000;

  private static Tensor filled(float value, int... shape) {
    int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] v = new float[n];
    Arrays.fill(v, value);
    return Tensor.of(v, shape);
  }

  /** Within one float rounding (half an ulp, plus one for the double sum's own error) of exact. */
  private static void assertRoundedOnce(double exact, double got, String what) {
    assertEquals(exact, got, Math.ulp((float) exact), what);
  }

  @Test
  void aSumDownALongColumnIsTheExactSumRoundedOnce() {
    double exact = ROWS * (double) 0.1f;
    float[] sums = filled(0.1f, ROWS, 3).sum(0, false).toFloatArray();
    for (int j = 0; j < sums.length; j++) {
      assertRoundedOnce(exact, sums[j], "column " + j + " of [1e6, 3] 0.1f");
    }
    // the middle axis of [outer, axis, inner]: each outer index its own column sums
    float[] middle = filled(0.1f, 4, ROWS / 4, 3).sum(1, false).toFloatArray();
    for (int j = 0; j < middle.length; j++) {
      assertRoundedOnce(exact / 4, middle[j], "entry " + j + " of [4, 250000, 3].sum(1)");
    }
  }

  @Test
  void theBiasGradientOfALargeBatchIsExact() {
    Tensor b = Tensor.zeros(3).requiresGrad(true);
    filled(0.1f, ROWS, 3).add(b).mean().backward();
    // each of the 1e6 gradient entries of a column is 1 / 3e6 in float
    double exact = ROWS * (double) (float) (1.0 / (3.0 * ROWS));
    float[] g = b.grad().toFloatArray();
    for (int j = 0; j < g.length; j++) {
      assertRoundedOnce(exact, g[j], "bias gradient " + j);
    }
  }

  @Test
  void meanAndVarianceAlongTheSamplesMatchADoubleReference() {
    Random rnd = new Random(11);
    float[] v = new float[ROWS * 2];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (5 + rnd.nextGaussian());
    }
    Tensor x = Tensor.of(v, ROWS, 2);
    float[] mean = x.mean(0, false).toFloatArray();
    float[] var = x.var(0, false).toFloatArray();
    float[] std = x.std(0, false).toFloatArray();
    for (int j = 0; j < 2; j++) {
      double m = 0;
      for (int i = 0; i < ROWS; i++) {
        m += v[i * 2 + j];
      }
      m /= ROWS;
      double ss = 0;
      for (int i = 0; i < ROWS; i++) {
        double d = v[i * 2 + j] - m;
        ss += d * d;
      }
      double wantVar = ss / (ROWS - 1);
      // the sum, then the division: two roundings
      assertEquals(m, mean[j], 2 * Math.ulp((float) m), "mean of column " + j);
      // x - mean and its square are rounded per element, in float; those errors average out
      assertEquals(wantVar, var[j], 1e-6 * wantVar, "variance of column " + j);
      assertEquals(Math.sqrt(wantVar), std[j], 1e-6 * Math.sqrt(wantVar), "std of column " + j);
    }
  }
}
