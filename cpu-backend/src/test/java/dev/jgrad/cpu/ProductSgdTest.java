package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SGD from a product's gradient inside the own kernel ({@link CpuBackend#sgdUpdateFromProduct})
 * against the two steps it stands in for, the product into a buffer and the SGD update: bit for
 * bit in the parameter and the velocity, across tile widths, row and column splits over the
 * threads, transposes, momentum, weight decay, k up to one block, and NaN, infinities and -0 in
 * the parameter, and for the sparse kernel's {@code x^T g}; and where it must decline (a longer k,
 * a mostly-zero left operand not transposed, an infinity meeting the sparse kernel, OpenBLAS,
 * doubles, a build without the kernel) it returns false and changes nothing.
 */
@ExtendWith(NativeKernelVariants.class)
class ProductSgdTest {
  private static final CpuBackend CPU = Fixture.CPU;

  @AfterEach
  void backToTheDefault() {
    NativeCpu.useOwnSgemm(true);
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2"})
  void updateIsTheProductThenTheSgdUpdateBitForBit(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(53);
    // {m, n, k}: tiles 1-4 vectors wide and partial; k of one block exactly; split over the
    // threads by columns (784 x 1000 x 100) and by rows (1000 x 784 x 100, m x k larger)
    int[][] shapes = {{1, 1, 1}, {7, 5, 3}, {33, 47, 17}, {13, 60, 256}, {100, 10, 100},
        {241, 130, 64}, {784, 1000, 100}, {1000, 784, 100}};
    for (int[] s : shapes) {
      for (int flags = 0; flags < 4; flags++) {
        boolean ta = (flags & 1) != 0;
        boolean tb = (flags & 2) != 0;
        double momentum = flags == 1 || flags == 2 ? 0.9 : 0;
        double decay = flags >= 2 ? 1e-3 : 0;
        Case c = new Case(r, s[0], s[1], s[2], ta, tb);
        String where = variant + " " + s[0] + "x" + s[1] + "x" + s[2] + " ta " + ta + " tb " + tb
            + " momentum " + momentum + " decay " + decay;
        c.check(where, 0.1, momentum, decay);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2"})
  void declinesAndChangesNothingWhereTheTwoStepsTakeAnotherPath(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(59);
    int maxK = NativeCpu.sgemmSgdMaxK();
    assertTrue(maxK > 0, variant + " has the kernel");
    new Case(r, 20, 30, maxK + 1, false, false).checkDeclined(variant + " k over one block");
    Case sparse = new Case(r, 100, 100, 784, false, false); // MNIST-like input: 1M multiply-adds
    for (int i = 0; i < sparse.a.length; i++) {
      if (i % 10 != 0) {
        sparse.a[i] = 0;
      }
    }
    sparse.checkDeclined(variant + " mostly-zero left operand (the sparse kernel's)");
    NativeCpu.useOwnSgemm(false);
    new Case(r, 20, 30, 40, false, false).checkDeclined(variant + " OpenBLAS asked for");
  }

  /**
   * A weight gradient {@code x^T g} of mostly-zero inputs (MNIST pixels) goes to the sparse
   * kernel, whose SGD is fused too: the same bits as its product stored and the pass; with an
   * infinity in {@code g} it declines and changes nothing (the product then gives NaN where a zero
   * meets it). Every build, the x86-64 one included: the sparse kernels are in all three.
   */
  @ParameterizedTest
  @ValueSource(strings = {"avx512", "avx2", "x86-64"})
  void sparseWeightGradientUpdateIsTheProductThenTheSgdUpdateBitForBit(String variant) {
    NativeKernelVariants.use(variant);
    Random r = new Random(67);
    // {m, n, k} of x^T g, x stored [k, m]: the 784-1000-1000-10 MLP's first layer; an odd m
    // (a pair and a single row) and a width with a partial vector
    int[][] shapes = {{784, 1000, 100}, {301, 70, 200}};
    for (int[] s : shapes) {
      for (int flags = 0; flags < 3; flags++) {
        double momentum = flags == 1 ? 0.9 : 0;
        double decay = flags == 2 ? 1e-3 : 0;
        Case c = new Case(r, s[0], s[1], s[2], true, false).mostlyZerosInA(r);
        String where = variant + " sparse " + s[0] + "x" + s[1] + "x" + s[2] + " momentum "
            + momentum + " decay " + decay;
        c.check(where, 0.1, momentum, decay);
        c.listedAhead().check(where + ", listed ahead", 0.1, momentum, decay);
      }
    }
    Case poisoned = new Case(r, 301, 70, 200, true, false).mostlyZerosInA(r);
    poisoned.b[5 * 70 + 3] = Float.POSITIVE_INFINITY;
    poisoned.checkDeclined(variant + " sparse, an infinity in g");
    poisoned.listedAhead().checkDeclined(variant + " sparse listed ahead, an infinity in g");
  }

  @Test
  void declinesInTheBuildWithoutTheKernel() {
    NativeKernelVariants.use("x86-64");
    new Case(new Random(61), 20, 30, 40, true, false).checkDeclined("x86-64");
  }

  @Test
  void declinesDoubles() {
    DeviceBuffer a = Fixture.buffer(DType.FLOAT64, Fixture.random(1, 6));
    DeviceBuffer b = Fixture.buffer(DType.FLOAT64, Fixture.random(2, 6));
    double[] before = Fixture.random(3, 4);
    DeviceBuffer p = Fixture.buffer(DType.FLOAT64, before);
    assertFalse(CPU.sgdUpdateFromProduct(a, false, b, false, 2, 2, 3, p, null, 0.1, 0, 0));
    assertArrayEquals(before, Fixture.read(p));
  }

  /** Operands, parameter and velocity of one product, and the two ways to apply it. */
  private static final class Case {
    final int m;
    final int n;
    final int k;
    final boolean ta;
    final boolean tb;
    final float[] a;
    final float[] b;
    final float[] p;
    final float[] v;
    boolean listed;

    Case(Random r, int m, int n, int k, boolean ta, boolean tb) {
      this.m = m;
      this.n = n;
      this.k = k;
      this.ta = ta;
      this.tb = tb;
      a = Fixture.gaussian(r, m * k);
      b = Fixture.gaussian(r, k * n);
      p = Fixture.gaussian(r, m * n);
      v = Fixture.gaussian(r, m * n);
      float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f};
      for (int i = 0; i < special.length && i < p.length; i++) {
        p[r.nextInt(p.length)] = special[i];
      }
    }

    /**
     * From now on the left operand's nonzeros are listed ahead ({@code prepareOperand}, as the
     * DataLoader's prefetching does) before the fused call.
     */
    Case listedAhead() {
      listed = true;
      return this;
    }

    /** The left operand as the fused call gets it. */
    DeviceBuffer operand() {
      DeviceBuffer buffer = CPU.upload(a);
      if (listed) {
        CPU.prepareOperand(buffer, ta ? k : m, ta ? m : k);
        assertTrue(((CpuBuffer) buffer).sparseOperand() != null, "listed ahead");
      }
      return buffer;
    }

    /** Four in five entries of a zero, as in MNIST batches (the sparse kernel's operand). */
    Case mostlyZerosInA(Random r) {
      for (int i = 0; i < a.length; i++) {
        if (r.nextInt(5) != 0) {
          a[i] = 0;
        }
      }
      return this;
    }

    /** Both ways on copies of the parameter and velocity: the same bits. */
    void check(String where, double lr, double momentum, double decay) {
      DeviceBuffer pTwo = CPU.upload(p.clone());
      DeviceBuffer vTwo = momentum != 0 ? CPU.upload(v.clone()) : null;
      DeviceBuffer g = CPU.allocate(DType.FLOAT32, (long) m * n);
      CPU.matmul(CPU.upload(a), ta, CPU.upload(b), tb, g, m, n, k);
      CPU.sgdUpdate(pTwo, g, vTwo, CPU.upload(new double[] {lr}), momentum, decay);
      DeviceBuffer pOne = CPU.upload(p.clone());
      DeviceBuffer vOne = momentum != 0 ? CPU.upload(v.clone()) : null;
      assertTrue(CPU.sgdUpdateFromProduct(operand(), ta, CPU.upload(b), tb, m, n, k, pOne,
          vOne, lr, momentum, decay), where + ": fused");
      assertArrayEquals(canonicalBits(pTwo), canonicalBits(pOne), where + ": parameter");
      if (momentum != 0) {
        assertArrayEquals(canonicalBits(vTwo), canonicalBits(vOne), where + ": velocity");
      }
    }

    /** False, and the parameter and velocity as they were. */
    void checkDeclined(String where) {
      DeviceBuffer pb = CPU.upload(p.clone());
      DeviceBuffer vb = CPU.upload(v.clone());
      assertFalse(CPU.sgdUpdateFromProduct(operand(), ta, CPU.upload(b), tb, m, n, k, pb,
          vb, 0.1, 0.9, 1e-3), where);
      assertArrayEquals(Fixture.bits(p), canonical(pb, false), where + ": parameter untouched");
      assertArrayEquals(Fixture.bits(v), canonical(vb, false), where + ": velocity untouched");
    }

    /**
     * Every NaN as one value: which NaN operand an operation passes on is the compiler's choice,
     * and the parameters hold a NaN on purpose.
     */
    private static int[] canonicalBits(DeviceBuffer buffer) {
      return canonical(buffer, true);
    }

    private static int[] canonical(DeviceBuffer buffer, boolean nanAsOne) {
      float[] f = ((CpuBuffer) buffer).floats().clone();
      int[] bits = new int[f.length];
      for (int i = 0; i < f.length; i++) {
        bits[i] = nanAsOne ? Float.floatToIntBits(f[i]) : Float.floatToRawIntBits(f[i]);
      }
      return bits;
    }
  }
}
