package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.ops.LossOps;

/**
 * PyTorch's elementwise losses with a {@link Reduction}, composed from tensor ops (their gradients
 * are the ops'; at a kink, the side PyTorch takes: {@code |x|}'s gradient is 0 at 0, and
 * {@link Tensor#clamp}'s is 1 at its bounds, which gives Huber's and smooth L1's {@code d / beta}
 * there, PyTorch's value). The mean reductions of MSE, BCE and BCE-with-logits stay the single
 * ops {@link Losses} always used, so their bits do not change.
 */
final class RegressionLosses {
  private RegressionLosses() {}

  static Tensor l1(Tensor y, Tensor t, Reduction r) {
    return r.apply(diff("l1Loss", y, t, r).abs());
  }

  /** {@code 0.5 d^2} for {@code |d| <= delta}, else {@code delta (|d| - 0.5 delta)}. */
  static Tensor huber(Tensor y, Tensor t, double delta, Reduction r) {
    checkArgument(delta > 0 && Double.isFinite(delta), "huberLoss: delta is %s; it must be "
        + "positive and finite", delta);
    return r.apply(huber(diff("huberLoss", y, t, r), delta));
  }

  /** Huber's loss over {@code beta} ({@code 0.5 d^2 / beta} or {@code |d| - 0.5 beta}); L1 at 0. */
  static Tensor smoothL1(Tensor y, Tensor t, double beta, Reduction r) {
    checkArgument(beta >= 0 && Double.isFinite(beta), "smoothL1Loss: beta is %s; it must be 0 "
        + "or more and finite", beta);
    Tensor d = diff("smoothL1Loss", y, t, r);
    return r.apply(beta == 0 ? d.abs() : huber(d, beta).div(beta));
  }

  static Tensor mse(Tensor y, Tensor t, Reduction r) {
    return r == Reduction.MEAN ? Losses.meanSquaredError(y, t)
        : r.apply(diff("meanSquaredError", y, t, r).square());
  }

  /** PyTorch's BCE with the 1e-7 delta of {@link Losses#binaryCrossEntropy} inside the logs. */
  static Tensor bce(Tensor p, Tensor t, Reduction r) {
    if (r == Reduction.MEAN) {
      return Losses.binaryCrossEntropy(p, t);
    }
    checkShapes("binaryCrossEntropy", p, t, r);
    Tensor logP = p.add(LossOps.DELTA).log();
    Tensor logQ = p.neg().add(1 + LossOps.DELTA).log();
    return r.apply(t.mul(logP).add(t.neg().add(1).mul(logQ)).neg());
  }

  /**
   * {@code (1 - t) x + (1 + (w - 1) t) (log(1 + exp(-|x|)) + max(-x, 0))}, PyTorch's stable form;
   * {@code posWeight} null is {@code w = 1}.
   */
  static Tensor bceWithLogits(Tensor x, Tensor t, Tensor posWeight, Reduction r) {
    if (posWeight == null && r == Reduction.MEAN) {
      return Losses.binaryCrossEntropyWithLogits(x, t);
    }
    checkShapes("binaryCrossEntropyWithLogits", x, t, r);
    Tensor softplusNeg = x.abs().neg().exp().add(1).log().add(x.neg().relu());
    Tensor logWeight = posWeight == null ? null : posWeight.sub(1).mul(t).add(1);
    Tensor positive = logWeight == null ? softplusNeg : softplusNeg.mul(logWeight);
    return r.apply(t.neg().add(1).mul(x).add(positive));
  }

  private static Tensor huber(Tensor d, double delta) {
    Tensor inner = d.clamp(-delta, delta);
    return inner.square().mul(0.5).add(d.abs().sub(inner.abs()).mul(delta));
  }

  private static Tensor diff(String op, Tensor y, Tensor t, Reduction r) {
    checkShapes(op, y, t, r);
    return y.sub(t);
  }

  private static void checkShapes(String op, Tensor y, Tensor t, Reduction r) {
    checkNotNull(r, "%s: reduction is null; use Reduction.MEAN, SUM or NONE", op);
    checkNotNull(y, "%s: prediction is null", op);
    checkNotNull(t, "%s: target is null", op);
    if (!y.shape().equals(t.shape())) {
      throw new IllegalArgumentException(op + ": prediction " + y.shape() + " and target "
          + t.shape() + " must have the same shape" + (y.size() == t.size()
              ? " (reshape the target: target.reshape(prediction.shape().dims()))" : ""));
    }
    checkArgument(y.size() > 0, "%s: prediction %s is empty; a loss needs at least one element",
        op, y.shape());
  }
}
