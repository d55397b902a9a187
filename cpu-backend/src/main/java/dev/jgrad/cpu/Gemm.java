package dev.jgrad.cpu;

import java.nio.ByteBuffer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Matrix multiply through OpenBLAS (org.bytedeco's build, which ships the native library inside
 * its jar, so it works on a machine without a system BLAS).
 *
 * <p>Where the backend's native helper loads ({@link NativeCpu}, linux-x86_64), products go to
 * {@link DirectGemm}: OpenBLAS on the Java arrays in place, or a sparse kernel for a mostly-zero
 * left operand. The rest of this class is the pure-Java path used elsewhere.
 *
 * <p>Operands are copied into off-heap scratch ({@link GemmScratch}) and the result copied back,
 * rather than passed as Java arrays: JavaCPP's {@code float[]} overloads go through JNI
 * {@code Get/ReleaseFloatArrayElements}, which copies all three arrays through freshly allocated
 * native memory on every call, 3 to 5 times slower on the MLP shapes. Keeping buffers off-heap
 * instead would make the Java elementwise loops 3 to 7 times slower (docs/benchmarks.md).
 *
 * <p>The product is split over the cores here, with OpenBLAS single-threaded in each part: the
 * rows of {@code op(a)} and the output, or their columns, whichever leaves the smaller operand to
 * share. Each part copies its own slice in and its own output out on the core that computes it,
 * so copies run in parallel and stay in that core's cache; and if the other core is busy with
 * other work the caller simply runs both parts, where OpenBLAS's own threads would wait for it.
 *
 * <p>Callers have checked every length against m, n and k: OpenBLAS trusts them and reads or
 * writes out of bounds otherwise.
 */
final class Gemm {
  /**
   * OpenBLAS's own threads; more than 1 turns the split here off and leaves threading to OpenBLAS
   * ({@code -Djgrad.cpu.blasThreads=2} on a 2-core machine).
   */
  private static final int BLAS_THREADS = CpuProperties.blasThreads();
  /**
   * Multiply-adds from which a product is split in parts, one per thread. Back to back, a split
   * pays from about 64K (48^3: 2.1 us split against 2.5 us whole), but inside a training step a
   * split product often finds the worker asleep, and then the caller runs the parts one after the
   * other (the split must not depend on timing, see {@link #helped}), slower than the product
   * whole: OpenBLAS ran a 100x100x784 product at 149 GFLOP/s whole and 122 in halves on one core.
   * With splits from 1M, the 784-100-10 MLP's epochs were 8-17% slower on Fashion-MNIST and 1-14%
   * on the embedded data (docs/benchmarks.md), so the split starts where the workers are always
   * asked: 16M.
   */
  private static final long SPLIT_MACS = CpuProperties.gemmSplitMacs();
  /**
   * Multiply-adds from which a product's parts are shared with the workers even when they sleep.
   * Waking one costs tens
   * of microseconds on the reference VM; inside a training step, where other primitives run
   * between products and the workers go back to sleep, waiting for that made the 784-100-10 MLP
   * train 15-25% slower (docs/benchmarks.md). From 16M (a 256x256x256 product) the wait is paid
   * back. {@code -Djgrad.cpu.gemmAlwaysSplitMacs} overrides.
   */
  private static final long ALWAYS_SPLIT_MACS =
      CpuProperties.gemmAlwaysSplitMacs();

  /** Why OpenBLAS could not be loaded here, or null; matmul then fails with this as the cause. */
  private static final Throwable LOAD_FAILURE = loadOpenBlas();

  private Gemm() {}

  /** Why OpenBLAS could not be loaded, or null; the first call loads it. */
  static Throwable loadFailure() {
    return LOAD_FAILURE;
  }

  private static Throwable loadOpenBlas() {
    try {
      openblas_nolapack.blas_set_num_threads(BLAS_THREADS); // the first call loads the library
      return null;
    } catch (Throwable t) { // UnsatisfiedLinkError and friends: keep the JVM and the rest alive
      return t;
    }
  }

