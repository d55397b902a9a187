package dev.jgrad.cuda;

import dev.jgrad.api.DType;
import java.util.ArrayList;
import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * The argument list of one kernel launch, checked against the kernel's declared parameters as it
 * is built. A launch with a missing, extra or wrongly typed argument would read garbage on the
 * device; here it is an {@link IllegalStateException} on the host before anything is launched.
 */
final class KernelArgs {
  private final Kernel kernel;
  private final DType dtype;
  private final List<Pointer> values = new ArrayList<>();

  KernelArgs(Kernel kernel, DType dtype) {
    this.kernel = kernel;
    this.dtype = dtype;
  }

  Kernel kernel() {
    return kernel;
  }

  DType dtype() {
    return dtype;
  }

  KernelArgs ptr(CUdeviceptr pointer) {
    return add(Kernel.Param.PTR, Pointer.to(pointer));
  }

  KernelArgs i64(long value) {
    return add(Kernel.Param.I64, Pointer.to(new long[] {value}));
  }

  KernelArgs i32(int value) {
    return add(Kernel.Param.I32, Pointer.to(new int[] {value}));
  }

  /** A value of the kernel's dtype; rounded to float for FLOAT32 kernels. */
  KernelArgs scalar(double value) {
    return add(Kernel.Param.SCALAR, dtype == DType.FLOAT32
        ? Pointer.to(new float[] {(float) value})
        : Pointer.to(new double[] {value}));
  }

  KernelArgs bcast(byte[] struct) {
    if (struct.length != BroadcastPlan.STRUCT_BYTES) {
      throw new IllegalStateException(kernel.entry(dtype) + ": the broadcast struct has "
          + struct.length + " bytes, the kernel expects " + BroadcastPlan.STRUCT_BYTES);
    }
    return add(Kernel.Param.BCAST, Pointer.to(struct));
  }

  private KernelArgs add(Kernel.Param kind, Pointer value) {
    int i = values.size();
    List<Kernel.Param> declared = kernel.params();
    if (i >= declared.size()) {
      throw new IllegalStateException(kernel.entry(dtype) + " takes " + declared.size()
          + " arguments; a " + kind + " was passed as argument " + (i + 1));
    }
    if (declared.get(i) != kind) {
      throw new IllegalStateException(kernel.entry(dtype) + ": argument " + (i + 1) + " is a "
          + kind + " but the kernel declares " + declared.get(i) + " (declared " + declared + ")");
    }
    values.add(value);
    return this;
  }

  /** The kernelParams pointer for cuLaunchKernel; fails unless every parameter was given. */
  Pointer build() {
    if (values.size() != kernel.params().size()) {
      throw new IllegalStateException(kernel.entry(dtype) + " takes " + kernel.params().size()
          + " arguments but " + values.size() + " were given (declared " + kernel.params() + ")");
    }
    return Pointer.to(values.toArray(new NativePointerObject[0]));
  }
}
