package dev.jgrad.autograd;

import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.Kernel;
import dev.jgrad.api.op.KernelCall;
import java.util.List;

/**
 * A kernel written as a composition of other tensor ops. It runs on every backend, and the op
 * still records as one graph node with its own gradient rule. The dispatcher calls
 * {@link #forward} directly and adopts the result, so there is no extra copy.
 *
 * <pre>{@code
 * registration.kernel("acme::swish", OpRegistry.ANY_BACKEND,
 *     (CompositeKernel) (in, attrs) -> in.get(0).mul(in.get(0).mul(attrs.getDouble("beta")).sigmoid()));
 * }</pre>
 */
@FunctionalInterface
public interface CompositeKernel extends Kernel {
  /** The op's result from its inputs; runs with recording off. */
  Tensor forward(List<Tensor> inputs, Attrs attrs);

  /** Fallback for callers that hand over buffers: compute, then copy into the output. */
  @Override
  default void compute(KernelCall call) {
    throw new UnsupportedOperationException(
        "a CompositeKernel runs through dev.jgrad.autograd.Ops, not on raw buffers");
  }
}
