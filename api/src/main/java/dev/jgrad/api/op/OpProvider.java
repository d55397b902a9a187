package dev.jgrad.api.op;

/**
 * Service interface through which op libraries, built-in and third-party alike, contribute op
 * definitions, kernels and gradient rules. A jar lists its provider in
 * {@code META-INF/services/dev.jgrad.api.op.OpProvider}. An op whose forward is composed from
 * existing ops (a {@code CompositeKernel}) runs on every backend at once:
 *
 * <pre>{@code
 * public final class SwishOps implements OpProvider {
 *   @Override
 *   public void register(OpRegistry.Registration r) {
 *     r.define(OpDef.builder("acme::swish").arity(1).attributes("beta")
 *         .shapeRule((in, a) -> in.get(0)).build());
 *     // forward: x * sigmoid(beta x), from existing ops
 *     r.kernel("acme::swish", OpRegistry.ANY_BACKEND, (CompositeKernel) (in, a) ->
 *         in.get(0).mul(in.get(0).mul(a.getDouble("beta")).sigmoid()));
 *     // backward: d/dx = s + beta x s (1 - s), with s = sigmoid(beta x)
 *     r.gradient("acme::swish", (GradientRule<Tensor>) ctx -> {
 *       Tensor x = ctx.input(0);
 *       double beta = ctx.attrs().getDouble("beta");
 *       Tensor s = x.mul(beta).sigmoid();
 *       return List.of(ctx.gradOutput().mul(s.add(x.mul(beta).mul(s).mul(s.neg().add(1)))));
 *     });
 *   }
 * }
 * // with the class listed in META-INF/services/dev.jgrad.api.op.OpProvider:
 * Tensor y = Ops.call("acme::swish", Attrs.of("beta", 1.0), x);
 * }</pre>
 *
 * <p>{@code CompositeKernel}, {@code Tensor} and {@code Ops} are the autograd module's. A kernel
 * per backend (Java over host arrays, or a {@link PtxKernel}) can be registered beside it; see
 * {@code examples/swish-plugin}.
 *
 * <p>{@code DocSnippetsTest} (training's tests, {@code dev.jgrad.snippets}) runs this example
 * as written and fails when the two differ.
 */
public interface OpProvider {
  /**
   * Registers this provider's ops; called once, when the registry is first used or preloaded
   * ({@link OpRegistry#preload}, on a thread of its own while a backend is being created): only
   * registrations here, no tensors created and no backend chosen.
   */
  void register(OpRegistry.Registration registration);
}