  /** {@code out[m,n] = op(a)[m,k] * op(b)[k,n]}, with arguments already checked. */
  static void multiply(CpuBuffer a, boolean transA, CpuBuffer b, boolean transB, CpuBuffer out,
      int m, int n, int k) {
    if (empty("matmul", out, m == 0 || n == 0, k)) {
      return;
    }
    Object outArray = out.array();
    DTypeKernels kernels = out.kernels();
    // the operands are only read: their arrays without dropping nonzeros listed ahead
    Object aArray = a.productOperand();
    Object bArray = b.productOperand();
    // How the product is split depends on its size and the thread count alone, since the split
    // changes its sums; timing only decides who runs the parts.
    long macs = (long) m * n * k;
    int parts = parts(macs);
    boolean helped = parts > 1 && helped(macs);
    if (NativeCpu.available()) {
      DirectGemm.multiply(aArray, a.sparseOperand(), transA, bArray, transB, outArray, m, n, k,
          parts, helped);
      return;
    }
    // Split the dimension whose other operand is smaller: that one is shared by every part.
    boolean splitRows = (long) k * n <= (long) m * k;
    GemmScratch.lend(sharing -> {
      ByteBuffer shared = sharing.loadShared(splitRows ? bArray : aArray);
      if (splitRows) {
        Parallel.forParts(m, parts, helped, (lo, hi) -> GemmScratch.lend(s -> {
          int w = hi - lo;
          // op(a) rows lo..hi: contiguous rows of a, or columns lo..hi of a stored [k, m]
          ByteBuffer slice = transA ? s.loadSlice(aArray, lo, k, w, m)
              : s.loadSlice(aArray, lo * k, w, k, k);
          ByteBuffer c = s.output((long) w * n, outArray);
          kernels.blasGemm(transA, transB, w, n, k, slice, transA ? w : k, shared,
              transB ? k : n, c, n);
          s.storeOutput(outArray, lo * n, w, n, n);
        }));
      } else {
        Parallel.forParts(n, parts, helped, (lo, hi) -> GemmScratch.lend(s -> {
          int w = hi - lo;
          // op(b) columns lo..hi: rows lo..hi of b stored [n, k], or columns of b stored [k, n]
          ByteBuffer slice = transB ? s.loadSlice(bArray, lo * k, w, k, k)
              : s.loadSlice(bArray, lo, k, w, n);
          ByteBuffer c = s.output((long) m * w, outArray);
          kernels.blasGemm(transA, transB, m, w, k, shared, transA ? m : k, slice,
              transB ? k : w, c, w);
          s.storeOutput(outArray, lo, m, w, n);
        }));
      }
    });
  }

  /**
   * The SGD update of {@code p} (and {@code v}, unless null) from the gradient
   * {@code op(a) op(b)}, arguments already checked, inside the own float kernel
   * ({@link DirectGemm#sgdFromProduct}): the same bits as {@link #multiply} into a buffer then
   * {@link OptimizerKernels#sgd}, the split included. False, having changed nothing, where
   * {@link #multiply} would take another path (no native helper, FLOAT64, OpenBLAS, a sparse
   * kernel, an empty product) or k is longer than the kernel's one pass.
   */
  static boolean sgdFromProduct(CpuBuffer a, boolean transA, CpuBuffer b, boolean transB, int m,
      int n, int k, CpuBuffer p, CpuBuffer v, double lr, double momentum, double weightDecay) {
    if (LOAD_FAILURE != null || !NativeCpu.available() || m == 0 || n == 0 || k == 0
        || !(p.array() instanceof float[] pf) || (v != null && !(v.array() instanceof float[]))) {
      return false;
    }
    long macs = (long) m * n * k;
    int parts = parts(macs);
    boolean helped = parts > 1 && helped(macs);
    return DirectGemm.sgdFromProduct(a.productOperand(), a.sparseOperand(), transA,
        b.productOperand(), transB, pf, v == null ? null : (float[]) v.array(), m, n, k, parts,
        helped, (float) lr, (float) momentum, (float) weightDecay);
  }

