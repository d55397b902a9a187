package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gradient clipping by global norm, PyTorch's {@code torch.nn.utils.clip_grad_norm_}: the norm of
 * all gradients taken together, {@code sqrt(sum of g^2 over every parameter)}, and when it exceeds
 * {@code maxNorm} every gradient scaled by {@code maxNorm / (norm + 1e-6)}, so the update keeps
 * its direction but not its size. Call it between {@code backward()} and the optimizer's step.
 *
 * <pre>{@code
 * loss.backward();
 * double norm = GradClip.clipGlobalNorm(model.namedParameters(), 1.0);   // one read
 * optimizer.step();
 * }</pre>
 *
 * <p>The norm and the scaling are computed on the device. {@link #clipGlobalNorm} reads the norm
 * once, and fails on a NaN or infinite norm without changing any gradient, naming the first
 * parameter whose gradient is not finite (PyTorch's {@code error_if_nonfinite=True}).
 * {@link #clipGlobalNormOnDevice} reads nothing, so a GPU need not wait; like PyTorch's default
 * ({@code error_if_nonfinite=False}) it cannot fail, and a non-finite gradient stays non-finite
 * (an infinite norm scales the finite gradients to 0), so the parameters and the next loss show
 * it; {@code Trainer} uses this one, and stops on that loss. Parameters without a gradient are
 * left out; a parameter listed under two names (a layer used twice, in
 * {@code namedParameters()}) counts once, as in PyTorch's {@code model.parameters()}; a gradient
 * buffer two parameters share is scaled once.
 */
public final class GradClip {
  /** Added to the norm before dividing, as PyTorch does, so a zero norm divides safely. */
  public static final double EPSILON = 1e-6;

  private GradClip() {}

  /**
   * Clips the gradients of {@code parameters} to the global norm {@code maxNorm} and returns the
   * norm they had; one read from the device. Fails, changing nothing, when the norm is not finite.
   */
  public static double clipGlobalNorm(Map<String, Tensor> parameters, double maxNorm) {
    List<Tensor> grads = gradients(parameters, maxNorm);
    if (grads.isEmpty()) {
      return 0;
    }
    try (NoGrad ignored = NoGrad.scope()) {
      double norm = norm(grads).item();
      if (!Double.isFinite(norm)) {
        String culprit = firstNonFinite(parameters);
        throw new IllegalStateException(String.format("gradient clipping: the gradients' global"
            + " norm is %s (%s); lower the learning rate, or look for a log or a division by 0 in"
            + " the loss", norm, culprit == null ? "each gradient is finite, the sum of their"
            + " squares overflowed" : "parameter '" + culprit + "' has a gradient that is not"
            + " finite"));
      }
      double coefficient = maxNorm / (norm + EPSILON);
      if (coefficient < 1) {
        for (Tensor g : distinctBuffers(grads)) {
          g.backend().scalar(BinaryOp.MUL, g.buffer(), coefficient, g.buffer());
        }
      }
      return norm;
    }
  }

  /**
   * Clips as {@link #clipGlobalNorm} does without reading anything from the device: returns the
   * norm before clipping as a scalar tensor (0 without gradients), and never fails on a
   * non-finite norm.
   */
  public static Tensor clipGlobalNormOnDevice(Map<String, Tensor> parameters, double maxNorm) {
    List<Tensor> grads = gradients(parameters, maxNorm);
    if (grads.isEmpty()) {
      return Tensor.scalar(0, Tensor.DEFAULT_DTYPE);
    }
    try (NoGrad ignored = NoGrad.scope()) {
      Tensor norm = norm(grads);
      // min(1, maxNorm / (norm + eps)) with scalar ops only: no constant to upload
      Tensor scaled = norm.add(EPSILON).pow(-1).mul(maxNorm);
      Tensor coefficient = scaled.neg().add(1).relu().neg().add(1);
      for (Tensor g : distinctBuffers(grads)) {
        Tensor c = coefficient.dtype() == g.dtype() ? coefficient : coefficient.to(g.dtype());
        g.backend().binary(BinaryOp.MUL, g.buffer(), g.shape(), c.buffer(), c.shape(),
            g.buffer(), g.shape());
      }
      return norm;
    }
  }

  private static List<Tensor> gradients(Map<String, Tensor> parameters, double maxNorm) {
    checkNotNull(parameters, "parameters is null; pass model.namedParameters()");
    checkArgument(maxNorm > 0 && Double.isFinite(maxNorm),
        "gradient clipping: maxNorm must be positive and finite, got %s", maxNorm);
    List<Tensor> grads = new ArrayList<>();
    // a tensor listed under two names (a layer used twice) is one parameter: its gradient counts
    // once in the norm, as in PyTorch's model.parameters()
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor p : parameters.values()) {
      if (p.grad() != null && seen.add(p)) {
        grads.add(p.grad());
      }
    }
    return grads;
  }

  /**
   * {@code sqrt(sum of g^2)} over all the gradients, as a scalar on their device; in FLOAT64 when
   * the gradients are of two dtypes.
   */
  private static Tensor norm(List<Tensor> grads) {
    DType first = grads.get(0).dtype();
    boolean mixed = grads.stream().anyMatch(g -> g.dtype() != first);
    Tensor sum = null;
    for (Tensor g : grads) {
      Tensor squares = g.mul(g).sum();
      if (mixed) {
        squares = squares.to(DType.FLOAT64);
      }
      sum = sum == null ? squares : sum.add(squares);
    }
    return sum.sqrt();
  }

  /** One gradient per buffer: autograd may hand two parameters the same gradient buffer. */
  private static List<Tensor> distinctBuffers(List<Tensor> grads) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    return grads.stream().filter(g -> seen.add(g.buffer())).toList();
  }

  /** The first parameter with a NaN or infinite gradient element (read on the host: an error). */
  private static String firstNonFinite(Map<String, Tensor> parameters) {
    for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
      Tensor g = e.getValue().grad();
      if (g != null) {
        for (double v : g.toDoubleArray()) {
          if (!Double.isFinite(v)) {
            return e.getKey();
          }
        }
      }
    }
    return null;
  }
}
