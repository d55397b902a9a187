package dev.jgrad.cuda;

import static dev.jgrad.api.op.OpNames.AVG_POOL2D;
import static dev.jgrad.api.op.OpNames.AVG_POOL2D_GRAD;
import static dev.jgrad.api.op.OpNames.CONV2D;
import static dev.jgrad.api.op.OpNames.CONV2D_INPUT_GRAD;
import static dev.jgrad.api.op.OpNames.CONV2D_WEIGHT_GRAD;
import static dev.jgrad.api.op.OpNames.MAX_POOL2D;
import static dev.jgrad.api.op.OpNames.MAX_POOL2D_GRAD;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.PtxKernel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The CUDA kernels of convolution and pooling and their gradients. Convolution and its two
 * gradients are im2col + cuBLAS ({@link ConvGemm}); pooling and its gradients are one launch each
 * of {@code conv.ptx}, one thread per output entry gathering its result in a fixed order (no
 * atomics, so runs repeat bit for bit), registered as {@code PtxKernel}s like
 * {@link CudaBiasActivationKernels}.
 */
public final class CudaConvKernels implements OpProvider {
  static final String PTX = new String(NativeResources.read("conv.ptx"), StandardCharsets.UTF_8);

  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(CONV2D, CudaBackend.NAME, c -> ConvGemm.on((CudaBackend) c.backend()).conv2d(c));
    r.kernel(CONV2D_INPUT_GRAD, CudaBackend.NAME,
        c -> ConvGemm.on((CudaBackend) c.backend()).inputGrad(c));
    r.kernel(CONV2D_WEIGHT_GRAD, CudaBackend.NAME,
        c -> ConvGemm.on((CudaBackend) c.backend()).weightGrad(c));
    kernels().forEach((op, k) -> r.kernel(op, CudaBackend.NAME, k));
  }

  /** Each pooling op's kernel by op name. */
  static Map<String, PtxKernel> kernels() {
    Map<String, PtxKernel> r = new LinkedHashMap<>();
    r.put(MAX_POOL2D, kernel("jg_max_pool", c -> args(Conv2dGeometry.pool(MAX_POOL2D,
        c.inputSpec(0).shape(), c.attrs()), c.input(0), c.output())));
    r.put(AVG_POOL2D, kernel("jg_avg_pool", c -> args(Conv2dGeometry.pool(AVG_POOL2D,
        c.inputSpec(0).shape(), c.attrs()), c.input(0), c.output())));
    r.put(MAX_POOL2D_GRAD, kernel("jg_max_pool_dx", c -> args(Conv2dGeometry.pool(
        MAX_POOL2D_GRAD, c.inputSpec(0).shape(), c.attrs()), c.input(0), c.input(1),
        c.output())));
    r.put(AVG_POOL2D_GRAD, kernel("jg_avg_pool_dx", c -> args(Conv2dGeometry.poolGrad(
        AVG_POOL2D_GRAD, c.inputSpec(0).shape(), c.attrs()), c.input(0), c.output())));
    return r;
  }

  private static PtxKernel kernel(String entry, Function<KernelCall, List<Object>> args) {
    return PtxKernel.builder(PTX)
        .entry(DType.FLOAT32, FusedKernels.entry(entry, DType.FLOAT32))
        .entry(DType.FLOAT64, FusedKernels.entry(entry, DType.FLOAT64))
        .elementwise()
        .args(args)
        .build();
  }

  /** The buffers, then the geometry as the kernels' 13 i64s. */
  static List<Object> args(Conv2dGeometry g, Object... buffers) {
    List<Object> a = new ArrayList<>(List.of(buffers));
    a.addAll(geometry(g));
    return a;
  }

  /** The geometry as {@code conv.ptx}'s kernels take it: 13 i64s, n to ow. */
  static List<Object> geometry(Conv2dGeometry g) {
    return List.of((long) g.n(), (long) g.c(), (long) g.h(), (long) g.w(), (long) g.f(),
        (long) g.kh(), (long) g.kw(), (long) g.sh(), (long) g.sw(), (long) g.ph(), (long) g.pw(),
        (long) g.oh(), (long) g.ow());
  }
}
