package dev.jgrad.cuda;

import static dev.jgrad.api.op.OpNames.CONV2D;
import static dev.jgrad.api.op.OpNames.CONV2D_INPUT_GRAD;
import static dev.jgrad.api.op.OpNames.CONV2D_WEIGHT_GRAD;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.api.op.KernelCall;
import java.util.List;

/**
 * Convolution and its two gradients on the CUDA backend as im2col + one cuBLAS GEMM per chunk
 * of samples, with {@code conv.ptx} doing the data movement around the products:
 *
 * <ul>
 *   <li>forward: {@code cols [C*KH*KW, S*OH*OW] = im2col(x)}, {@code prod [F, S*OH*OW] =
 *       W [F, C*KH*KW] @ cols}, then {@code to_nchw} writes {@code prod + bias} as
 *       {@code [S, F, OH, OW]};
 *   <li>weight gradient: {@code gperm [F, S*OH*OW] = from_nchw(g)}, {@code dW += gperm @ cols^T}
 *       with {@code cols} recomputed by im2col;
 *   <li>input gradient: {@code dcols [C*KH*KW, S*OH*OW] = W^T @ gperm}, then {@code col2im}, one
 *       thread per input entry gathering its contributions (no atomics: runs repeat bit for bit).
 * </ul>
 *
 * <p>Why the permutes: one plain GEMM over the whole chunk makes {@code [F, S*OH*OW]}, with the
 * filter outermost, while NCHW has the sample outermost. Avoiding the permute would take one
 * GEMM per sample (or a strided-batched GEMM); the permute is one pass over the output, small
 * next to the product, and the forward's also adds the bias, which would be a pass anyway.
 *
 * <p>Scratch ({@code cols} and the permuted {@code [F, S*OH*OW]}) comes from the backend's
 * caching allocator and is returned at the end of each chunk. The batch is cut into chunks of
 * {@code S} samples so that scratch stays within {@link #SCRATCH_BYTES} ({@code (C*KH*KW + F) *
 * OH*OW} elements per sample, plus the weight gradient's {@code [F, C*KH*KW]} partial sum after
 * the first chunk); a single sample larger than that is one chunk on its own. Chunks run one
 * after another on the backend's stream, so the cached blocks are reused from chunk to chunk.
 */
final class ConvGemm {
  /** The scratch one call may hold at once (one chunk's im2col matrix and permuted product). */
  static final long SCRATCH_BYTES = 256L << 20;

  /** Runs one {@code conv.ptx} entry (base name, without dtype suffix), one thread per item. */
  @FunctionalInterface
  interface Launcher {
    void launch(String entry, DType dtype, long threads, List<Object> args);
  }

  /** Computes one row-major product into {@code out}. */
  @FunctionalInterface
  interface Gemm {
    void multiply(Product p, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out);
  }

  /** The row-major product {@code out[m, n] = op(a)[m, k] op(b)[k, n]}, as Backend.matmul. */
  record Product(boolean transA, boolean transB, int m, int n, int k) {
    /** The cuBLAS call that computes it. */
    GemmPlan plan() {
      return GemmPlan.rowMajor(transA, transB, m, n, k);
    }
  }

  private final Backend backend;
  private final Gemm gemm;
  private final Launcher launcher;
  private final long scratchBytes;

  ConvGemm(Backend backend, Gemm gemm, Launcher launcher, long scratchBytes) {
    this.backend = backend;
    this.gemm = gemm;
    this.launcher = launcher;
    this.scratchBytes = scratchBytes;
  }

  /** On the CUDA backend: its cuBLAS products and {@code conv.ptx}'s entries. */
  static ConvGemm on(CudaBackend b) {
    return new ConvGemm(b,
        (p, x, y, out) -> b.matmul(x, p.transA(), y, p.transB(), out, p.m(), p.n(), p.k()),
        (entry, dtype, threads, args) -> {
          LaunchGeometry.Launch l = b.geometry().elementwise(threads);
          b.launchPtx(CudaConvKernels.PTX, FusedKernels.entry(entry, dtype), dtype, l.gridX(),
              l.blockX(), args);
        },
        SCRATCH_BYTES);
  }

  /** Samples per chunk: as many as fit {@code scratchBytes}, at least 1, at most the batch. */
  static int samplesPerChunk(Conv2dGeometry g, DType dtype, long scratchBytes) {
    long perSample = ((long) g.patchSize() + g.f()) * g.outPlane() * dtype.byteSize();
    long fit = perSample == 0 ? g.n() : scratchBytes / perSample;
    return (int) Math.max(1, Math.min(g.n(), fit));
  }

  /** {@code prod [F, S*P] = W [F, CKK] @ cols [CKK, S*P]}. */
  static Product forwardProduct(Conv2dGeometry g, int samples) {
    return new Product(false, false, g.f(), samples * g.outPlane(), g.patchSize());
  }

  /** {@code dW [F, CKK] = gperm [F, S*P] @ cols [CKK, S*P]^T}. */
  static Product weightGradProduct(Conv2dGeometry g, int samples) {
    return new Product(false, true, g.f(), g.patchSize(), samples * g.outPlane());
  }

