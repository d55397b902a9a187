import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.autograd.ops.ConvOps;
import java.util.Arrays;
import java.util.Random;

/**
 * Times conv2d and its two gradients on the layers of the book's CNNs (batch 100, FLOAT32, the
 * backend chosen as usual): DeepConvNet's six 3x3 convolutions and SimpleConvNet's 5x5 one. Each
 * op is timed on its own call by call after a warm-up pass over all layers; prints the median
 * per op with GFLOP/s (2 flops a multiply-add). Each call's outputs are freed by a scope, as a
 * training step's are, so later calls reuse their arrays (without it every output was a fresh,
 * zeroed array: 5-90% more time, most on the one-channel layers). Run by bench/conv/run.sh.
 *
 *   java -cp CLASSES:jgrad-mnist.jar ConvLayers [REPS]
 */
public final class ConvLayers {
  /** in channels, filters, input height (= width), window, padding. */
  private static final int[][] LAYERS = {{1, 16, 28, 3, 1}, {16, 16, 28, 3, 1},
      {16, 32, 14, 3, 1}, {32, 32, 14, 3, 2}, {32, 64, 8, 3, 1}, {64, 64, 8, 3, 1},
      {1, 30, 28, 5, 0}};
  private static final String[] OPS = {"forward", "input grad", "weight grad"};

  public static void main(String[] args) {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int n = 100;
    Random r = new Random(1);
    for (int pass = 0; pass < 2; pass++) {
      for (int[] l : LAYERS) {
        int c = l[0];
        int f = l[1];
        int h = l[2];
        int k = l[3];
        int p = l[4];
        int oh = h + 2 * p - k + 1;
        Tensor x = Tensor.randn(r, n, c, h, h);
        Tensor w = Tensor.randn(r, f, c, k, k);
        Tensor g = Tensor.randn(r, n, f, oh, oh);
        int[] one = {1, 1};
        int[] pad = {p, p};
        double[][] us = new double[3][reps];
        for (int i = 0; i < reps; i++) {
          try (TensorScope scope = TensorScope.open()) {
            long t0 = System.nanoTime();
            ConvOps.conv2d(x, w, null, one, pad);
            long t1 = System.nanoTime();
            ConvOps.inputGrad(g, w, one, pad, new int[] {h, h});
            long t2 = System.nanoTime();
            ConvOps.weightGrad(x, g, one, pad, new int[] {k, k});
            long t3 = System.nanoTime();
            us[0][i] = (t1 - t0) / 1e3;
            us[1][i] = (t2 - t1) / 1e3;
            us[2][i] = (t3 - t2) / 1e3;
          }
        }
        if (pass == 0) {
          continue;
        }
        double flops = 2.0 * n * f * c * k * k * oh * oh;
        for (int op = 0; op < 3; op++) {
          Arrays.sort(us[op]);
          double median = us[op][reps / 2];
          System.out.printf("LAYER %dx%dx%d->%d k%d p%d | %s | %.0f us | %.1f GFLOP/s%n", c, h, h,
              f, k, p, OPS[op], median, flops / median / 1e3);
        }
      }
    }
  }
}
