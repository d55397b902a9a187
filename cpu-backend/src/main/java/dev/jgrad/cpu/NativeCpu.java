package dev.jgrad.cpu;

import dev.jgrad.api.PrivateTempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU backend's small native helper, {@code libjgrad_cpu.so} (sources and build script in
 * {@code src/main/native/jgrad-cpu}, the library committed for linux-x86_64): matrix products on
 * the Java arrays in place, without the operand copies of the pure-Java path, and products with a
 * mostly-zero left operand that skip its zeros.
 *
 * <p>Optional: where it cannot load (another platform, a temporary folder that forbids
 * executables, {@code -Djgrad.cpu.native=false}) the backend keeps working through the copying
 * path, and {@link #unavailableReason()} says why. Loaded after OpenBLAS, whose {@code cblas_*}
 * functions it calls.
 */
final class NativeCpu {
  private static final Logger LOG = LoggerFactory.getLogger(NativeCpu.class);
  private static final String RESOURCE = "/dev/jgrad/cpu/native/linux-x86_64/libjgrad_cpu.so";
  private static final String DIR_PREFIX = "jgrad-cpu-";
  /** Older extraction folders than this are left by killed runs (or by older versions). */
  private static final Duration STALE_AFTER = Duration.ofHours(1);

  /** The folder this process extracted the library into, deleted once loaded; for tests. */
  static volatile Path extractedDir;

  /** Null when loaded, else why not. */
  private static final String UNAVAILABLE = load();

  /** Status codes of the native calls. */
  private static final int OK = 0;
  private static final int NOT_BOUND = 1;
  /** From the softmax cross-entropy calls: a row's maximum is NaN or infinite; use Java. */
  static final int NOT_FINITE = 3;
  /** From {@link #sgemmSgd}: k is longer than {@link #sgemmSgdMaxK}; nothing was changed. */
  private static final int K_TOO_LONG = 4;

  private NativeCpu() {}

  static boolean available() {
    return UNAVAILABLE == null;
  }

  /** Why the helper is not in use, or null when it is. */
  static String unavailableReason() {
    return UNAVAILABLE;
  }

  private static String load() {
    if (!CpuProperties.nativeHelper()) {
      return "disabled by -Djgrad.cpu.native=false";
    }
    String os = System.getProperty("os.name");
    String arch = System.getProperty("os.arch");
    if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return "built for linux-x86_64 only, this is " + os + "/" + arch;
    }
    try {
      String openBlasJni = Loader.load(openblas_nolapack.class);
      Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
      deleteStale(tmpRoot, Instant.now().minus(STALE_AFTER));
      Path file = extract(tmpRoot);
      try {
        System.load(file.toString());
      } finally {
        // Linux keeps the loaded library mapped; deleting it now leaves nothing behind, even when
        // the JVM is killed (deleteOnExit would not run then).
        deleteQuietly(file.getParent());
      }
      String bindFailure = bind(openBlasJni);
      if (bindFailure != null) {
        return "could not find OpenBLAS's cblas functions: " + bindFailure;
      }
      LOG.debug("jgrad cpu: native helper loaded from {} ({} kernels)", file, kernelVariant());
      return null;
    } catch (IOException | LinkageError | RuntimeException e) {
      LOG.info("jgrad cpu: native helper unavailable, using the pure-Java matrix path: {}",
          e.toString());
      return e.toString();
    }
  }

  private static Path extract(Path tmpRoot) throws IOException {
    try (InputStream in = NativeCpu.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("the jar has no " + RESOURCE);
      }
      Path dir = PrivateTempDirs.create(tmpRoot, DIR_PREFIX);
      extractedDir = dir;
      Path file = dir.resolve("libjgrad_cpu.so");
      Files.copy(in, file);
      return file;
    }
  }

  /**
   * Deletes the extraction folders in {@code tmpRoot} last modified before {@code before}, best
   * effort: a live process has loaded its library long before (and now deletes its folder right
   * after), and on Linux a loaded library stays mapped when its file goes. Returns how many.
   */
  static int deleteStale(Path tmpRoot, Instant before) {
    List<Path> stale = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmpRoot, DIR_PREFIX + "*")) {
      for (Path dir : dirs) {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
            && Files.getLastModifiedTime(dir).toInstant().isBefore(before)) {
          stale.add(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0; // cleaning up after others must never keep the helper from loading
    }
    int deleted = 0;
    for (Path dir : stale) {
      if (deleteQuietly(dir)) {
        deleted++;
      }
    }
    return deleted;
  }

  /** Deletes {@code dir} and the files in it; false if something stayed (another user's). */
  private static boolean deleteQuietly(Path dir) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.debug("jgrad cpu: could not delete {}: {}", dir, e.toString());
      return false;
    }
  }

  /** Throws for a status other than OK, naming the call. */
  static void check(int status, String what) {
    if (status == OK) {
      return;
    }
    throw new IllegalStateException("jgrad cpu: native " + what + " failed: " + (status == NOT_BOUND
        ? "OpenBLAS (or the kernel asked for) is not bound" : status == K_TOO_LONG
        ? "k is longer than the kernel takes in one pass (sgemmSgdMaxK)"
        : "the JVM could not give access to the arrays (out of memory)"));
  }

  private static native String bind(String openBlasJniLibrary);

  /** "avx512", "avx2" or "x86-64": the build of the native kernels in use (this CPU's best). */
  static native String kernelVariant();

  /**
   * Switches to another build of the native kernels (tests run each one this CPU runs); returns
   * null, or why not. Not while another thread may run a kernel.
   */
  static native String useKernelVariant(String name);

  /**
   * {@code c = op(a) * op(b)} on Java arrays in place; offsets and leading dimensions in
   * elements, as cblas_sgemm (row-major): the helper's own kernel where {@link #ownSgemm}, else
   * OpenBLAS. Returns a status for {@link #check}.
   */
  static native int sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a,
      int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc);

  /**
   * Whether {@link #sgemm} runs the helper's own kernel (gemm_kernels.c) rather than OpenBLAS:
   * asked for ({@link SgemmChoice}) and present in the kernels in use (AVX-512, AVX2).
   */
  static native boolean ownSgemm();

  /**
   * Chooses the helper's own dense float kernel ({@code true}, where the kernels in use have
   * one) or OpenBLAS for {@link #sgemm}. Not while another thread may run a product.
   */
  static native void useOwnSgemm(boolean own);

  /**
   * SGD of {@code p} ({@code v} null without momentum) from the gradient {@code op(a) op(b)},
   * inside the helper's own kernel: bit for bit {@link #sgemm} into a buffer then
   * {@link #sgdUpdate}. {@code p} and {@code v} from {@code pOff}, row stride {@code ldp}. Only
   * where {@link #sgemmSgdMaxK} is at least {@code k}; returns a status for {@link #check}.
   */
  static native int sgemmSgd(boolean transA, boolean transB, int m, int n, int k, float[] a,
      int aOff, int lda, float[] b, int bOff, int ldb, float[] p, int pOff, int ldp, float[] v,
      float lr, float momentum, float weightDecay);

  /**
   * The longest k {@link #sgemmSgd} takes (the own kernel's one pass over k); 0 where dense
   * float products do not run the own kernel.
   */
  static native int sgemmSgdMaxK();

  /**
   * The column blocks of the own kernel's one-row products ({@link #sgemm} with m = 1, b not
   * transposed, wider than a vector): a split of such a product at multiples of this, every part
   * wider than a vector, computes each column exactly as the whole product does ({@link RowSplit}).
   * 0 where dense float products do not run the own kernel.
   */
  static native int rowProductColumns();

  /** As {@link #sgemm}, for doubles (always OpenBLAS). */
  static native int dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a,
      int aOff, int lda, double[] b, int bOff, int ldb, double[] c, int cOff, int ldc);

  /**
   * {@code c[m,n] = op(a)[m,k] * b[k,n]} multiplying only the nonzero entries of {@code a}
   * ({@code op(a)} is {@code a} stored {@code [m,k]}, or its transpose stored {@code [k,m]}), yet
   * NaN where a zero of {@code a} meets an infinity or NaN of {@code b}, as in a dense product.
   * Scratch: {@code idx} and {@code val} of {@code m * (k + 8)} entries, {@code count} of
   * {@code m}.
   */
  static native int sparseSgemm(boolean transA, int m, int n, int k, float[] a, int aOff,
      int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, int[] count,
      int[] idx, float[] val);

  /**
   * SGD of {@code p} (and {@code v}, unless null; from {@code pOff}, rows {@code ldp} apart) from
   * the gradient {@code a^T b} multiplying only the nonzero entries of {@code a} (stored
   * {@code [k,m]}): the same bits as {@link #sparseSgemm} into a buffer and the SGD pass after
   * it. {@link #NOT_FINITE}, having changed nothing, when {@code b} holds an infinity or NaN.
   * Scratch as {@link #sparseSgemm}'s, and {@code tile} of {@code 2 * n} floats.
   */
  static native int sparseSgdTa(int m, int n, int k, float[] a, int aOff, int lda, float[] b,
      int bOff, int ldb, float[] p, int pOff, int ldp, float[] v, float lr, float momentum,
      float weightDecay, int[] count, int[] idx, float[] val, float[] tile);

  /**
   * {@link #sparseSgdTa} over lists built ahead: the gradient's row {@code r} from list
   * {@code first + r} ({@code start}, {@code count}, as {@link #sparseSgemmLists}), for
   * {@code r < rows}. {@link #NOT_FINITE}, having changed nothing, when {@code b} holds an
   * infinity or NaN. {@code tile}: {@code 2 * n} floats.
   */
  static native int sparseSgdLists(int first, int rows, int n, int k, int[] start, int[] count,
      int[] idx, float[] val, float[] b, int bOff, int ldb, float[] p, int pOff, int ldp,
      float[] v, float lr, float momentum, float weightDecay, float[] tile);

  /** Counts the nonzeros of {@code a[m,k]} (from {@code aOff}) per row and per column. */
  static native int sparseCount(int m, int k, float[] a, int aOff, int[] rowCount, int[] colCount);

  /**
   * Lists the nonzeros of {@code a[m,k]} (from {@code aOff}) by row and by column, at the starts
   * {@link SparseOperand} computed from the counts; {@code colCount} receives the counts again.
   */
  static native int sparseLists(int m, int k, float[] a, int aOff, int[] rowStart, int[] rowIdx,
      float[] rowVal, int[] colStart, int[] colCount, int[] colIdx, float[] colVal);

  /**
   * {@code c[r, :] = sum of val * b[idx, :]} over list {@code first + r} ({@code start},
   * {@code count}) for each {@code r < rows}: a product whose left operand's nonzeros were listed
   * ahead; {@code b} has {@code k} rows. NaN where a column missing from a list (a zero) meets an
   * infinity or NaN of {@code b}, as in a dense product. {@code uses}: null, or when the call
   * covers all the lists, how many of their entries meet each row of {@code b} (it checks
   * {@code b} for infinities and NaNs more cheaply with them).
   */
  static native int sparseSgemmLists(int first, int rows, int n, int k, int[] start, int[] count,
      int[] idx, float[] val, int[] uses, float[] b, int bOff, int ldb, float[] c, int cOff,
      int ldc);

  /** Whether the kernels in use correlate directly ({@link #correlate}); not the x86-64 build. */
  static native boolean hasCorrelate();

  /**
   * Direct correlation, stride 1, of {@code n} FLOAT32 samples {@code x[n][channels][h][w]} (from
   * {@code xOff}), placed at {@code (top, left)} in zeros, into {@code out[n][outs][oh][ow]}
   * (from {@code outOff}): per output the sum over {@code (channel, i, j)} of a tap times the
   * entry under it, one fused multiply-add chain from 0 in that order, plus {@code bias[o]}
   * ({@code bias} may be null). Taps: {@code weight[outs][channels][kh][kw]}, or with
   * {@code flip} {@code weight[channels][outs][kh][kw]} rotated by 180 degrees (the input
   * gradient of a convolution). Returns a status for {@link #check}.
   */
  static native int correlate(int n, float[] x, int xOff, int channels, int h, int w, int top,
      int left, int outs, int oh, int ow, int kh, int kw, float[] weight, boolean flip,
      float[] bias, float[] out, int outOff);

  /**
   * The weight gradient of {@link #correlate} without flip: {@code dw[outs][channels][kh][kw]},
   * written whole, the sum over the {@code n} samples of {@code x} (from {@code xOff}) and
   * {@code g[n][outs][oh][ow]} (from {@code gOff}) of each tap's input entries times the output
   * gradient (the order in conv_kernels.c). Returns a status for {@link #check}.
   */
  static native int correlateWeight(int n, float[] x, int xOff, int channels, int h, int w,
      int top, int left, float[] g, int gOff, int outs, int oh, int ow, int kh, int kw,
      float[] dw);

  /** Whether the kernels in use pool 2x2 windows ({@link #maxPool2x2}); not the x86-64 build. */
  static native boolean hasMaxPool2x2();

  /**
   * Max pooling over 2x2 windows with stride 2 of {@code planes} FLOAT32 planes
   * {@code x[h][w]} (from {@code xOff}): with {@code gy} null into {@code target[h / 2][w / 2]},
   * else the gradient {@code gy[h / 2][w / 2]} (from {@code gOff}) of that pooling into
   * {@code target[h][w]}, written whole. The results of {@link PatchLoops#maxPoolPlane}.
   * {@code codes}: null, or an array holding one byte per window ({@code [planes][h / 2][w / 2]}
   * from byte {@code codesOff}, little-endian in its ints) saying which entry won it, 0 to 3 in
   * row-major order: pooling writes them, the gradient then reads them instead of {@code x}.
   * Returns a status for {@link #check}.
   */
  static native int maxPool2x2(int planes, float[] x, int xOff, int h, int w, float[] gy,
      int gOff, float[] target, int targetOff, int[] codes, int codesOff);

  /**
   * Softmax cross-entropy of FLOAT32 logits {@code x[n,k]} with labels in {@code [0, k)}: the sum
   * over rows of {@code logsumexp(x[r]) - x[r, label[r]]} into {@code total[0]}, exp evaluated 8
   * lanes at a time (float, about 1 ulp). Scratch {@code e} of {@code n * k}. Returns a status;
   * {@link #NOT_FINITE} leaves logits with a NaN or infinite row maximum to the Java kernel.
   */
  static native int softmaxCrossEntropyLoss(int n, int k, float[] x, int[] labels, float[] e,
      double[] total);

  /**
   * {@code out[n,k] = (softmax(x) - onehot(labels)) * scale}, as {@link
   * #softmaxCrossEntropyLoss} evaluates it; the same statuses.
   */
  static native int softmaxCrossEntropyGrad(int n, int k, float[] x, int[] labels, float scale,
      float[] out);

  /**
   * {@code out[rows, cols] = x + bias} (bias {@code [cols]}, added row by row), then ReLU when
   * asked: bit for bit {@link FloatKernels#biasActivation} with a null or RELU activation.
   */
  static native int biasActivation(int rows, int cols, float[] x, float[] bias, boolean relu,
      float[] out);

  /**
   * relu's gradient over {@code [from, to)}: bit for bit {@link FloatKernels#reluGrad}.
   */
  static native int reluGrad(int from, int to, float[] g, float[] x, float[] out);

  /**
   * {@code out[outOff + j]} = the sum down the rows of {@code x[rows, cols]} (from {@code xOff})
   * for {@code j} in {@code [from, to)}, row after row in double, rounded once: bit for bit
   * {@link FloatReductions}' sum.
   */
  static native int columnSums(int rows, int cols, float[] x, int xOff, int from, int to,
      float[] out, int outOff);

  /**
   * {@code out[outOff + r]} = the sum of row {@code r} of {@code x[rows, len]} (from {@code xOff})
   * for {@code r} in {@code [0, rows)}: bit for bit {@link FloatReductions}' sum of a row.
   */
  static native int rowSums(int rows, int len, float[] x, int xOff, float[] out, int outOff);

  /**
   * SGD over {@code [from, to)} ({@code v} null without momentum): bit for bit {@link
   * FloatKernels#sgdUpdate} with the hyperparameters already rounded to float.
   */
  static native int sgdUpdate(int from, int to, float[] p, float[] g, float[] v, float lr,
      float momentum, float weightDecay);

  /**
   * Adam over {@code [from, to)}: bit for bit {@link FloatKernels#adamUpdate}, given its float
   * constants {@code c1 = 1 - beta1}, {@code c2 = 1 - beta2}, {@code eps} and {@code step =
   * -lrT}.
   */
  static native int adamUpdate(int from, int to, float[] p, float[] g, float[] m, float[] v,
      float c1, float c2, float eps, float step);

  /**
   * {@code out[o, i, :] = src[o, idx[i], :]} over rows of {@code inner} elements of
   * {@code elemBytes} bytes, the rows ahead prefetched; {@code src} and {@code out} primitive
   * arrays of that element size (float[] or byte[]); the indices checked against {@code axis}
   * and the lengths by the caller.
   */
  static native int gatherRows(int outer, int axis, int inner, int elemBytes, int[] idx,
      Object src, Object out);

  /**
   * {@code out[o + i] = a[aOff + i] / s} for {@code i < n}, a true division (bit for bit Java's);
   * {@code a} and {@code out} may be one array; the ranges checked by the caller.
   */
  static native int divScalar(float[] a, int aOff, float s, float[] out, int o, int n);

  /** {@code dst[i] = src[i] & 0xFF} for {@code i < n}; the lengths checked by the caller. */
  static native int bytesToFloats(byte[] src, float[] dst, int n);
}
