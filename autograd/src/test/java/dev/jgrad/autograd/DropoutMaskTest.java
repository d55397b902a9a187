package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.api.op.DropoutMask;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.ops.DropoutOps;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Dropout's counter-based mask: its generator, its rate, and the CPU kernel against the portable. */
class DropoutMaskTest {
  private static double[] mask(Backend backend, DType dtype, int n, double p, long seed,
      long counter) {
    return DropoutOps.dropoutMask(Tensor.zeros(dtype, n).to(backend), p, seed, counter)
        .toDoubleArray();
  }

  @Test
  void theGeneratorIsSplitmix64AsInSplittableRandom() {
    // key(seed, c) is the (c+1)-th output of splitmix64 from seed; an element's bits the
    // (index+1)-th from the key: checked against the JDK's own splitmix64
    long seed = 0x1234_5678_9ABC_DEF0L;
    SplittableRandom keys = new SplittableRandom(seed);
    for (long counter = 0; counter < 5; counter++) {
      long key = DropoutMask.key(seed, counter);
      assertEquals(keys.nextLong(), key, "key of counter " + counter);
      SplittableRandom bits = new SplittableRandom(key);
      for (long i = 0; i < 100; i++) {
        double u = (bits.nextLong() >>> 11) * 0x1.0p-53;
        assertEquals(u >= 0.3, DropoutMask.kept(key, i, DropoutMask.threshold(0.3)), "element " + i);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void cpuKernelEqualsThePortableKernelBitForBit(DType dtype) {
    assertEquals(List.of("*", "cpu"),
        OpRegistry.global().backendsWithKernel(OpNames.DROPOUT_MASK));
    Backend portable = TestBackends.renamedCpu("portable");
    for (double p : new double[] {0.0, 0.1, 0.5, 0.9}) {
      double[] cpu = mask(Backends.byName("cpu"), dtype, 1001, p, 42, 7);
      assertArrayEquals(mask(portable, dtype, 1001, p, 42, 7), cpu, "p = " + p);
    }
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void keepsAFractionOneMinusPScaledByItsInverse(DType dtype) {
    int n = 100_000;
    double p = 0.3;
    double scale = dtype == DType.FLOAT32 ? (float) (1 / 0.7) : 1 / 0.7;
    double[] m = mask(Backends.byName("cpu"), dtype, n, p, 5, 0);
    int kept = 0;
    for (double v : m) {
      assertTrue(v == 0 || v == scale, "a mask value is neither 0 nor 1/(1-p): " + v);
      kept += v == 0 ? 0 : 1;
    }
    // five standard deviations of the binomial: sqrt(0.3 * 0.7 / n) = 0.00145
    assertEquals(1 - p, kept / (double) n, 5 * Math.sqrt(p * (1 - p) / n));
    double[] none = mask(Backends.byName("cpu"), dtype, 1000, 0.0, 5, 0);
    for (double v : none) {
      assertEquals(1.0, v, "p = 0 keeps everything unscaled");
    }
  }

  @Test
  void sameSeedAndCounterSameMaskOtherwiseAnother() {
    Backend cpu = Backends.byName("cpu");
    double[] a = mask(cpu, DType.FLOAT32, 4096, 0.5, 11, 3);
    assertArrayEquals(a, mask(cpu, DType.FLOAT32, 4096, 0.5, 11, 3));
    // independent masks at p = 0.5 disagree on about half the elements
    for (double[] other : new double[][] {mask(cpu, DType.FLOAT32, 4096, 0.5, 12, 3),
        mask(cpu, DType.FLOAT32, 4096, 0.5, 11, 4)}) {
      int differ = 0;
      for (int i = 0; i < a.length; i++) {
        differ += a[i] != other[i] ? 1 : 0;
      }
      assertEquals(0.5, differ / 4096.0, 0.05);
    }
  }

  @Test
  void theMaskIsAConstantOfTheGraph() {
    Tensor x = Tensor.zeros(DType.FLOAT64, 3, 4).requiresGrad(true);
    assertFalse(DropoutOps.dropoutMask(x, 0.5, 1, 0).requiresGrad());
  }

  @Test
  void aDropProbabilityOutsideZeroToOneIsNamed() {
    for (double p : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> DropoutOps.dropoutMask(Tensor.zeros(DType.FLOAT32, 2), p, 1, 0));
      assertTrue(e.getMessage().contains(OpNames.DROPOUT_MASK)
          && e.getMessage().contains("[0, 1)") && e.getMessage().contains(String.valueOf(p)),
          e.getMessage());
    }
  }

  /**
   * The counter is the op's second input, read when the kernel runs: the tensor form gives the
   * host-counter form's mask, and a counter that is not one FLOAT64 element, or not a whole
   * number in [0, 2^53), is refused naming it.
   */
  @Test
  void theCounterInputGivesTheSameMaskAndIsChecked() {
    Tensor x = Tensor.zeros(DType.FLOAT32, 50);
    Tensor counter = Tensor.of(new double[] {7}, 1);
    assertArrayEquals(DropoutOps.dropoutMask(x, 0.5, 3, 7).toDoubleArray(),
        DropoutOps.dropoutMask(x, 0.5, 3, counter).toDoubleArray());
    IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
        () -> DropoutOps.dropoutMask(x, 0.5, 3, Tensor.of(new float[] {7}, 1)));
    assertEquals("jgrad::dropout_mask: the counter (second input) must be one FLOAT64 element, "
        + "got FLOAT32 [1]", dtype.getMessage());
    IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
        () -> DropoutOps.dropoutMask(x, 0.5, 3, Tensor.of(new double[] {7, 8}, 2)));
    assertEquals("jgrad::dropout_mask: the counter (second input) must be one FLOAT64 element, "
        + "got FLOAT64 [2]", two.getMessage());
    for (double bad : new double[] {2.5, -1, 0x1.0p53, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> DropoutOps.dropoutMask(x, 0.5, 3, Tensor.of(new double[] {bad}, 1))
              .toDoubleArray());
      assertEquals("jgrad::dropout_mask: the counter input must hold a whole number in [0, 2^53),"
          + " got " + bad, e.getMessage());
    }
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> DropoutOps.dropoutMask(x, 0.5, 3, -1L));
    assertEquals("jgrad::dropout_mask: the mask counter must be in [0, 2^53), got -1",
        negative.getMessage());
  }

  /** Inside a graph capture a host counter would be an upload: refused, saying what to do. */
  @Test
  void aHostCounterInsideACaptureIsRefused() {
    Backend cpu = Backends.byName("cpu");
    Backend capturing = (Backend) java.lang.reflect.Proxy.newProxyInstance(
        Backend.class.getClassLoader(), new Class<?>[] {Backend.class, GraphCapture.class},
        (proxy, m, args) -> {
          if (m.getName().equals("isCapturing")) {
            return true;
          }
          try {
            return m.invoke(cpu, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Tensor x = Tensor.zeros(DType.FLOAT32, 4).to(capturing);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DropoutOps.dropoutMask(x, 0.5, 3, 1L));
    assertTrue(e.getMessage().startsWith("jgrad::dropout_mask with a counter from the host "
        + "uploads it, which a CUDA graph capture cannot hold"), e.getMessage());
  }
}