  /**
   * {@code out[i] = op(a[i]) op(b[i])} for {@code i < batch}, with arguments already checked
   * ({@link dev.jgrad.api.Backend#matmulBatched}: each stride 0 or its matrix's size). A shared
   * right operand under a plain left one is one product of {@code [batch * m, k] x op(b)}, which
   * {@link #multiply} splits as usual. Otherwise the batch is split over the cores, each product
   * whole on one thread at its offsets: in place where the native helper loads, else through
   * that thread's scratch.
   */
  static void multiplyBatched(CpuBuffer a, boolean transA, CpuBuffer b, boolean transB,
      CpuBuffer out, int batch, int m, int n, int k, long strideA, long strideB) {
    if (empty("matmulBatched", out, batch == 0 || m == 0 || n == 0, k)) {
      return;
    }
    if (strideB == 0 && strideA != 0 && !transA) { // batch * m * n fits: out is one Java array
      multiply(a, false, b, transB, out, batch * m, n, k);
      return;
    }
    Object outArray = out.array();
    DTypeKernels kernels = out.kernels();
    Object aArray = a.productOperand();
    Object bArray = b.productOperand();
    int aStep = (int) strideA; // a whole Java array's offsets fit an int
    int bStep = (int) strideB;
    int lda = transA ? m : k;
    int ldb = transB ? k : n;
    long macs = (long) batch * m * n * k;
    int parts = parts(macs);
    boolean helped = parts > 1 && helped(macs);
    boolean direct = NativeCpu.available();
    Parallel.forParts(batch, parts, helped, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        int aOff = i * aStep;
        int bOff = i * bStep;
        int cOff = i * m * n;
        if (direct) {
          DirectGemm.dense(transA, transB, m, n, k, aArray, aOff, lda, bArray, bOff, ldb,
              outArray, cOff, n);
          continue;
        }
        GemmScratch.lend(s -> {
          ByteBuffer x = s.loadShared(aArray, aOff, m * k);
          ByteBuffer y = s.loadSlice(bArray, bOff, 1, k * n, k * n);
          ByteBuffer c = s.output((long) m * n, outArray);
          kernels.blasGemm(transA, transB, m, n, k, x, lda, y, ldb, c, n);
          s.storeOutput(outArray, cOff, 1, m * n, m * n);
        });
      }
    });
  }

  /**
   * Whether a product has nothing to multiply: no outputs, or only empty sums (k = 0), which are
   * zeros written here since OpenBLAS rejects leading dimensions of 0. Fails first when OpenBLAS
   * could not be loaded.
   */
  private static boolean empty(String primitive, CpuBuffer out, boolean noOutputs, int k) {
    if (LOAD_FAILURE != null) {
      throw new UnsupportedOperationException(primitive + ": the OpenBLAS native library could not "
          + "be loaded on " + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
          + " (jgrad-cpu-backend depends on org.bytedeco:openblas for linux-x86_64; add the "
          + "classifier for this platform): " + LOAD_FAILURE, LOAD_FAILURE);
    }
    if (noOutputs) {
      return true;
    }
    if (k == 0) {
      out.kernels().fill(out.array(), 0);
      return true;
    }
    return false;
  }

  /**
   * How many parts a product of {@code macs} multiply-adds is split in; it depends on the size
   * and the thread count alone, since the split changes the sums.
   */
  private static int parts(long macs) {
    return parts(macs, SPLIT_MACS);
  }

  /**
   * One part per thread from {@code splitMacs} multiply-adds, unless OpenBLAS threads itself
   * ({@link #BLAS_THREADS}); else 1.
   */
  static int parts(long macs, long splitMacs) {
    return BLAS_THREADS == 1 && macs >= splitMacs ? Parallel.threads() : 1;
  }

  /**
   * Whether to share the parts of a split product of {@code macs} multiply-adds with the workers.
   * With the defaults every split product is shared (both thresholds 16M); where
   * {@code jgrad.cpu.gemmSplitMacs} is set lower, a product between the two is a mid-sized one,
   * whose parts are shared only when a worker is awake; when none is, the caller runs them
   * all (same parts, same result) and one is woken for the products after it, which finds it
   * spinning when they follow back to back (a loop of products). In a training step the other
   * ops between products outlast the spin, so those wake-ups find no work and
   * {@link Parallel#wakeWorker} stops trying for a while.
   */
  static boolean helped(long macs) {
    if (macs >= ALWAYS_SPLIT_MACS) {
      return true;
    }
    if (Parallel.workerAwake()) {
      return true;
    }
    Parallel.wakeWorker();
    return false;
  }
}
