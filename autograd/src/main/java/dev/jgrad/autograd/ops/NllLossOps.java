package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.OpNames.NLL_LOSS;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;

import dev.jgrad.api.Shape;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.CompositeKernel;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;

/**
 * PyTorch's {@code nll_loss}: minus the log-probability of each sample's label, averaged (or
 * summed) over the batch, for networks that end in a log-softmax, as PyTorch's MNIST example
 * does. Composed from one-hot rows, so it runs on every backend without kernels of its own; its
 * gradient is {@code -onehot(labels) * g / batch} ({@code * g} for the sum).
 */
public final class NllLossOps {
  /** The reductions {@link AttrKeys#REDUCTION} takes, PyTorch's names. */
  static final String MEAN = "mean";
  static final String SUM = "sum";

  private NllLossOps() {}

  static void register(OpRegistry.Registration r) {
    registerOp(r, OpDef.builder(NLL_LOSS).arity(2).attributes(AttrKeys.REDUCTION).indexInputs(1)
        .shapeRule((in, a) -> {
          reduction(a);
          Shape x = in.get(0).shape();
          Shape l = in.get(1).shape();
          if (x.rank() != 2 || l.rank() != 1 || l.dim(0) != x.dim(0)) {
            throw new IllegalArgumentException(NLL_LOSS + ": needs log-probabilities [batch, "
                + "classes] and labels [batch], got " + x + " and " + l);
          }
          if (x.size() == 0) {
            throw new IllegalArgumentException(NLL_LOSS + ": log-probabilities " + x + " are "
                + "empty; the loss needs at least one row and one class");
          }
          return new TensorSpec(Shape.scalar(), in.get(0).dtype());
        }).gradientReadsInputs(0, 1).gradientReadsOutput(false).build(),
        (CompositeKernel) (in, a) -> {
          Tensor logp = in.get(0);
          return logp.mul(oneHot(logp, in.get(1))).sum().mul(-scale(logp, a));
        },
        ctx -> {
          Tensor logp = ctx.input(0);
          Tensor grad = oneHot(logp, ctx.input(1)).mul(ctx.gradOutput().mul(-scale(logp,
              ctx.attrs())));
          return Arrays.asList(grad, null);
        });
  }

  /** The labels as rows like {@code logp}'s; a label out of range fails naming it. */
  private static Tensor oneHot(Tensor logp, Tensor labels) {
    return labels.oneHot(logp.shape().dim(1), logp.dtype());
  }

  /** 1 / batch for the mean, 1 for the sum. */
  private static double scale(Tensor logp, Attrs a) {
    return MEAN.equals(reduction(a)) ? 1.0 / logp.shape().dim(0) : 1.0;
  }

  private static String reduction(Attrs a) {
    String r = a.has(AttrKeys.REDUCTION) ? a.getString(AttrKeys.REDUCTION) : MEAN;
    if (!MEAN.equals(r) && !SUM.equals(r)) {
      throw new IllegalArgumentException(NLL_LOSS + ": reduction '" + r + "' is not one of "
          + MEAN + ", " + SUM);
    }
    return r;
  }
}
