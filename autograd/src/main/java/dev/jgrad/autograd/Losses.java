package dev.jgrad.autograd;

import com.google.common.base.Preconditions;
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
   * PyTorch's {@code F.cross_entropy(logits, labels)}: {@link #softmaxCrossEntropyLabels} for
   * logits {@code [batch, classes]} (the fused op), and logits {@code [N, C, d1, ...]} with labels
   * {@code [N, d1, ...]} (class axis 1: segmentation) or {@code [C]} with a scalar label.
   */
  public static Tensor crossEntropy(Tensor logits, Tensor labels) {
    return crossEntropy(logits, labels, CrossEntropyOptions.defaults());
  }

  /**
   * PyTorch's {@code F.cross_entropy} with its options: class weights, an ignored label, label
   * smoothing and the reduction ({@link CrossEntropyOptions}; the mean of a weighted loss is the
   * weighted sum over the sum of the kept samples' weights, NaN when every label is ignored, as
   * PyTorch's). The logits are {@code [N, C, d1, ...]} with INT32 labels {@code [N, d1, ...]}
   * ({@code [N, C]} and {@code [N]} most often), or {@code [C]} with a scalar label;
   * {@link Reduction#NONE} gives the labels' shape. With the default options and logits
   * {@code [N, C]} it is the fused {@link #softmaxCrossEntropyLabels}; otherwise it is composed
   * from tensor ops, and so differentiable to any order.
   */
  public static Tensor crossEntropy(Tensor logits, Tensor labels, CrossEntropyOptions options) {
    Preconditions.checkNotNull(options, "crossEntropy: options are null; use "
        + "CrossEntropyOptions.defaults()");
    if (options.isPlain() && logits.rank() == 2) {
      return softmaxCrossEntropyLabels(logits, labels);
    }
    return CrossEntropy.loss(logits, labels, options);
  }

  /**
   * What the mean of {@link #crossEntropy(Tensor, Tensor, CrossEntropyOptions)} divides by: the
   * sum of the kept samples' class weights (the number of samples kept without weights), a
   * scalar. A mean over several batches weights each batch's mean loss by it, and is then the
   * loss of all of them at once (the {@code Evaluator} does).
   */
  public static Tensor crossEntropyWeightSum(Tensor logits, Tensor labels,
      CrossEntropyOptions options) {
    Preconditions.checkNotNull(options, "crossEntropyWeightSum: options are null; use "
        + "CrossEntropyOptions.defaults()");
    return CrossEntropy.weightSum(logits, labels, options);
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

  /** {@link #meanSquaredError} reduced as {@code reduction} says ({@code F.mse_loss}). */
  public static Tensor meanSquaredError(Tensor y, Tensor t, Reduction reduction) {
    return RegressionLosses.mse(y, t, reduction);
  }

  /**
   * PyTorch's {@code F.l1_loss}: {@code |y - t|}, reduced; the gradient is {@code sign(y - t)},
   * 0 where they are equal.
   */
  public static Tensor l1Loss(Tensor y, Tensor t, Reduction reduction) {
    return RegressionLosses.l1(y, t, reduction);
  }

  /** {@link #l1Loss(Tensor, Tensor, Reduction)}'s mean. */
  public static Tensor l1Loss(Tensor y, Tensor t) {
    return l1Loss(y, t, Reduction.MEAN);
  }

  /**
   * PyTorch's {@code F.smooth_l1_loss(y, t, beta=beta)}: {@code 0.5 d^2 / beta} where
   * {@code |d| < beta}, else {@code |d| - 0.5 beta}, with {@code d = y - t}, reduced; beta 0 is
   * {@link #l1Loss}. PyTorch's default beta is 1.
   */
  public static Tensor smoothL1Loss(Tensor y, Tensor t, double beta, Reduction reduction) {
    return RegressionLosses.smoothL1(y, t, beta, reduction);
  }

  /** {@link #smoothL1Loss(Tensor, Tensor, double, Reduction)}'s mean. */
  public static Tensor smoothL1Loss(Tensor y, Tensor t, double beta) {
    return smoothL1Loss(y, t, beta, Reduction.MEAN);
  }

  /**
   * PyTorch's {@code F.huber_loss(y, t, delta=delta)}: {@code 0.5 d^2} where
   * {@code |d| <= delta}, else {@code delta (|d| - 0.5 delta)}, reduced; delta is positive
   * (PyTorch's default 1). The gradient is {@code d} clamped to {@code [-delta, delta]}.
   */
  public static Tensor huberLoss(Tensor y, Tensor t, double delta, Reduction reduction) {
    return RegressionLosses.huber(y, t, delta, reduction);
  }

  /** {@link #huberLoss(Tensor, Tensor, double, Reduction)}'s mean. */
  public static Tensor huberLoss(Tensor y, Tensor t, double delta) {
    return huberLoss(y, t, delta, Reduction.MEAN);
  }

  /**
   * {@link #binaryCrossEntropy} reduced as {@code reduction} says ({@code F.binary_cross_entropy};
   * the 1e-7 delta inside the logs where PyTorch clamps them at -100: within 1e-7 / p of it).
   */
  public static Tensor binaryCrossEntropy(Tensor p, Tensor t, Reduction reduction) {
    return RegressionLosses.bce(p, t, reduction);
  }

  /** {@link #binaryCrossEntropyWithLogits} reduced as {@code reduction} says. */
  public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor t,
      Reduction reduction) {
    return RegressionLosses.bceWithLogits(logits, t, null, reduction);
  }

  /**
   * PyTorch's {@code F.binary_cross_entropy_with_logits(x, t, pos_weight=w, reduction=...)}: the
   * positive term of each element weighted by {@code posWeight}, broadcast against the logits
   * (one weight per class, the last axis, as PyTorch's), to trade recall for precision.
   */
  public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor t, Tensor posWeight,
      Reduction reduction) {
    Preconditions.checkNotNull(posWeight, "binaryCrossEntropyWithLogits: posWeight is null; "
        + "leave it out for none");
    return RegressionLosses.bceWithLogits(logits, t, posWeight, reduction);
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

  static void checkLabels(String op, Tensor labels) {
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
