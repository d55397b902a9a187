package dev.jgrad.nn;

import static dev.jgrad.autograd.SmallHeapProbe.report;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.BackendOutOfMemoryException;
import dev.jgrad.api.DType;
import dev.jgrad.autograd.SmallHeapProbe;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.IdxArray;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Values drawn, converted or read on the host for a tensor (random tensors, a layer's initial
 * weights, a loaded IDX array) fail as a backend's buffer does when the heap has no room: a
 * {@link BackendOutOfMemoryException} naming what was drawn, not a raw OutOfMemoryError.
 */
class HostArraysOutOfMemoryTest {
  /** Run in a JVM with a 64 MiB heap: each line what one call gave. */
  public static final class Probe {
    public static void main(String[] args) {
      report("randn", () -> Tensor.randn(new Random(1), 3000, 3000)); // 69 MiB of doubles
      report("uniform", () -> Tensor.uniform(new Random(1), 0, 1, DType.FLOAT32, 3000, 3000));
      report("linear", () -> new Linear(3000, 3000, new Random(1)));
      report("he", () -> new Linear(3000, 3000, Init.he(), new Random(1)));
      report("conv", () -> new Conv2d(3000, 1000, 3, 1, 0, new Random(1)));
      report("of", () -> Tensor.of(new double[6_000_000], DType.FLOAT32)); // 46 + 23 MiB
      report("idx", () -> IdxArray.ofUnsignedBytes(new byte[9_000_000], 3000, 3000)
          .toDoubleArray());
      report("after", () -> System.out.println("sum " + Tensor.ones(10).sum().item()));
    }

  }

  @Test
  void drawsTooLargeForTheHeapAreABackendErrorNamingWhatWasDrawn() throws Exception {
    String output = SmallHeapProbe.run(Probe.class);
    String oom = ": " + BackendOutOfMemoryException.class.getName() + ": out of memory ";
    expect(output, "randn" + oom + "in Tensor.randn of shape [3000, 3000] allocating "
        + "FLOAT64[9000000] (68.7 MiB): the Java heap holds at most ");
    expect(output, "uniform" + oom + "in Tensor.uniform of shape [3000, 3000] allocating ");
    expect(output, "linear" + oom + "in the kaimingUniform draws of shape [3000, 3000] "
        + "allocating FLOAT64[9000000] (68.7 MiB)");
    expect(output, "he" + oom + "in the he weights of a 3000 x 3000 layer allocating ");
    expect(output, "conv" + oom + "in Conv2d's draws of shape [1000, 3000, 3, 3] allocating ");
    expect(output, "of" + oom + "converting [6000000] to FLOAT32 allocating FLOAT32[6000000]");
    expect(output, "idx" + oom + "in toDoubleArray() of 3000x3000 ");
    assertTrue(output.contains("sum 10.0"), output);
    assertFalse(output.contains("OutOfMemoryError"), output);
  }

  private static void expect(String output, String prefix) {
    assertTrue(output.lines().anyMatch(l -> l.startsWith(prefix)), prefix + "\n" + output);
    String line = output.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
    assertTrue(line.contains("-Xmx"), line);
  }
}
