package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.op.DropoutMask;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dropout.cu} run on the CPU with the CUDA emulator (as {@link KernelEmulationTest}) gives
 * {@link DropoutMask}'s mask bit for bit, in both dtypes, without a GPU: the C source and the
 * Java definition are the same function. (The PTX compiled from it is compared on a GPU, in
 * {@link BackendParityTest}.) Runs where g++ exists.
 */
class DropoutEmulationTest {
  @Test
  void theCudaSourceComputesDropoutMasksMaskBitForBit(@TempDir Path tmp) throws Exception {
    Path exe = TestTools.compileWithEmulator("dropout_mask_main.cpp",
        tmp.resolve("dropout_mask_main"));
    int n = 700;
    for (double p : new double[] {0.0, 0.1, 0.5, 1.0 / 3}) {
      for (long seed : new long[] {0, -7, Long.MAX_VALUE}) {
        long counter = seed == 0 ? 0 : DropoutMask.COUNTER_LIMIT - 12345; // 0 and near 2^53
        double scale = 1.0 / (1.0 - p);
        TestTools.Run r = TestTools.run(List.of(exe.toString(), Integer.toString(n),
            Long.toString(seed), Long.toString(counter), Long.toString(DropoutMask.threshold(p)),
            Double.toString(scale)), Map.of(), null);
        assertEquals(0, r.exit(), r.output());
        float[] f = new float[n];
        double[] d = new double[n];
        DropoutMask.fill(f, n, p, seed, counter);
        DropoutMask.fill(d, n, p, seed, counter);
        String[] lines = r.output().strip().split("\n");
        assertEquals(n, lines.length, r.output());
        for (int i = 0; i < n; i++) {
          String want = String.format("%08x %016x", Float.floatToRawIntBits(f[i]),
              Double.doubleToRawLongBits(d[i]));
          assertEquals(want, lines[i].strip(), "p=" + p + " seed=" + seed + " element " + i);
        }
      }
    }
  }
}
