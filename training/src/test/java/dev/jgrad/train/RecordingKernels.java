package dev.jgrad.train;

import static dev.jgrad.api.op.AttrKeys.P;
import static dev.jgrad.api.op.AttrKeys.SEED;
import static dev.jgrad.api.op.OpNames.DROPOUT_MASK;

import dev.jgrad.api.DType;
import dev.jgrad.api.HostBuffer;
import dev.jgrad.api.op.DropoutMask;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * The {@link RecordingCaptureBackend}'s own kernel of {@code jgrad::dropout_mask}, as the CUDA
 * backend has one: device work that reads the counter input when it runs, recorded into a capture
 * like a primitive call (the portable kernel reads the counter on the host, which no graph can
 * hold).
 */
public final class RecordingKernels implements OpProvider {
  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(DROPOUT_MASK, RecordingCaptureBackend.NAME, RecordingKernels::dropoutMask);
  }

  private static void dropoutMask(KernelCall c) {
    HostBuffer out = (HostBuffer) RecordingCaptureBackend.real(c.output());
    HostBuffer counter = (HostBuffer) RecordingCaptureBackend.real(c.input(1));
    double p = c.attrs().getDouble(P);
    long seed = c.attrs().getLong(SEED);
    RecordingCaptureBackend.of(c.backend()).runOrRecord(() -> {
      long call = DropoutMask.counter(DROPOUT_MASK, counter.doubleArray()[0]);
      if (out.dtype() == DType.FLOAT32) {
        DropoutMask.fill(out.floatArray(), (int) out.length(), p, seed, call);
      } else {
        DropoutMask.fill(out.doubleArray(), (int) out.length(), p, seed, call);
      }
    });
  }
}
