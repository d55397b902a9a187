package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@link BatchNorm1d} and {@link BatchNorm2d}, PyTorch's keywords: {@code eps},
 * {@code momentum}, {@code affine} and {@code track_running_stats}. Immutable; each method returns
 * a copy with one option changed:
 *
 * <pre>{@code
 * new BatchNorm2d(16, BatchNormOptions.defaults().eps(1e-3).momentum(0.01));   // MobileNetV3's
 * }</pre>
 *
 * <p>eps and momentum are not in a state_dict, in PyTorch or here: a model loaded from PyTorch's
 * weights must be built with the eps and momentum its PyTorch layers had.
 */
public final class BatchNormOptions {
  private static final BatchNormOptions DEFAULTS =
      new BatchNormOptions(BatchNorm.EPS, BatchNorm.MOMENTUM, true, true);

  private final double eps;
  private final double momentum;
  private final boolean affine;
  private final boolean trackRunningStats;

  private BatchNormOptions(double eps, double momentum, boolean affine,
      boolean trackRunningStats) {
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
  }

  /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics. */
  public static BatchNormOptions defaults() {
    return DEFAULTS;
  }

  /** Added to the variance before its square root (PyTorch's {@code eps}); positive. */
  public BatchNormOptions eps(double value) {
    checkArgument(value > 0 && Double.isFinite(value), "eps is %s; it must be positive and "
        + "finite (PyTorch's default 1e-5)", value);
    return new BatchNormOptions(value, momentum, affine, trackRunningStats);
  }

  /**
   * The newest batch's weight in the running statistics (PyTorch's {@code momentum}), in
   * {@code [0, 1]}. PyTorch's {@code momentum=None} (a cumulative average) is not offered.
   */
  public BatchNormOptions momentum(double value) {
    checkArgument(value >= 0 && value <= 1, "momentum is %s; it must be in [0, 1] (PyTorch's "
        + "default 0.1)", value);
    return new BatchNormOptions(eps, value, affine, trackRunningStats);
  }

  /** Whether the layer has a learned {@code weight} and {@code bias} (PyTorch's {@code affine}). */
  public BatchNormOptions affine(boolean value) {
    return new BatchNormOptions(eps, momentum, value, trackRunningStats);
  }

  /**
   * Whether the layer keeps running statistics for evaluation (PyTorch's
   * {@code track_running_stats}); without them it has no buffers and normalizes with the batch's
   * statistics in evaluation mode too, as PyTorch's.
   */
  public BatchNormOptions trackRunningStats(boolean value) {
    return new BatchNormOptions(eps, momentum, affine, value);
  }

  /** The eps. */
  public double epsValue() {
    return eps;
  }

  /** The momentum. */
  public double momentumValue() {
    return momentum;
  }

  /** Whether the layer has a weight and a bias. */
  public boolean isAffine() {
    return affine;
  }

  /** Whether the layer keeps running statistics. */
  public boolean tracksRunningStats() {
    return trackRunningStats;
  }

  /** The options that differ from the defaults, as PyTorch prints them ({@code eps=0.001}). */
  @Override
  public String toString() {
    List<String> s = new ArrayList<>();
    if (eps != DEFAULTS.eps) {
      s.add("eps=" + eps);
    }
    if (momentum != DEFAULTS.momentum) {
      s.add("momentum=" + momentum);
    }
    if (!affine) {
      s.add("affine=False");
    }
    if (!trackRunningStats) {
      s.add("track_running_stats=False");
    }
    return String.join(", ", s);
  }
}
