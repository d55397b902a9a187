package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.Serializable;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The options of {@link Losses#crossEntropy(Tensor, Tensor, CrossEntropyOptions)}, PyTorch's
 * {@code F.cross_entropy} keywords: {@code weight}, {@code ignore_index}, {@code label_smoothing}
 * and {@code reduction}. Immutable; each method returns a copy with one option changed:
 *
 * <pre>{@code
 * CrossEntropyOptions o = CrossEntropyOptions.defaults().weight(1.0, 12.5, 50.0)
 *     .ignoreIndex(-100).labelSmoothing(0.1);
 * }</pre>
 *
 * <p>One difference: PyTorch's {@code ignore_index} defaults to -100, these defaults ignore no
 * label (a label -100 is out of range, an error), so that the defaults are exactly
 * {@link Losses#softmaxCrossEntropyLabels}, one fused op. Serializable (a Spark trainer sends its
 * loss to executors): the class weights are kept as numbers, made a tensor of the logits' dtype on
 * their backend at each call.
 */
public final class CrossEntropyOptions implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final CrossEntropyOptions DEFAULTS =
      new CrossEntropyOptions(null, null, 0, Reduction.MEAN);

  private final double[] weight; // null: every class weighs 1
  private final Integer ignoreIndex; // null: no label is ignored
  private final double labelSmoothing;
  private final Reduction reduction;

  private CrossEntropyOptions(double[] weight, Integer ignoreIndex, double labelSmoothing,
      Reduction reduction) {
    this.weight = weight;
    this.ignoreIndex = ignoreIndex;
    this.labelSmoothing = labelSmoothing;
    this.reduction = reduction;
  }

  /** No class weights, no ignored label, no smoothing, the mean: the plain loss. */
  public static CrossEntropyOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A weight per class (PyTorch's {@code weight}): each sample's loss is multiplied by its label's
   * weight, and the mean divides the sum by the sum of those weights (not by the batch size).
   * One finite weight, 0 or more, per class.
   */
  public CrossEntropyOptions weight(double... classWeights) {
    checkNotNull(classWeights, "weight: the class weights are null");
    checkArgument(classWeights.length > 0, "weight: no class weights given; give one per class");
    for (int c = 0; c < classWeights.length; c++) {
      checkArgument(Double.isFinite(classWeights[c]) && classWeights[c] >= 0,
          "weight: the weight of class %s is %s; class weights are finite and 0 or more",
          (Object) c, classWeights[c]);
    }
    return new CrossEntropyOptions(classWeights.clone(), ignoreIndex, labelSmoothing, reduction);
  }

  /**
   * Samples with this label contribute nothing, to the loss or to the mean's count (PyTorch's
   * {@code ignore_index}; padding in sequences, unlabelled pixels). Any int, in the class range or
   * not (PyTorch's usual -100). When every label of a batch is ignored, the mean is 0 / 0: NaN,
   * as PyTorch's.
   */
  public CrossEntropyOptions ignoreIndex(int label) {
    return new CrossEntropyOptions(weight, label, labelSmoothing, reduction);
  }

  /**
   * Label smoothing in {@code [0, 1]} (PyTorch's {@code label_smoothing}): the target is
   * {@code (1 - s)} on the label plus {@code s / classes} on every class.
   */
  public CrossEntropyOptions labelSmoothing(double s) {
    checkArgument(s >= 0 && s <= 1, "labelSmoothing: %s is not in [0, 1]", s);
    return new CrossEntropyOptions(weight, ignoreIndex, s, reduction);
  }

  /** The reduction over samples (PyTorch's {@code reduction}); the mean by default. */
  public CrossEntropyOptions reduction(Reduction r) {
    checkNotNull(r, "reduction is null; use Reduction.MEAN, SUM or NONE");
    return new CrossEntropyOptions(weight, ignoreIndex, labelSmoothing, r);
  }

  /** The class weights (a copy), or null when none were given. */
  public double[] classWeights() {
    return weight == null ? null : weight.clone();
  }

  /** The ignored label, if any. */
  public OptionalInt ignoredLabel() {
    return ignoreIndex == null ? OptionalInt.empty() : OptionalInt.of(ignoreIndex);
  }

  /** The label smoothing, 0 by default. */
  public double labelSmoothingValue() {
    return labelSmoothing;
  }

  /** The reduction, {@link Reduction#MEAN} by default. */
  public Reduction reductionValue() {
    return reduction;
  }

  /** Whether these are the defaults, which the fused op computes. */
  boolean isPlain() {
    return weight == null && ignoreIndex == null && labelSmoothing == 0
        && reduction == Reduction.MEAN;
  }

  @Override
  public String toString() {
    return "CrossEntropyOptions[weight=" + Arrays.toString(weight) + ", ignoreIndex="
        + ignoreIndex + ", labelSmoothing=" + labelSmoothing + ", reduction="
        + reduction.torchName() + "]";
  }
}
