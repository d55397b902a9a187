package dev.jgrad.autograd;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpNames;

/**
 * Loss functions, each recorded as one graph node with a closed-form gradient. Predictions are
 * {@code [batch, classes]} (or a single 1-D sample, as in the book); batch losses are means over
 * the batch.
 *
 * <pre>{@code
 * Tensor y = Tensor.of(new double[] {0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0});
 * Tensor t = Tensor.indices(new int[] {2}).oneHot(10, DType.FLOAT64).reshape(10);
 * Losses.sumOfSquaresError(y, t).item();   // 0.0975
 * Losses.crossEntropyError(y, t).item();   // 0.510825457...
 * }</pre>
 */
public final class Losses {
  private Losses() {}

  /** Mean squared error: {@code sum((y - t)^2) / N} over all N elements. */
  public static Tensor meanSquaredError(Tensor y, Tensor t) {
    return Ops.call(OpNames.MSE, y, t);
  }

  /** The book's sum of squares error: {@code 0.5 * sum((y - t)^2)}. */
  public static Tensor sumOfSquaresError(Tensor y, Tensor t) {
    return Ops.call(OpNames.SSE, y, t);
  }

  /** Cross-entropy on probabilities {@code y} with one-hot targets {@code t}, with the 1e-7 delta. */
  public static Tensor crossEntropyError(Tensor y, Tensor t) {
    checkOneHot("crossEntropyError", "crossEntropyErrorLabels", y, t);
    return Ops.call(OpNames.CROSS_ENTROPY, y, t);
  }

  /** Cross-entropy on probabilities {@code y} with INT32 class labels (a 1-D tensor). */
  public static Tensor crossEntropyErrorLabels(Tensor y, Tensor labels) {
    return LabelBounds.checked("crossEntropyErrorLabels", classes(y),
        () -> crossEntropyError(y, oneHotLike(y, labels, "crossEntropyErrorLabels")));
  }

  /**
   * Softmax followed by cross-entropy, fused and stable on raw scores (logits); its gradient is
   * {@code (softmax(x) - t) / batch}.
   */
  public static Tensor softmaxCrossEntropy(Tensor logits, Tensor t) {
    checkOneHot("softmaxCrossEntropy", "softmaxCrossEntropyLabels", logits, t);
    return Ops.call(OpNames.SOFTMAX_CROSS_ENTROPY, logits, t);
  }

  /**
   * {@link #softmaxCrossEntropy} with INT32 class labels (a 1-D tensor). A label outside
   * {@code [0, classes)} fails naming {@code jgrad::softmax_cross_entropy_labels}, the label and
   * its position (on a GPU at the next read of a value).
   */
  public static Tensor softmaxCrossEntropyLabels(Tensor logits, Tensor labels) {
    checkLabels("softmaxCrossEntropyLabels", labels);
    return LabelBounds.checked(OpNames.SOFTMAX_CROSS_ENTROPY_LABELS, classes(logits), () -> {
      if (logits.rank() == 2) { // one op, which backends may fuse
        return Ops.call(OpNames.SOFTMAX_CROSS_ENTROPY_LABELS, logits, labels);
      }
      return softmaxCrossEntropy(logits, oneHotLike(logits, labels, "softmaxCrossEntropyLabels"));
    });
  }

  /**
   * PyTorch's {@code F.nll_loss}: minus the mean over the batch of each row's log-probability at
   * its INT32 label, for a network ending in {@code logSoftmax(1)} (log-probabilities
   * {@code [batch, classes]}, labels {@code [batch]}). {@code nllLoss(x.logSoftmax(1), labels)}
   * equals {@link #softmaxCrossEntropyLabels}{@code (x, labels)}, which is one fused op.
   */
  public static Tensor nllLoss(Tensor logProbs, Tensor labels) {
    checkLabels("nllLoss", labels);
    return LabelBounds.checked(OpNames.NLL_LOSS, classes(logProbs),
        () -> Ops.call(OpNames.NLL_LOSS, logProbs, labels));
  }

  /**
   * {@link #nllLoss} summed over the batch, not averaged: PyTorch's
   * {@code F.nll_loss(..., reduction='sum')}, as its test loops add it up over batches.
   */
  public static Tensor nllLossSum(Tensor logProbs, Tensor labels) {
    checkLabels("nllLossSum", labels);
    return LabelBounds.checked(OpNames.NLL_LOSS, classes(logProbs),
        () -> Ops.call(OpNames.NLL_LOSS, Attrs.of(AttrKeys.REDUCTION, "sum"), logProbs, labels));
  }

  /** Binary cross-entropy on probabilities, mean over all elements, with the 1e-7 delta. */
  public static Tensor binaryCrossEntropy(Tensor p, Tensor t) {
    return Ops.call(OpNames.BCE, p, t);
  }

  /** Binary cross-entropy on logits, stable for any magnitude; gradient (sigmoid(x) - t) / N. */
  public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor t) {
    return Ops.call(OpNames.BCE_WITH_LOGITS, logits, t);
  }

  /** Labels are INT32: a float label would be an index rounded to a float. */
  /**
   * The book's {@code cross_entropy_error} takes labels or one-hot rows; here labels have their
   * own method, which an INT32 target in the one-hot one is pointed to (the op's own "mixed
   * dtypes" error would suggest a conversion that gives wrong targets).
   */
  private static void checkOneHot(String op, String labelsOp, Tensor y, Tensor t) {
    if (t != null && y != null && t.dtype() == DType.INT32 && y.dtype() != DType.INT32) {
      throw new IllegalArgumentException(op + ": targets " + t.spec() + " are class labels, but "
          + op + " takes one-hot rows like " + y.shape() + "; use Losses." + labelsOp
          + "(..., labels), or labels.oneHot(" + (y.rank() > 0 ? y.shape().dim(-1) : 1) + ")");
    }
  }

  private static void checkLabels(String op, Tensor labels) {
    if (labels.dtype() != DType.INT32) {
      throw new IllegalArgumentException(op + ": labels are " + labels.spec() + " but must be "
          + "INT32; make them with Tensor.indices(...) or convert them with .to(DType.INT32)");
    }
  }

  /** The classes of predictions {@code y} (its last dimension), or -1 for a scalar. */
  private static int classes(Tensor y) {
    return y.rank() == 0 ? -1 : y.shape().dim(y.rank() - 1);
  }

  private static Tensor oneHotLike(Tensor y, Tensor labels, String op) {
    checkLabels(op, labels);
    Shape ys = y.shape();
    int batch = ys.rank() >= 2 ? ys.dim(0) : 1;
    if (labels.rank() != 1 || labels.shape().dim(0) != batch || ys.rank() > 2 || ys.rank() == 0) {
      throw new IllegalArgumentException(op + ": predictions " + ys + " need " + batch
          + " labels as a 1-D tensor, got shape " + labels.shape());
    }
    Tensor t = labels.oneHot(ys.dim(-1), y.dtype());
    return ys.rank() == 1 ? t.reshape(ys.dims()) : t;
  }
}
