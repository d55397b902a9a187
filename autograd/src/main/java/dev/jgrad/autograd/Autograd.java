package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Gradients as values, PyTorch's {@code torch.autograd.grad}: the gradient of an output with
 * respect to chosen tensors, returned instead of added to their {@link Tensor#grad()}.
 *
 * <pre>{@code
 * Tensor y = x.pow(3).sum();
 * Tensor dy = Autograd.grad(y, List.of(x), GradOptions.defaults().createGraph()).get(0); // 3x^2
 * Tensor d2y = Autograd.grad(dy.sum(), List.of(x)).get(0);                                // 6x
 * }</pre>
 *
 * <p>With {@link GradOptions#createGraph()} each gradient rule runs recording, so the gradients
 * are differentiable again (higher derivatives, gradient penalties). A rule is differentiable as
 * far as the ops it is written in are: every built-in op's is, a plugin op's when its rule
 * composes differentiable ops.
 */
public final class Autograd {
  private Autograd() {}

  /** {@link #grad(Tensor, List, GradOptions)} with {@link GradOptions#defaults()}. */
  public static List<Tensor> grad(Tensor output, List<Tensor> inputs) {
    return grad(output, inputs, GradOptions.defaults());
  }

  /**
   * The gradient of {@code output} with respect to each of {@code inputs} (leaves or computed
   * tensors, each requiring grad), in their order; no tensor's {@link Tensor#grad()} changes.
   * Fails, naming it, for an input that does not require grad, or that the output does not
   * depend on (unless {@link GradOptions#allowUnused()}, which gives null for it).
   */
  public static List<Tensor> grad(Tensor output, List<Tensor> inputs, GradOptions options) {
    checkArgument(output != null, "Autograd.grad: the output is null");
    checkArgument(inputs != null && !inputs.isEmpty(),
        "Autograd.grad: no inputs given; name the tensors to differentiate with respect to");
    checkArgument(options != null, "Autograd.grad: options is null; use GradOptions.defaults()");
    for (int i = 0; i < inputs.size(); i++) {
      Tensor in = inputs.get(i);
      checkArgument(in != null, "Autograd.grad: input %s is null", i);
      checkArgument(in.requiresGrad(), "Autograd.grad: input %s (%s) does not require grad; "
          + "mark it with requiresGrad(true) before computing the output from it", i,
          in.describe());
    }
    List<Tensor> grads = Backprop.gradients(output, options.gradOutputOrNull(), inputs,
        options.retainsGraph(), options.createsGraph());
    List<Tensor> out = new ArrayList<>(grads);
    for (int i = 0; i < out.size(); i++) {
      checkArgument(out.get(i) != null || options.allowsUnused(), "Autograd.grad: input %s (%s) "
          + "is not used to compute the output %s; pass GradOptions.allowUnused() to get null "
          + "for it", i, inputs.get(i).describe(), output.spec());
    }
    return Collections.unmodifiableList(out);
  }
}
