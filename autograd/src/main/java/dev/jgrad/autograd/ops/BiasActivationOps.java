package dev.jgrad.autograd.ops;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;

import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.CompositeKernel;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A layer's bias and activation as one op: {@code y = act(x + bias)} for {@code x [rows, cols]}
 * and {@code bias [cols]}. Composed, the two are two passes over the activations (and a
 * temporary); as one op a backend can do them in one, and the CPU and CUDA backends register
 * such kernels under this name. The portable kernel composes {@code add} and the activation.
 *
 * <p>Only activations whose derivative follows from their output are offered, so the gradient
 * needs the saved output {@code y} and nothing of {@code x + bias}.
 *
 * <pre>{@code
 * Tensor h = BiasActivationOps.biasActivation(x.matmul(w), b, FusedActivation.RELU);
 * }</pre>
 */
public final class BiasActivationOps {
  public static final String BIAS_ACTIVATION = "jgrad::bias_activation";
  /** The attribute naming the activation, one of {@link FusedActivation#attrValue()}. */
  public static final String ACTIVATION = "activation";

  private BiasActivationOps() {}

  /** The activations {@value #BIAS_ACTIVATION} fuses, each with its derivative from its output. */
  public enum FusedActivation {
    /** The bias alone; d = g. */
    IDENTITY(z -> z, (g, y) -> g),
    /** d = g where y > 0, the same mask as x + bias > 0. */
    RELU(Tensor::relu, ActivationOps::reluGrad),
    /** d = g y (1 - y). */
    SIGMOID(Tensor::sigmoid, (g, y) -> g.mul(y).mul(y.neg().add(1))),
    /** d = g (1 - y^2). */
    TANH(Tensor::tanh, (g, y) -> g.mul(y.pow(2).neg().add(1)));

    /** Every constant, for the lookup by name without copying {@code values()} each call. */
    private static final List<FusedActivation> ALL = List.of(values());

    /** The activation of {@code z} with the ordinary (unfused) ops. */
    private final UnaryOperator<Tensor> forward;
    /** The gradient with respect to {@code x + bias}, from the output's {@code (g, y)}. */
    private final BinaryOperator<Tensor> backward;
    private final String attrValue;

    FusedActivation(UnaryOperator<Tensor> forward, BinaryOperator<Tensor> backward) {
      this.forward = forward;
      this.backward = backward;
      this.attrValue = name().toLowerCase(Locale.ROOT);
    }

    /** The attribute value: the lower-case name, e.g. {@code "relu"}. */
    public String attrValue() {
      return attrValue;
    }

    /**
     * The activation an op call's attributes name; an unknown one fails listing the choices. On
     * every op call and its gradient, so the list of choices is built only on failure.
     */
    static FusedActivation of(Attrs attrs) {
      if (!attrs.has(ACTIVATION)) {
        throw new IllegalArgumentException(BIAS_ACTIVATION + ": missing attribute '" + ACTIVATION
            + "'; give one of " + choices());
      }
      String name = attrs.getString(ACTIVATION);
      for (FusedActivation a : ALL) {
        if (a.attrValue.equals(name)) {
          return a;
        }
      }
      throw new IllegalArgumentException(BIAS_ACTIVATION + ": unknown activation '" + name
          + "'; it fuses " + choices());
    }

    private static String choices() {
      return ALL.stream().map(FusedActivation::attrValue).collect(Collectors.joining(", "));
    }
  }

  /** {@code activation(x + bias)} as one graph node. */
  public static Tensor biasActivation(Tensor x, Tensor bias, FusedActivation activation) {
    return Ops.call(BIAS_ACTIVATION, Attrs.of(ACTIVATION, activation.attrValue()), x, bias);
  }

  static void register(OpRegistry.Registration r) {
    registerOp(r, OpDef.builder(BIAS_ACTIVATION).arity(2).shapeRule((in, a) -> {
      FusedActivation.of(a);
      Shape x = in.get(0).shape();
      Shape bias = in.get(1).shape();
      checkArgument(x.rank() == 2 && bias.rank() == 1 && bias.dim(0) == x.dim(1),
          "%s: needs x [rows, cols] and bias [cols], got %s and %s", BIAS_ACTIVATION, x, bias);
      return in.get(0);
    }).build(),
        (CompositeKernel) (in, a) -> FusedActivation.of(a).forward.apply(in.get(0).add(in.get(1))),
        // dz from the saved output alone; the bias gets dz summed over the rows
        ctx -> {
          Tensor dz = FusedActivation.of(ctx.attrs()).backward.apply(ctx.gradOutput(),
              ctx.output());
          return Arrays.asList(ctx.needsGradient(0) ? dz : null,
              ctx.needsGradient(1) ? dz.sum(0, false) : null);
        });
  }
}
