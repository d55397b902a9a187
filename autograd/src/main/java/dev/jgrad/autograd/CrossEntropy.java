package dev.jgrad.autograd;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import java.util.Arrays;

/**
 * PyTorch's {@code F.cross_entropy} with its options, composed from tensor ops (so its gradient,
 * and its second derivative, come from theirs). The logits are moved to rows {@code [M, C]}, one a
 * sample (the class axis is 1, as PyTorch's: {@code [N, C, d1, ...]} with labels
 * {@code [N, d1, ...]}), and each sample's loss is
 * {@code w_y ((1 - s) (-log p_y) + (s / C) sum_c w_c (-log p_c)) / w_y}'s numerator, 0 for an
 * ignored one; the mean divides their sum by the sum of the kept samples' {@code w_y}, which is
 * PyTorch's rule for weights, ignored labels and smoothing alike (its LossNLL.cpp).
 */
final class CrossEntropy {
  private static final String OP = "crossEntropy";

  private CrossEntropy() {}

  /**
   * Per-sample losses (the labels' shape) and each sample's weight in the mean's denominator
   * (its label's class weight, 0 where ignored; null where every sample weighs 1): the mean is
   * {@code losses.sum() / weights.sum()}.
   */
  record Parts(Tensor losses, Tensor weights) {
    /** The reduced loss. */
    Tensor reduce(Reduction reduction) {
      return switch (reduction) {
        case NONE -> losses;
        case SUM -> losses.sum();
        case MEAN -> weights == null ? losses.mean() : losses.sum().div(weights.sum());
      };
    }
  }

  static Tensor loss(Tensor logits, Tensor labels, CrossEntropyOptions options) {
    int classes = classes(logits, labels);
    return LabelBounds.checked(OP, classes,
        () -> parts(logits, labels, options, classes).reduce(options.reductionValue()));
  }

  /**
   * The denominator of the mean: the kept samples' class weights summed (their count without
   * weights), a scalar of the logits' dtype.
   */
  static Tensor weightSum(Tensor logits, Tensor labels, CrossEntropyOptions options) {
    int classes = classes(logits, labels);
    return LabelBounds.checked(OP, classes, () -> {
      Tensor w = parts(logits, labels, options, classes).weights();
      return w != null ? w.sum()
          : Tensor.scalar(labels.size(), logits.dtype()).to(logits.backend());
    });
  }

  private static Parts parts(Tensor logits, Tensor labels, CrossEntropyOptions options,
      int classes) {
    DType dtype = logits.dtype();
    int samples = (int) labels.size();
    Tensor logp = rows(logits, classes).logSoftmax(1);
    Tensor flat = labels.reshape(samples);
    Tensor keep = null; // 1 for a sample that counts, 0 for an ignored one
    if (options.ignoredLabel().isPresent()) {
      Tensor ignored = flat.eq(Tensor.indices(new int[] {options.ignoredLabel().getAsInt()})
          .to(labels.backend()));
      keep = ignored.neg().add(1).to(dtype);
      // an ignored label may be outside the classes (-100): made 0 for the one-hot rows, through
      // FLOAT64, which holds every int exactly
      flat = flat.to(DType.FLOAT64).mul(keep.to(DType.FLOAT64)).to(DType.INT32);
    }
    Tensor oneHot = flat.oneHot(classes, dtype);
    Tensor classWeights = null;
    Tensor sampleWeights = null;
    Tensor nll = oneHot.mul(logp).sum(1, false).neg();
    Tensor losses = nll;
    if (options.classWeights() != null) {
      if (options.classWeights().length != classes) {
        throw new IllegalArgumentException(OP + ": " + options.classWeights().length
            + " class weights for logits of " + classes + " classes; give one weight a class");
      }
      classWeights = Tensor.of(options.classWeights(), dtype, classes).to(logits.backend());
      sampleWeights = oneHot.mul(classWeights).sum(1, false);
      losses = nll.mul(sampleWeights);
    }
    double s = options.labelSmoothingValue();
    if (s > 0) {
      Tensor all = classWeights == null ? logp : logp.mul(classWeights);
      losses = losses.mul(1 - s).add(all.sum(1, false).neg().mul(s / classes));
    }
    if (keep != null) {
      losses = Tensor.where(keep, losses, Tensor.scalar(0, dtype).to(logits.backend()));
      sampleWeights = sampleWeights == null ? keep : sampleWeights.mul(keep);
    }
    return new Parts(losses.reshape(labels.shape().dims()), sampleWeights);
  }

  /** The logits as rows {@code [samples, classes]}: the class axis (1) moved last. */
  private static Tensor rows(Tensor logits, int classes) {
    if (logits.rank() == 1) {
      return logits.reshape(1, classes);
    }
    if (logits.rank() == 2) {
      return logits;
    }
    int[] axes = new int[logits.rank()];
    axes[0] = 0;
    for (int a = 2; a < axes.length; a++) {
      axes[a - 1] = a;
    }
    axes[axes.length - 1] = 1;
    return logits.permute(axes).reshape(-1, classes);
  }

  /** The number of classes, after checking the labels' dtype and shape against the logits'. */
  private static int classes(Tensor logits, Tensor labels) {
    Losses.checkLabels(OP, labels);
    Shape x = logits.shape();
    Shape l = labels.shape();
    if (x.rank() == 0 || !Arrays.equals(l.dims(), labelDims(x))) {
      throw new IllegalArgumentException(OP + ": logits " + x + " need labels of shape "
          + (x.rank() == 0 ? "(none: logits need a class axis)" : Shape.of(labelDims(x)))
          + " (logits [N, C, d1, ...] take labels [N, d1, ...]; logits [C], one sample, a "
          + "scalar label), got " + l);
    }
    if (x.size() == 0) {
      throw new IllegalArgumentException(OP + ": logits " + x + " are empty; the loss needs at "
          + "least one sample and one class");
    }
    return x.dim(x.rank() == 1 ? 0 : 1);
  }

  /** The logits' shape without the class axis (1, or 0 for one sample). */
  private static int[] labelDims(Shape x) {
    int[] d = new int[x.rank() - 1];
    for (int a = 0, k = 0; a < x.rank(); a++) {
      if (a != (x.rank() == 1 ? 0 : 1)) {
        d[k++] = x.dim(a);
      }
    }
    return d;
  }
}
