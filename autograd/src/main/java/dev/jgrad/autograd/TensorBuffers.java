package dev.jgrad.autograd;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BackendOutOfMemoryException;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import java.util.function.Supplier;

/**
 * A new tensor's buffer whose failures say who asked for it: an op's output ("jgrad::matmul on
 * cpu, inputs [...], output ...") or a factory's ("Tensor.full"), in front of the backend's own
 * words, for a heap or device too small and for a shape too large for one buffer alike.
 */
final class TensorBuffers {
  private TensorBuffers() {}

  static DeviceBuffer allocate(Backend backend, DType dtype, Shape shape,
      Supplier<String> where) {
    try {
      return backend.allocate(dtype, shape.size());
    } catch (BackendOutOfMemoryException e) {
      throw OpFailure.outOfMemoryIn(e, where);
    } catch (IllegalArgumentException e) { // the contract's only refusal of a length: too large
      throw new IllegalArgumentException(where.get() + ": shape " + shape + " has " + shape.size()
          + " elements, more than one buffer holds (" + e.getMessage() + ")", e);
    }
  }
}
