package dev.jgrad.autograd;

import java.util.Locale;

/**
 * How a loss reduces its per-element (per-sample) values, PyTorch's {@code reduction}:
 * {@link #MEAN} (the default), {@link #SUM}, or {@link #NONE} (the values themselves, one per
 * sample, to weight or mask further).
 */
public enum Reduction {
  /** The mean (a weighted loss's weighted mean; PyTorch's {@code 'mean'}). */
  MEAN,
  /** The sum ({@code 'sum'}). */
  SUM,
  /** No reduction: one value per element or sample ({@code 'none'}). */
  NONE;

  /** PyTorch's name of this reduction: {@code mean}, {@code sum} or {@code none}. */
  public String torchName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code values} reduced: their mean, their sum, or themselves. */
  Tensor apply(Tensor values) {
    return switch (this) {
      case MEAN -> values.mean();
      case SUM -> values.sum();
      case NONE -> values;
    };
  }
}
