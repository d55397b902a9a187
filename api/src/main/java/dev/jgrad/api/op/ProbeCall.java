package dev.jgrad.api.op;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in {@link KernelCall} of an op, made to learn what a {@link PtxKernel}'s {@code args}
 * function passes without running anything: at registration small inputs of the entry's dtype
 * (indices INT32) and no attributes, for the test kit the shapes and attributes of its calls;
 * buffers that hold no memory, and no backend.
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
      try {
        return of(def, specs, Attrs.empty());
      } catch (RuntimeException rejected) {
        continue;
      }
    }
    return null;
  }

  /** A call of {@code def} on inputs of {@code shapes}; the shape rule's error if it rejects. */
  static KernelCall of(OpDef def, DType dtype, List<Shape> shapes, Attrs attrs) {
    List<TensorSpec> specs = new ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      specs.add(new TensorSpec(shapes.get(i), def.isIndexInput(i) ? DType.INT32 : dtype));
    }
    return of(def, specs, attrs);
  }

  private static KernelCall of(OpDef def, List<TensorSpec> specs, Attrs attrs) {
    TensorSpec out = def.infer(specs, attrs);
    List<DeviceBuffer> inputs = new ArrayList<>();
    specs.forEach(s -> inputs.add(new Placeholder(s)));
    return new KernelCall(null, inputs, specs, attrs, new Placeholder(out), out);
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
