package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.DropoutMask;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.PtxKernel;
import dev.jgrad.api.op.PtxSignature;
import dev.jgrad.api.op.TensorSpec;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/**
 * The dropout kernel's launch against its entries in {@code dropout.ptx}, without a GPU: the
 * registered kernel, its arguments (the seed, the counter's buffer, the threshold from
 * {@link DropoutMask}, the scale) and their fit with the PTX parameters in both dtypes. The mask
 * itself is compared with the CPU's on a GPU, in {@link BackendParityTest}.
 */
class CudaDropoutKernelTest {
  @Test
  void theRegisteredKernelPassesTheSeedCounterAndThresholdInBothDtypes() {
    OpRegistry r = new OpRegistry();
    r.loadProviders(getClass().getClassLoader());
    PtxKernel k = (PtxKernel) r.findKernel(OpNames.DROPOUT_MASK, CudaBackend.NAME).orElseThrow();
    Map<String, List<String>> signatures = PtxSignature.parse(CudaDropoutKernel.PTX);
    assertEquals(2, signatures.size(), "dropout.ptx entries: " + signatures.keySet());
    assertTrue(CudaDropoutKernel.PTX.contains("\n.version 8.0\n"), "dropout.ptx: .version 8.0");
    for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) { // a mask is floating-point
      DeviceBuffer out = new CudaBuffer(new Object(), dt, 0, null, null);
      DeviceBuffer counter = new CudaBuffer(new Object(), DType.FLOAT64, 0, null, null);
      Shape s = Shape.of(5, 3);
      KernelCall call = new KernelCall(null, List.of(out, counter),
          List.of(new TensorSpec(s, dt), new TensorSpec(Shape.of(1), DType.FLOAT64)),
          Attrs.of(AttrKeys.P, 0.25, AttrKeys.SEED, 99L), out, new TensorSpec(s, dt));
      List<Object> args = k.args(call);
      assertEquals(List.of(out, 15L, 99L, counter, DropoutMask.threshold(0.25), 1 / 0.75), args);
      String entry = k.entry(dt);
      List<String> types = signatures.get(entry);
      assertNotNull(types, entry + " is missing from dropout.ptx");
      assertEquals(types.size(),
          PtxPluginLauncher.convert(entry, types, args, dt, b -> new CUdeviceptr()).size(), entry);
    }
  }
}
