package dev.jgrad.examples.swish;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.onnx.OnnxLoweringContext;
import dev.jgrad.onnx.OnnxModuleLowering;
import dev.jgrad.onnx.OnnxModuleLoweringProvider;
import java.util.List;
import java.util.Random;

/**
 * A user's custom module calling swish in its forward, {@code x + fc2(swish(fc1(x)))}, with the
 * ONNX lowering its jar would ship ({@link Onnx}, listed in this module's test resources under
 * META-INF/services/dev.jgrad.onnx.OnnxModuleLoweringProvider).
 */
final class SwishBlock extends Module {
  private final Linear fc1;
  private final Linear fc2;
  private final Attrs attrs;

  SwishBlock(int features, int hidden, double beta, Random random, DType dtype) {
    fc1 = registerModule("fc1", new Linear(features, hidden, Init.he(), random, dtype));
    fc2 = registerModule("fc2", new Linear(hidden, features, Init.he(), random, dtype));
    attrs = Attrs.of("beta", beta);
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.add(fc2.forward(Ops.call(SwishOps.SWISH, attrs, fc1.forward(x))));
  }

  /** The block's lowering: swish's nodes come from {@link SwishOnnx}, through onnx.op. */
  public static final class Onnx implements OnnxModuleLoweringProvider {
    @Override
    public List<OnnxModuleLowering<?>> lowerings() {
      return List.of(OnnxModuleLowering.of(SwishBlock.class, Onnx::lower));
    }

    private static String lower(SwishBlock block, OnnxLoweringContext onnx) {
      String h = onnx.child("fc1", onnx.input());
      String s = onnx.op(SwishOps.SWISH, block.attrs, h);
      String o = onnx.child("fc2", s);
      return onnx.node("Add", List.of(onnx.input(), o), onnx.name("out")).output();
    }
  }
}