  /** {@code dcols [CKK, S*P] = W [F, CKK]^T @ gperm [F, S*P]}. */
  static Product inputGradProduct(Conv2dGeometry g, int samples) {
    return new Product(true, false, g.patchSize(), samples * g.outPlane(), g.f());
  }

  /** {@code jgrad::conv2d}: inputs x, weight and an optional bias. */
  void conv2d(KernelCall c) {
    Conv2dGeometry g = Conv2dGeometry.conv(CONV2D, c.inputSpec(0).shape(),
        c.inputSpec(1).shape(), c.attrs());
    DType dt = c.outputSpec().dtype();
    Object bias = c.inputs().size() == 3 ? c.input(2) : 0L;
    forEachChunk(g, dt, (s0, ns, cols, prod) -> {
      im2col(c.input(0), cols, s0, ns, g, dt);
      gemm.multiply(forwardProduct(g, ns), c.input(1), cols, prod);
      launch("jg_conv_to_nchw", dt, (long) ns * g.f() * g.outPlane(),
          List.of(prod, bias, c.output(), (long) s0, (long) ns, (long) g.f(),
          (long) g.outPlane()));
    });
  }

  /** {@code jgrad::conv2d_input_grad}: inputs the output gradient g and the weight. */
  void inputGrad(KernelCall c) {
    Conv2dGeometry g = Conv2dGeometry.convInputGrad(CONV2D_INPUT_GRAD, c.inputSpec(0).shape(),
        c.inputSpec(1).shape(), c.attrs());
    DType dt = c.outputSpec().dtype();
    forEachChunk(g, dt, (s0, ns, dcols, gperm) -> {
      fromNchw(c.input(0), gperm, s0, ns, g, dt);
      gemm.multiply(inputGradProduct(g, ns), c.input(1), gperm, dcols);
      launch("jg_conv_col2im", dt, (long) ns * g.c() * g.inPlane(),
          CudaConvKernels.args(g, dcols, c.output(), (long) s0, (long) ns));
    });
  }

  /**
   * {@code jgrad::conv2d_weight_grad}: inputs x and the output gradient g. The first chunk's
   * product goes straight into the output; later chunks' are added to it.
   */
  void weightGrad(KernelCall c) {
    Conv2dGeometry g = Conv2dGeometry.convWeightGrad(CONV2D_WEIGHT_GRAD, c.inputSpec(0).shape(),
        c.inputSpec(1).shape(), c.attrs());
    DType dt = c.outputSpec().dtype();
    if (g.n() == 0) {
      backend.fill(c.output(), 0); // an empty sum
      return;
    }
    Shape dw = Shape.of(g.f() * g.patchSize());
    forEachChunk(g, dt, (s0, ns, cols, gperm) -> {
      im2col(c.input(0), cols, s0, ns, g, dt);
      fromNchw(c.input(1), gperm, s0, ns, g, dt);
      if (s0 == 0) {
        gemm.multiply(weightGradProduct(g, ns), gperm, cols, c.output());
      } else {
        try (DeviceBuffer part = backend.allocate(dt, dw.size())) {
          gemm.multiply(weightGradProduct(g, ns), gperm, cols, part);
          backend.binary(BinaryOp.ADD, c.output(), dw, part, dw, c.output(), dw);
        }
      }
    });
  }

  /** One chunk's work on its scratch. */
  private interface Chunk {
    void run(int s0, int ns, DeviceBuffer patches, DeviceBuffer filters);
  }

  /**
   * Runs {@code body} for each chunk of samples {@code [s0, s0 + ns)} with two scratch matrices:
   * {@code patches [C*KH*KW, ns*OH*OW]} and {@code filters [F, ns*OH*OW]}, returned after it.
   */
  private void forEachChunk(Conv2dGeometry g, DType dt, Chunk body) {
    int chunk = samplesPerChunk(g, dt, scratchBytes);
    for (int s0 = 0; s0 < g.n(); s0 += chunk) {
      int ns = Math.min(chunk, g.n() - s0);
      long width = (long) ns * g.outPlane();
      try (DeviceBuffer patches = backend.allocate(dt, g.patchSize() * width);
          DeviceBuffer filters = backend.allocate(dt, g.f() * width)) {
        body.run(s0, ns, patches, filters);
      }
    }
  }

  private void im2col(DeviceBuffer x, DeviceBuffer cols, int s0, int ns, Conv2dGeometry g,
      DType dt) {
    launch("jg_conv_im2col", dt, (long) g.patchSize() * ns * g.outPlane(),
        CudaConvKernels.args(g, x, cols, (long) s0, (long) ns));
  }

  private void fromNchw(DeviceBuffer gy, DeviceBuffer gperm, int s0, int ns, Conv2dGeometry g,
      DType dt) {
    launch("jg_conv_from_nchw", dt, (long) g.f() * ns * g.outPlane(),
        List.of(gy, gperm, (long) s0, (long) ns, (long) g.f(), (long) g.outPlane()));
  }

  /** Launches unless there is nothing to compute (a launch needs at least one thread). */
  private void launch(String entry, DType dt, long threads, List<Object> args) {
    if (threads > 0) {
      launcher.launch(entry, dt, threads, args);
    }
  }
}
