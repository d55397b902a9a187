package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.PtxKernel;
import dev.jgrad.api.op.PtxSignature;
import dev.jgrad.api.op.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/**
 * The pooling kernels' argument lists against their entries in {@code conv.ptx} (the ABI check
 * FusedKernelsTest does for fused.ptx), without a GPU; their results are checked on a GPU by
 * BackendParityTest. Convolution's launches are checked by ConvGemmTest.
 */
class CudaConvKernelsTest {
  private static final Map<String, List<String>> SIGNATURES =
      PtxSignature.parse(CudaConvKernels.PTX);

  @Test
  void everyKernelsArgumentsFitItsEntryInBothDtypes() {
    Map<String, PtxKernel> kernels = CudaConvKernels.kernels();
    assertEquals(4, kernels.size());
    // two dtypes of each pooling op and of convolution's im2col, col2im, to_nchw, from_nchw
    assertEquals(16, SIGNATURES.size(), "two dtypes of each kernel: " + SIGNATURES.keySet());
    int[] k = {3, 2};
    int[] s = {2, 1};
    int[] p = {1, 1};
    Shape x = Shape.of(2, 3, 7, 6);
    Shape pooled = Shape.of(2, 3, 4, 7);
    Attrs pool = Conv2dGeometry.attrs(k, s, p);
    for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) { // pooling has no INT32 kernels
      check(kernels, OpNames.MAX_POOL2D, dt, pool, pooled, x);
      check(kernels, OpNames.AVG_POOL2D, dt, pool, pooled, x);
      check(kernels, OpNames.MAX_POOL2D_GRAD, dt, pool, x, x, pooled);
      check(kernels, OpNames.AVG_POOL2D_GRAD, dt, Conv2dGeometry.attrs(k, s, p,
          AttrKeys.INPUT_SIZE, new int[] {7, 6}), x, pooled);
    }
  }

  private static void check(Map<String, PtxKernel> kernels, String op, DType dt, Attrs attrs,
      Shape out, Shape... in) {
    List<DeviceBuffer> buffers = new ArrayList<>();
    List<TensorSpec> specs = new ArrayList<>();
    for (Shape shape : in) {
      buffers.add(new CudaBuffer(new Object(), dt, shape.size(), null, null));
      specs.add(new TensorSpec(shape, dt));
    }
    KernelCall call = new KernelCall(null, buffers, specs, attrs,
        new CudaBuffer(new Object(), dt, out.size(), null, null), new TensorSpec(out, dt));
    PtxKernel kernel = kernels.get(op);
    String entry = kernel.entry(dt);
    List<String> types = SIGNATURES.get(entry);
    assertNotNull(types, entry + " is missing from conv.ptx");
    assertEquals(types.size(), PtxPluginLauncher.convert(entry, types, kernel.args(call), dt,
        b -> new CUdeviceptr()).size(), entry);
    assertEquals((out.size() + 255) / 256, kernel.geometry(call).gridX(), op + " grid");
  }
}
