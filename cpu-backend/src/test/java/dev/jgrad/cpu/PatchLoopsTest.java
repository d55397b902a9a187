package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The plain-Java product the convolution kernels use without the native helper. */
class PatchLoopsTest {
  @Test
  void javaGemmEqualsDirectSumsWithEveryTransposeAndOffset() {
    Random r = new Random(1);
    int m = 3;
    int n = 4;
    int k = 5;
    double[] a = new double[2 + m * k];
    double[] b = new double[1 + k * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = r.nextGaussian();
    }
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        double[] c = new double[3 + m * n];
        PatchLoops.javaGemm(ta, tb, m, n, k, a, 2, ta ? m : k, b, 1, tb ? k : n, c, 3, n);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int p = 0; p < k; p++) {
              sum += a[2 + (ta ? p * m + i : i * k + p)] * b[1 + (tb ? j * k + p : p * n + j)];
            }
            assertEquals(sum, c[3 + i * n + j], 1e-12, "transA " + ta + " transB " + tb);
          }
        }
      }
    }
  }
}
