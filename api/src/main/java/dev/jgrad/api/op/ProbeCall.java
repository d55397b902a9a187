package dev.jgrad.api.op;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in {@link KernelCall} of an op, made at registration to learn what a
 * {@link PtxKernel}'s {@code args} function passes without running anything: small inputs of the
 * entry's dtype (indices INT32), no attributes, buffers that hold no memory, and no backend.
 */
final class ProbeCall {
  /** Input shapes tried in turn until the op's shape rule takes one. */
  private static final int[][] SHAPES = {{2, 2}, {2, 2, 2, 2}, {2}, {}};

  private ProbeCall() {}

  /** A call of {@code def} for {@code dtype}, or null when its shape rule takes none we try. */
  static KernelCall of(OpDef def, DType dtype) {
    int arity = def.arity() == OpDef.VARIADIC ? 2 : def.arity();
    for (int[] dims : SHAPES) {
      List<TensorSpec> specs = new ArrayList<>();
      for (int i = 0; i < arity; i++) {
        specs.add(new TensorSpec(Shape.of(dims), def.isIndexInput(i) ? DType.INT32 : dtype));
      }
      TensorSpec out;
      try {
        out = def.infer(specs, Attrs.empty());
      } catch (RuntimeException rejected) {
        continue;
      }
      List<DeviceBuffer> inputs = new ArrayList<>();
      specs.forEach(s -> inputs.add(new Placeholder(s)));
      return new KernelCall(null, inputs, specs, Attrs.empty(), new Placeholder(out), out);
    }
    return null;
  }

  /** A buffer of a spec's length and dtype that owns no memory. */
  private record Placeholder(TensorSpec spec) implements DeviceBuffer {
    @Override
    public DType dtype() {
      return spec.dtype();
    }

    @Override
    public long length() {
      return spec.shape().size();
    }

    @Override
    public String backendName() {
      return "registration check";
    }

    @Override
    public boolean isClosed() {
      return false;
    }

    @Override
    public void close() {}
  }
}
