package dev.jgrad.onnx;

import dev.jgrad.api.op.Attrs;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import java.util.List;
import java.util.Random;

/**
 * A custom module calling the plugin op {@link CubeOps#CUBE} in its forward:
 * {@code x + fc2(cube(fc1(x)))}. Its lowering ships in {@link Onnx}, found by ServiceLoader (this
 * module's test resources list it), as a plugin jar's would be.
 */
public final class CubeBlock extends Module {
  private final Linear fc1;
  private final Linear fc2;
  private final double scale;

  public CubeBlock(int features, int hidden, double scale, Random random) {
    fc1 = registerModule("fc1", new Linear(features, hidden, Init.he(), random));
    fc2 = registerModule("fc2", new Linear(hidden, features, Init.he(), random));
    this.scale = scale;
  }

  Attrs attrs() {
    return Attrs.of("scale", scale);
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.add(fc2.forward(Ops.call(CubeOps.CUBE, attrs(), fc1.forward(x))));
  }

  /** CubeBlock's lowering: the op through its own lowering ({@link CubeOnnx}), not repeated. */
  public static final class Onnx implements OnnxModuleLoweringProvider {
    @Override
    public List<OnnxModuleLowering<?>> lowerings() {
      return List.of(OnnxModuleLowering.of(CubeBlock.class, Onnx::lower));
    }

    static String lower(CubeBlock block, OnnxLoweringContext onnx) {
      String h = onnx.child("fc1", onnx.input());
      String cubed = onnx.op(CubeOps.CUBE, block.attrs(), h);
      String o = onnx.child("fc2", cubed); // the op's output dims are known
      return onnx.node("Add", List.of(onnx.input(), o), onnx.name("out")).output();
    }
  }
}
