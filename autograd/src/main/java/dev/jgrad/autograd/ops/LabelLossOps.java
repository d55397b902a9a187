package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.OpNames.SOFTMAX_CROSS_ENTROPY;
import static dev.jgrad.api.op.OpNames.SOFTMAX_CROSS_ENTROPY_LABELS;
import static dev.jgrad.api.op.OpNames.SOFTMAX_CROSS_ENTROPY_LABELS_GRAD;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;

import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.CompositeKernel;
import dev.jgrad.autograd.GradMode;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;

/**
 * Softmax cross-entropy on logits {@code [batch, classes]} with INT32 labels {@code [batch]},
 * the loss of classification training. Its portable kernels compose other ops; backends register
 * fused ones under the same names (one pass over the logits instead of a dozen primitives), and
 * its gradient is an op too, so that it can be fused the same way.
 */
public final class LabelLossOps {
  private LabelLossOps() {}

  static void register(OpRegistry.Registration r) {
    registerOp(r, OpDef.builder(SOFTMAX_CROSS_ENTROPY_LABELS).arity(2).attributes().indexInputs(1)
        .shapeRule((in, a) -> {
      checkLogitsAndLabels(SOFTMAX_CROSS_ENTROPY_LABELS, in.get(0), in.get(1));
      return new TensorSpec(Shape.scalar(), in.get(0).dtype());
    }).gradientReadsInputs(0, 1).gradientReadsOutput(false).build(),
        (CompositeKernel) (in, a) -> Ops.call(SOFTMAX_CROSS_ENTROPY,
        in.get(0), in.get(1).oneHot(in.get(0).shape().dim(1), in.get(0).dtype())),
        // recording (a gradient to differentiate again), the rule runs as the ops it is made of:
        // the fused gradient op is flat for the engine
        ctx -> Arrays.asList(GradMode.isEnabled()
            ? labelsGrad(ctx.input(0), ctx.input(1), ctx.gradOutput())
            : Ops.call(SOFTMAX_CROSS_ENTROPY_LABELS_GRAD, Attrs.empty(), ctx.input(0),
                ctx.input(1), ctx.gradOutput()), null));

    registerOp(r, OpDef.builder(SOFTMAX_CROSS_ENTROPY_LABELS_GRAD).arity(3).attributes().indexInputs(1)
        .differentiable(false)
        .shapeRule((in, a) -> {
          checkLogitsAndLabels(SOFTMAX_CROSS_ENTROPY_LABELS_GRAD, in.get(0), in.get(1));
          if (in.get(2).shape().size() != 1) {
            throw new IllegalArgumentException(SOFTMAX_CROSS_ENTROPY_LABELS_GRAD
                + ": the output gradient must be a scalar, got shape " + in.get(2).shape());
          }
          return in.get(0);
        }).build(), (CompositeKernel) (in, a) -> labelsGrad(in.get(0), in.get(1), in.get(2)),
        null);
  }

  /** d loss / d logits = (softmax(logits) - one_hot(labels)) * g / batch. */
  private static Tensor labelsGrad(Tensor logits, Tensor labels, Tensor g) {
    Tensor t = labels.oneHot(logits.shape().dim(1), logits.dtype());
    return logits.softmax(-1).sub(t).mul(g.div(logits.shape().dim(0)));
  }

  private static void checkLogitsAndLabels(String op, TensorSpec logits, TensorSpec labels) {
    Shape x = logits.shape();
    Shape l = labels.shape();
    if (x.rank() != 2 || l.rank() != 1 || l.dim(0) != x.dim(0)) {
      throw new IllegalArgumentException(op + ": needs logits [batch, classes] and labels [batch],"
          + " got " + x + " and " + l);
    }
    if (x.size() == 0) { // a mean over no rows, or rows of no classes for the labels to name
      throw new IllegalArgumentException(op + ": logits " + x + " are empty; the loss needs at "
          + "least one row and one class");
    }
  }
}
