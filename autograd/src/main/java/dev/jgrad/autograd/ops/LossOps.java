package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.OpNames.BCE;
import static dev.jgrad.api.op.OpNames.BCE_WITH_LOGITS;
import static dev.jgrad.api.op.OpNames.CROSS_ENTROPY;
import static dev.jgrad.api.op.OpNames.MSE;
import static dev.jgrad.api.op.OpNames.SOFTMAX_CROSS_ENTROPY;
import static dev.jgrad.api.op.OpNames.SSE;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;
import static java.util.stream.Collectors.joining;

import dev.jgrad.api.Shape;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.ShapeRule;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.CompositeKernel;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;

/**
 * Losses as single graph nodes: the forward composed from tensor ops, the gradient given in
 * closed form. Inputs are (prediction, target) of the same shape; batches are rows.
 */
public final class LossOps {
  /** The book's delta that keeps log(0) away from cross-entropy on probabilities. */
  public static final double DELTA = 1e-7;

  private LossOps() {}

  static void register(OpRegistry.Registration r) {
    // mean((y - t)^2); d/dy = 2 (y - t) / N
    loss(r, MSE, (in, a) -> in.get(0).sub(in.get(1)).pow(2).mean(), ctx -> {
      Tensor d = ctx.input(0).sub(ctx.input(1)).mul(ctx.gradOutput())
          .mul(2.0 / ctx.input(0).size());
      return Arrays.asList(d, d.neg());
    });
    // 0.5 * sum((y - t)^2); d/dy = y - t
    loss(r, SSE, (in, a) -> in.get(0).sub(in.get(1)).pow(2).sum().mul(0.5), ctx -> {
      Tensor d = ctx.input(0).sub(ctx.input(1)).mul(ctx.gradOutput());
      return Arrays.asList(d, d.neg());
    });
    // -sum(t log(y + delta)) / batch; d/dy = -t / (y + delta) / batch
    loss(r, CROSS_ENTROPY, (in, a) -> in.get(1).mul(in.get(0).add(DELTA).log()).sum().neg()
        .div(batch(in.get(0))), ctx -> {
          Tensor y = ctx.input(0);
          Tensor t = ctx.input(1);
          Tensor scale = ctx.gradOutput().div(-batch(y));
          return Arrays.asList(t.div(y.add(DELTA)).mul(scale), y.add(DELTA).log().mul(scale));
        });
    // -sum(t log softmax(x)) / batch, with a stable log-softmax;
    // d/dx = (softmax(x) * sum(t) - t) / batch, which is the familiar (y - t) / batch when each
    // target row sums to 1 (one-hot or probabilities) and stays right when it does not.
    loss(r, SOFTMAX_CROSS_ENTROPY,
        (in, a) -> in.get(1).mul(logSoftmax(in.get(0))).sum().neg().div(batch(in.get(0))),
        ctx -> {
          Tensor x = ctx.input(0);
          Tensor t = ctx.input(1);
          Tensor scale = ctx.gradOutput().div(batch(x));
          Tensor dx = x.softmax(-1).mul(t.sum(-1, true)).sub(t).mul(scale);
          return Arrays.asList(dx, ctx.needsGradient(1) ? logSoftmax(x).mul(scale).neg() : null);
        });
    // -mean(t log(p + d) + (1 - t) log(1 - p + d))
    loss(r, BCE, (in, a) -> {
      Tensor p = in.get(0);
      Tensor t = in.get(1);
      return t.mul(p.add(DELTA).log()).add(t.neg().add(1).mul(p.neg().add(1 + DELTA).log()))
          .mean().neg();
    }, ctx -> {
      Tensor p = ctx.input(0);
      Tensor t = ctx.input(1);
      Tensor scale = ctx.gradOutput().div(p.size());
      Tensor dp = t.neg().add(1).div(p.neg().add(1 + DELTA)).sub(t.div(p.add(DELTA))).mul(scale);
      Tensor dt = p.neg().add(1 + DELTA).log().sub(p.add(DELTA).log()).mul(scale);
      return Arrays.asList(dp, dt);
    });
    // mean(max(x, 0) - x t + log(1 + exp(-|x|))), stable for any x; d/dx = (sigmoid(x) - t) / N
    loss(r, BCE_WITH_LOGITS, (in, a) -> {
      Tensor x = in.get(0);
      Tensor absX = x.relu().add(x.neg().relu());
      return x.relu().sub(x.mul(in.get(1))).add(absX.neg().exp().add(1).log()).mean();
    }, ctx -> {
      Tensor x = ctx.input(0);
      Tensor scale = ctx.gradOutput().div(x.size());
      return Arrays.asList(x.sigmoid().sub(ctx.input(1)).mul(scale), x.mul(scale).neg());
    });
  }

  private static void loss(OpRegistry.Registration r, String name, CompositeKernel forward,
      dev.jgrad.api.op.GradientRule<Tensor> gradient) {
    registerOp(r, OpDef.builder(name).arity(2).attributes().shapeRule(sameShapes(name))
        .gradientReadsInputs(0, 1).gradientReadsOutput(false).build(), forward,
        gradient);
  }

  private static String dimList(Shape shape) {
    return Arrays.stream(shape.dims()).mapToObj(String::valueOf).collect(joining(", "));
  }

  /** Prediction and target must have the same shape; the loss is a scalar. */
  private static ShapeRule sameShapes(String op) {
    return (in, attrs) -> {
      Shape y = in.get(0).shape();
      Shape t = in.get(1).shape();
      if (!y.equals(t)) {
        // same values, other shape: a regression's targets [n] for a model's [n, 1], as a
        // PyTorch user would pass them (where PyTorch would broadcast, with a warning)
        String hint = y.size() == t.size()
            ? "reshape the target: target.reshape(" + dimList(y) + ")"
            : "use one-hot targets, or the labels overload";
        throw new IllegalArgumentException(op + ": prediction " + y + " and target " + t
            + " must have the same shape (" + hint + ")");
      }
      if (y.size() == 0) { // said here: the sums inside would refuse naming themselves
        throw new IllegalArgumentException(op + ": prediction " + y + " is empty; a loss "
            + "needs at least one element");
      }
      return new TensorSpec(Shape.scalar(), in.get(0).dtype());
    };
  }

  /** Rows of a batch; a 1-D prediction is one sample, as in the book. */
  static int batch(Tensor y) {
    return y.rank() >= 2 ? y.shape().dim(0) : 1;
  }

  /** x - max - log(sum(exp(x - max))) along the last axis. */
  static Tensor logSoftmax(Tensor x) {
    Tensor shifted = x.sub(x.max(-1, true));
    return shifted.sub(shifted.exp().sum(-1, true).log());
  }
}
