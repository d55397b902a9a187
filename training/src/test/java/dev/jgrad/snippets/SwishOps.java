package dev.jgrad.snippets;

import dev.jgrad.api.op.GradientRule;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.CompositeKernel;
import dev.jgrad.autograd.Tensor;
import java.util.List;

// snippet:OpProvider (the class comment of dev.jgrad.api.op.OpProvider; DocSnippetsTest)
public final class SwishOps implements OpProvider {
  @Override
  public void register(OpRegistry.Registration r) {
    r.define(OpDef.builder("acme::swish").arity(1).attributes("beta")
        .shapeRule((in, a) -> in.get(0)).build());
    // forward: x * sigmoid(beta x), from existing ops
    r.kernel("acme::swish", OpRegistry.ANY_BACKEND, (CompositeKernel) (in, a) ->
        in.get(0).mul(in.get(0).mul(a.getDouble("beta")).sigmoid()));
    // backward: d/dx = s + beta x s (1 - s), with s = sigmoid(beta x)
    r.gradient("acme::swish", (GradientRule<Tensor>) ctx -> {
      Tensor x = ctx.input(0);
      double beta = ctx.attrs().getDouble("beta");
      Tensor s = x.mul(beta).sigmoid();
      return List.of(ctx.gradOutput().mul(s.add(x.mul(beta).mul(s).mul(s.neg().add(1)))));
    });
  }
}
// end-snippet
