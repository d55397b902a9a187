package dev.jgrad.autograd.ops;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.jgrad.api.op.AttrKeys.ACTIVATION;
import static dev.jgrad.api.op.OpNames.BIAS_ACTIVATION;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;

import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.CompositeKernel;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;

/**
 * A layer's bias and activation as one op: {@code y = act(x + bias)} for {@code x [rows, cols]}
 * and {@code bias [cols]}. Composed, the two are two passes over the activations (and a
 * temporary); as one op a backend can do them in one, and the CPU and CUDA backends register
 * such kernels under this name. The portable kernel composes {@code add} and the activation.
 *
 * <p>Only activations whose derivative follows from their output are offered
 * ({@link FusedActivation}), so the gradient needs the saved output {@code y} and nothing of
 * {@code x + bias}.
 *
 * <pre>{@code
 * Tensor h = BiasActivationOps.biasActivation(x.matmul(w), b, FusedActivation.RELU);
 * }</pre>
 */
public final class BiasActivationOps {
  private BiasActivationOps() {}

  /** {@code activation(x + bias)} as one graph node. */
  public static Tensor biasActivation(Tensor x, Tensor bias, FusedActivation activation) {
    return Ops.call(BIAS_ACTIVATION, Attrs.of(ACTIVATION, activation.attrValue()), x, bias);
  }

  static void register(OpRegistry.Registration r) {
    registerOp(r, OpDef.builder(BIAS_ACTIVATION).arity(2).attributes(ACTIVATION).shapeRule((in, a) -> {
      FusedActivation.of(a);
      Shape x = in.get(0).shape();
      Shape bias = in.get(1).shape();
      checkArgument(x.rank() == 2 && bias.rank() == 1 && bias.dim(0) == x.dim(1),
          "%s: needs x [rows, cols] and bias [cols], got %s and %s", BIAS_ACTIVATION, x, bias);
      return in.get(0);
    }).gradientReadsInputs().build(),
        (CompositeKernel) (in, a) -> forward(FusedActivation.of(a), in.get(0).add(in.get(1))),
        // dz from the saved output alone; the bias gets dz summed over the rows
        ctx -> {
          Tensor dz = backward(FusedActivation.of(ctx.attrs()), ctx.gradOutput(), ctx.output());
          return Arrays.asList(ctx.needsGradient(0) ? dz : null,
              ctx.needsGradient(1) ? dz.sum(0, false) : null);
        });
  }

  /** The activation of {@code z} with the ordinary (unfused) ops. */
  private static Tensor forward(FusedActivation a, Tensor z) {
    return switch (a) {
      case IDENTITY -> z;
      case RELU -> z.relu();
      case SIGMOID -> z.sigmoid();
      case TANH -> z.tanh();
    };
  }

  /** The gradient with respect to {@code x + bias}, from the output's {@code (g, y)}. */
  private static Tensor backward(FusedActivation a, Tensor g, Tensor y) {
    return switch (a) {
      case IDENTITY -> g;
      // g where y > 0, the same mask as x + bias > 0
      case RELU -> ActivationOps.reluGrad(g, y);
      // g y (1 - y)
      case SIGMOID -> g.mul(y).mul(y.neg().add(1));
      // g (1 - y^2)
      case TANH -> g.mul(y.pow(2).neg().add(1));
    };
  }
}
