package dev.jgrad.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Matrix products through {@link NativeCpu}: on the storage arrays in place, split over the cores
 * in Java like {@link Gemm}'s copying path (each part a native call on its own rows or columns),
 * and for FLOAT32 with a mostly-zero left operand (MNIST pixels: about 19% nonzero) a kernel that
 * multiplies only the nonzero entries, several times less work than a dense product.
 *
 * <p>The sparse kernel is chosen by sampling the left operand: at most
 * {@link #SPARSE_MAX_DENSITY} of the sampled entries nonzero ({@code -Djgrad.cpu.sparseDensity},
 * 0 turns it off). Either kernel computes the same product up to float rounding, and the same
 * infinities and NaNs: where a skipped zero of {@code a} meets an infinity or NaN of {@code b},
 * the sparse kernel's output is NaN as BLAS's is (0 * inf), so the result never depends on which
 * kernel the rest of the batch chose. When the left operand's nonzeros were listed ahead
 * ({@link SparseOperand}), the product runs over those lists and samples nothing.
 */
final class DirectGemm {
  /**
   * Highest share of nonzero entries for the sparse kernel. On the 2-core AMD EPYC (AVX2 build)
   * a 100x784x100 product with random zeros broke even with one-core OpenBLAS at about 30%
   * nonzero; MNIST batches (19%) took 94-121 us against 190-207 us (docs/benchmarks.md).
   */
  static final double SPARSE_MAX_DENSITY =
      CpuProperties.sparseDensity();
  /** Entries of the left operand looked at to estimate its density. */
  private static final int DENSITY_SAMPLES = 256;
  /** The golden ratio's fractional part, 0.618..., times 2^32. */
  private static final long GOLDEN_FRACTION_32 = 0x9E37_79B9L;
  /** Smallest product (multiply-adds) worth sampling for the sparse kernel. */
  private static final long SPARSE_MIN_MACS = 1L << 20;
  /**
   * Largest left operand (entries, plus 8 a row) for the sparse kernel: its per-thread index and
   * value lists take 8 bytes an entry (32 MiB here). Larger products are dense, where BLAS is
   * efficient.
   */
  private static final long SPARSE_MAX_ENTRIES = 1L << 22;
  /** Smallest matrix whose nonzeros are listed ahead ({@link #worthListing}). */
  private static final long MIN_LISTED_ENTRIES = 1L << 14;

  /** The sparse kernels' lists and tiles, lent per part (ScratchPool: not per thread). */
  private static final ScratchPool<SparseScratch> SCRATCH = new ScratchPool<>(SparseScratch::new);

  private DirectGemm() {}

  /**
   * {@code out[m,n] = op(a)[m,k] * op(b)[k,n]}; arguments checked, none of m, n, k zero.
   * {@code listed}: the nonzeros of {@code a} listed ahead, or null. Split in {@code parts},
   * shared with the workers if {@code helped} ({@link Parallel#forParts}).
   */
  static void multiply(Object aArray, SparseOperand listed, boolean transA, Object bArray,
      boolean transB, Object outArray, int m, int n, int k, int parts, boolean helped) {
    if (listed != null && !transB && bArray instanceof float[] && listed.fits(transA, m, k)) {
      listed.multiply(transA, (float[]) bArray, (float[]) outArray, m, n, parts, helped);
      return;
    }
    if (usesSparseKernel(aArray, transB, m, n, k)) {
      sparse((float[]) aArray, transA, (float[]) bArray, (float[]) outArray, m, n, k, parts,
          helped);
      return;
    }
    if (m == 1 && !transB && aArray instanceof float[] a && bArray instanceof float[] b
        && outArray instanceof float[] c && RowSplit.multiply(a, transA, b, c, n, k)) {
      return; // a single sample's layer: split by its own rule, which changes no bit
    }
    int lda = transA ? m : k;
    int ldb = transB ? k : n;
    split(transA, transB, m, n, k, parts, helped, (rows, cols, aOff, bOff, cOff) ->
        dense(transA, transB, rows, cols, k, aArray, aOff, lda, bArray, bOff, ldb, outArray,
            cOff, n));
  }

