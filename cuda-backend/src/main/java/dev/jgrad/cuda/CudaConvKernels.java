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
 * The CUDA kernels of convolution and pooling and their gradients: one launch each of
 * {@code conv.ptx}, one thread per output entry gathering its sum in a fixed order (no atomics,
 * so runs repeat bit for bit). Direct loops rather than im2col and cuBLAS: one launch per op,
 * registered as {@code PtxKernel}s like {@link CudaBiasActivationKernels}.
 */
public final class CudaConvKernels implements OpProvider {
  static final String PTX = new String(NativeResources.read("conv.ptx"), StandardCharsets.UTF_8);

  @Override
  public void register(OpRegistry.Registration r) {
    kernels().forEach((op, k) -> r.kernel(op, CudaBackend.NAME, k));
  }

  /** Each op's kernel by op name. */
  static Map<String, PtxKernel> kernels() {
    Map<String, PtxKernel> r = new LinkedHashMap<>();
    r.put(CONV2D, kernel("jg_conv2d", c -> args(Conv2dGeometry.conv(CONV2D,
        c.inputSpec(0).shape(), c.inputSpec(1).shape(), c.attrs()), c.input(0), c.input(1),
        c.inputs().size() == 3 ? c.input(2) : 0L, c.output())));
    r.put(CONV2D_INPUT_GRAD, kernel("jg_conv2d_dx", c -> args(Conv2dGeometry.convInputGrad(
        CONV2D_INPUT_GRAD, c.inputSpec(0).shape(), c.inputSpec(1).shape(), c.attrs()),
        c.input(0), c.input(1), c.output())));
    r.put(CONV2D_WEIGHT_GRAD, kernel("jg_conv2d_dw", c -> args(Conv2dGeometry.convWeightGrad(
        CONV2D_WEIGHT_GRAD, c.inputSpec(0).shape(), c.inputSpec(1).shape(), c.attrs()),
        c.input(0), c.input(1), c.output())));
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

  /** The buffers (0L for an absent bias), then the geometry as the kernels' 13 i64s. */
  static List<Object> args(Conv2dGeometry g, Object... buffers) {
    List<Object> a = new ArrayList<>(List.of(buffers));
    for (long v : new long[] {g.n(), g.c(), g.h(), g.w(), g.f(), g.kh(), g.kw(), g.sh(), g.sw(),
        g.ph(), g.pw(), g.oh(), g.ow()}) {
      a.add(v);
    }
    return a;
  }
}
