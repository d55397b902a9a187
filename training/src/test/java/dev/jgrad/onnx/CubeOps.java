package dev.jgrad.onnx;

import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.CompositeKernel;

/**
 * A test plugin op, {@code scale * x^3}, which jgrad's exporter cannot know: its ONNX lowering
 * comes from {@link CubeOnnx}, found by ServiceLoader as a plugin jar's would be (both listed in
 * this module's test resources, META-INF/services).
 */
public final class CubeOps implements OpProvider {
  /** The op's name. */
  public static final String CUBE = "onnxtest::cube";

  @Override
  public void register(OpRegistry.Registration r) {
    // inference only: the exporter's tests never take its gradient
    r.define(OpDef.builder(CUBE).arity(1).differentiable(false).shapeRule((in, a) -> in.get(0))
        .build());
    r.kernel(CUBE, OpRegistry.ANY_BACKEND, (CompositeKernel) (in, a) ->
        in.get(0).mul(in.get(0)).mul(in.get(0)).mul(a.getDouble("scale", 1.0)));
  }
}
