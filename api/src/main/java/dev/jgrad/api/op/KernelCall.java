package dev.jgrad.api.op;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DeviceBuffer;
import java.util.List;

/** Everything one kernel invocation sees: the backend, the input buffers and specs, the output. */
public record KernelCall(Backend backend, List<DeviceBuffer> inputs, List<TensorSpec> inputSpecs,
    Attrs attrs, DeviceBuffer output, TensorSpec outputSpec) {

  /** The buffer of input {@code i}. */
  public DeviceBuffer input(int i) {
    return inputs.get(i);
  }

  /** The shape and dtype of input {@code i}. */
  public TensorSpec inputSpec(int i) {
    return inputSpecs.get(i);
  }
}
