package dev.jgrad.autograd;

/**
 * A try-with-resources scope in which ops record graph nodes again inside a {@link NoGrad} one
 * (PyTorch's {@code torch.enable_grad()}): a gradient computed inside evaluation code, say.
 *
 * <pre>{@code
 * try (EnableGrad ignored = EnableGrad.scope()) {
 *   Tensor loss = model.forward(x.requiresGrad(true)).sum();
 *   List<Tensor> saliency = Autograd.grad(loss, List.of(x));
 * }
 * }</pre>
 */
public final class EnableGrad extends GradModeScope {
  private EnableGrad() {
    super(true);
  }

  /** Turns recording on on this thread until {@link #close()}, which restores the previous mode. */
  public static EnableGrad scope() {
    return new EnableGrad();
  }
}
