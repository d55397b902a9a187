package dev.jgrad.optim;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedSgd;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * An optimizer's learning rate on the device, for the {@link FusedSgd} updates, which read it
 * when they run: per backend a one-element FLOAT64 buffer, written only when the rate changed.
 * A captured step ({@link dev.jgrad.api.GraphCapture}) refills it before each launch, so a
 * schedule may change the rate every step without a new capture.
 */
final class DeviceRate {
  private final String kind;
  private final DoubleSupplier rate;
  private final Map<Backend, DeviceBuffer> buffers = new IdentityHashMap<>();
  /** The rate each buffer holds (filled on the device, in stream order). */
  private final Map<DeviceBuffer, Double> filled = new IdentityHashMap<>();

  /** For the optimizer of {@code kind} whose current rate {@code rate} gives. */
  DeviceRate(String kind, DoubleSupplier rate) {
    this.kind = kind;
    this.rate = rate;
  }

  /** Before an uncaptured step on {@code backend}: its buffer, made if needed, holds the rate. */
  void fill(Backend backend) {
    if (backend instanceof FusedSgd) {
      fillIfChanged(backend, buffers.computeIfAbsent(backend,
          b -> b.allocate(DType.FLOAT64, 1)));
    }
  }

  private void fillIfChanged(Backend backend, DeviceBuffer buffer) {
    double lr = rate.getAsDouble();
    Double holds = filled.get(buffer);
    if (holds == null || holds != lr) {
      backend.fill(buffer, lr);
      filled.put(buffer, lr);
    }
  }

  /**
   * What refills the buffers that exist now, before each launch of a captured step, or null
   * where there are none (no update reads the rate from the device). Running it twice before
   * one launch does no harm.
   */
  Runnable refill() {
    Map<Backend, DeviceBuffer> captured = new IdentityHashMap<>(buffers);
    return captured.isEmpty() ? null : () -> captured.forEach(this::fillIfChanged);
  }

  /** The buffer on {@code backend}, which {@link #fill} created in an uncaptured step. */
  DeviceBuffer on(Backend backend) {
    DeviceBuffer buffer = buffers.get(backend);
    if (buffer == null) { // only inside a capture: before any step on this backend
      throw new IllegalStateException(kind + "'s learning rate buffer does not exist yet on the "
          + backend.name() + " backend, and cannot be created inside a CUDA graph capture; run "
          + "one step without the graph first, then capture");
    }
    return buffer;
  }
}