  /**
   * {@code p -= lr * (op(a) op(b) + weightDecay * p)} (with {@code v}: the momentum form of
   * {@link OptimizerKernels#sgd}) in the own kernel, the product never stored, split as
   * {@link #multiply} splits it: so bit for bit what {@link #multiply} into a buffer and
   * {@link OptimizerKernels#sgd} give. The sparse kernel's {@code a^T b} (a weight gradient
   * {@code x^T g} of mostly-zero inputs, listed here or ahead) too. False, having changed
   * nothing, where {@link #multiply} would take another kernel (OpenBLAS, the sparse kernel for
   * {@code a b}, or for a {@code b} with infinities or NaNs) or, dense, k is longer than the
   * kernel's one pass.
   */
  static boolean sgdFromProduct(Object aArray, SparseOperand listed, boolean transA,
      Object bArray, boolean transB, float[] p, float[] v, int m, int n, int k, int parts,
      boolean helped, float lr, float momentum, float weightDecay) {
    if (!(aArray instanceof float[] a) || !(bArray instanceof float[] b)) {
      return false;
    }
    if (listed != null && !transB && listed.fits(transA, m, k)) {
      return transA && listed.sgd(b, p, v, m, n, parts, helped, lr, momentum, weightDecay);
    }
    if (usesSparseKernel(aArray, transB, m, n, k)) {
      return transA && sparseSgd(a, b, p, v, m, n, k, parts, helped, lr, momentum, weightDecay);
    }
    if (k > NativeCpu.sgemmSgdMaxK()) {
      return false;
    }
    int lda = transA ? m : k;
    int ldb = transB ? k : n;
    // Always by rows, unlike multiply: the own kernel's bits do not depend on the split, and a
    // split by columns made both threads read and write the parameter's cache line at the
    // boundary of every row (784 x 1000 x 100: 10% slower than the product plus the SGD pass).
    Parallel.forParts(m, parts, helped, (lo, hi) -> NativeCpu.check(NativeCpu.sgemmSgd(transA,
        transB, hi - lo, n, k, a, transA ? lo : lo * k, lda, b, 0, ldb, p, lo * n, n, v, lr,
        momentum, weightDecay), "gemm with SGD"));
    return true;
  }

  /**
   * The sparse kernel's {@link #sgdFromProduct} for {@code a^T b} ({@code a} stored
   * {@code [k, m]}), split by output rows as {@link #sparse} splits the product. False, having
   * changed nothing, when {@code b} holds an infinity or NaN: every part checks the same
   * {@code b}, so all of them decline or none.
   */
  private static boolean sparseSgd(float[] a, float[] b, float[] p, float[] v, int m, int n,
      int k, int parts, boolean helped, float lr, float momentum, float weightDecay) {
    return sgdParts(m, parts, helped, (lo, hi) -> SCRATCH.call(scratch -> {
      SparseScratch s = scratch.ensure(hi - lo, k).ensureTile(n);
      return NativeCpu.sparseSgdTa(hi - lo, n, k, a, lo, m, b, 0, n, p, lo * n, n, v, lr,
          momentum, weightDecay, s.count, s.idx, s.val, s.tile);
    }));
  }

  /** A part of a sparse SGD: a native call's status for rows {@code [lo, hi)}. */
  @FunctionalInterface
  interface SgdPart {
    int run(int lo, int hi);
  }

  /**
   * Runs the parts of a sparse SGD ({@link Parallel#forParts}); false when they declined
   * ({@link NativeCpu#NOT_FINITE}: a {@code b} with an infinity or NaN, which every part checks,
   * so all of them decline or none, having changed nothing).
   */
  static boolean sgdParts(int m, int parts, boolean helped, SgdPart part) {
    AtomicInteger declined = new AtomicInteger();
    Parallel.forParts(m, parts, helped, (lo, hi) -> {
      int status = part.run(lo, hi);
      if (status == NativeCpu.NOT_FINITE) {
        declined.incrementAndGet();
      } else {
        NativeCpu.check(status, "sparse gemm with SGD");
      }
    });
    return declined.get() == 0;
  }

  /**
   * {@code part}'s status, run with a lent tile of at least {@code 2 * n} floats (a sparse SGD
   * over lists built ahead), which it must not keep.
   */
  static int withTile(int n, ToIntFunction<float[]> part) {
    return SCRATCH.call(s -> part.applyAsInt(s.ensureTile(n).tile));
  }



  /** One part of a split product: its rows and columns, and its offsets into a, b and c. */
  @FunctionalInterface
  private interface Part {
    void run(int rows, int cols, int aOff, int bOff, int cOff);
  }

