package dev.jgrad.cuda;

import static dev.jgrad.api.op.AttrKeys.P;
import static dev.jgrad.api.op.AttrKeys.SEED;
import static dev.jgrad.api.op.OpNames.DROPOUT_MASK;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.DropoutMask;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.PtxKernel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The CUDA kernel of {@code jgrad::dropout_mask}: {@code dropout.ptx}'s
 * {@code jg_dropout_mask}, the device twin of {@link DropoutMask}, writing the mask on the GPU
 * instead of uploading one. The host computes the integer threshold with {@link DropoutMask}
 * itself; the device reads the call's counter from its input when it runs, makes the key from it
 * and the seed, and does the per-element hash and comparison.
 */
public final class CudaDropoutKernel implements OpProvider {
  /** The text of {@code dropout.ptx}. */
  static final String PTX = new String(NativeResources.read("dropout.ptx"), StandardCharsets.UTF_8);

  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(DROPOUT_MASK, CudaBackend.NAME, PtxKernel.builder(PTX)
        .entry(DType.FLOAT32, FusedKernels.entry("jg_dropout_mask", DType.FLOAT32))
        .entry(DType.FLOAT64, FusedKernels.entry("jg_dropout_mask", DType.FLOAT64))
        .elementwise()
        .args(c -> args(c.output(), c.outputSpec().shape().size(), c.input(1), c.attrs()))
        .build());
  }

  /**
   * {@code (out, n, seed, counter, threshold, scale)}; the scale as a Double, which the launcher
   * narrows to float for FLOAT32 exactly as
   * {@link DropoutMask#fill(float[], int, double, long, long)} does.
   */
  static List<Object> args(DeviceBuffer out, long n, DeviceBuffer counter, Attrs a) {
    double p = a.getDouble(P);
    return List.of(out, n, a.getLong(SEED), counter, DropoutMask.threshold(p), 1.0 / (1.0 - p));
  }
}