  /**
   * Splits a dense product in {@code parts} ({@link Parallel#forParts}): along the dimension
   * whose other operand is smaller, since that one is shared by every part.
   */
  private static void split(boolean transA, boolean transB, int m, int n, int k, int parts,
      boolean helped, Part part) {
    if ((long) k * n <= (long) m * k) {
      Parallel.forParts(m, parts, helped,
          (lo, hi) -> part.run(hi - lo, n, transA ? lo : lo * k, 0, lo * n));
    } else {
      Parallel.forParts(n, parts, helped,
          (lo, hi) -> part.run(m, hi - lo, 0, transB ? lo * k : lo, lo));
    }
  }

  /** Whether {@link #multiply} takes the sparse kernel for these operands. */
  static boolean usesSparseKernel(Object aArray, boolean transB, int m, int n, int k) {
    return aArray instanceof float[] && !transB && (long) m * n * k >= SPARSE_MIN_MACS
        && sparseEnough((float[]) aArray, m, k);
  }

  /**
   * Whether the nonzeros of {@code a} read as {@code [rows, cols]} are worth listing ahead: a
   * matrix the sparse kernel would take, as far as its size and density tell.
   */
  static boolean worthListing(float[] a, int rows, int cols) {
    return (long) rows * cols >= MIN_LISTED_ENTRIES && sparseEnough(a, rows, cols);
  }

  /** The sparse kernel's own rule: lists of bounded size, and few enough nonzeros sampled. */
  private static boolean sparseEnough(float[] a, int rows, int cols) {
    return (long) rows * (cols + 8) <= SPARSE_MAX_ENTRIES && mostlyZeros(a, (long) rows * cols);
  }

  /** One product on one thread, at offsets into the arrays, as OpenBLAS's gemm takes them. */
  static void dense(boolean transA, boolean transB, int m, int n, int k, Object a,
      int aOff, int lda, Object b, int bOff, int ldb, Object c, int cOff, int ldc) {
    int status = DTypeKernels.ofArray(c).nativeGemm(transA, transB, m, n, k, a, aOff, lda, b,
        bOff, ldb, c, cOff, ldc);
    NativeCpu.check(status, "gemm");
  }

  /** Parts split the output rows: rows of {@code a}, or its columns when transposed. */
  private static void sparse(float[] a, boolean transA, float[] b, float[] out, int m, int n,
      int k, int parts, boolean helped) {
    Parallel.forParts(m, parts, helped, (lo, hi) -> NativeCpu.check(SCRATCH.call(scratch -> {
      int rows = hi - lo;
      SparseScratch s = scratch.ensure(rows, k);
      return NativeCpu.sparseSgemm(transA, rows, n, k, a, transA ? lo : lo * k, transA ? m : k, b,
          0, n, out, lo * n, n, s.count, s.idx, s.val);
    }), "sparse gemm"));
  }

  /**
   * Whether at most {@link #SPARSE_MAX_DENSITY} of a sample of {@code a[0..length)} is nonzero.
   * Sample positions follow the golden-ratio sequence rather than a fixed stride, which could
   * keep hitting the same column of a matrix.
   */
  static boolean mostlyZeros(float[] a, long length) {
    if (SPARSE_MAX_DENSITY <= 0 || length == 0) {
      return false;
    }
    int samples = (int) Math.min(length, DENSITY_SAMPLES);
    int nonzero = 0;
    for (int j = 1; j <= samples; j++) {
      // fractional part of j * golden ratio, as 32-bit fixed point, scaled to [0, length)
      long fraction = (j * GOLDEN_FRACTION_32) & 0xFFFF_FFFFL;
      if (a[(int) ((fraction * length) >>> 32)] != 0f) {
        nonzero++;
      }
    }
    return nonzero <= SPARSE_MAX_DENSITY * samples;
  }

  /** Per-thread index and value lists of the sparse kernel, grown on demand. */
  private static final class SparseScratch {
    int[] count = new int[0];
    int[] idx = new int[0];
    float[] val = new float[0];
    float[] tile = new float[0];

    SparseScratch ensureTile(int n) {
      if (tile.length < 2 * n) {
        tile = new float[2 * n];
      }
      return this;
    }

    SparseScratch ensure(int rows, int k) {
      // one list of nonzeros per output row (at most k) plus 8 for the kernel's full-width
      // stores: the kernel lists every row before it multiplies (by blocks of columns)
      int entries = rows * (k + 8);
      if (count.length < rows) {
        count = new int[rows];
      }
      if (idx.length < entries) {
        idx = new int[entries];
        val = new float[entries];
      }
      return this;
    }
  }
}
