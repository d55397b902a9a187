package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/**
 * Lowers the learning rate by {@code factor} whenever the held-out loss has not improved for more
 * than {@code patience} epochs: PyTorch's {@code ReduceLROnPlateau(mode="min", factor, patience)}
 * with its defaults (an improvement is a loss below the best times {@code 1 - 1e-4}; no cooldown,
 * no minimum rate), except PyTorch's {@code eps}: PyTorch skips a reduction that would change the
 * rate by less than 1e-8, this rule keeps reducing (the two differ only once the rate is below
 * about {@code 1e-8 / (1 - factor)}). The {@link Trainer} applies it before each epoch from the
 * history alone, so a resumed run has the rate the uninterrupted one had.
 *
 * <pre>{@code
 * Trainer.builder()...validation(split).reduceOnPlateau(new ReduceOnPlateau(0.5, 2)).build();
 * }</pre>
 */
public record ReduceOnPlateau(double factor, int patience) {
  /** PyTorch's default {@code threshold}, relative. */
  static final double THRESHOLD = 1e-4;

  public ReduceOnPlateau {
    checkArgument(factor > 0 && factor < 1, "reduce on plateau: factor must be in (0, 1), got %s;"
        + " 0.1 (PyTorch's default) or 0.5 are usual", factor);
    checkArgument(patience >= 0, "reduce on plateau: patience must be >= 0 epochs, got %s",
        patience);
  }

  /**
   * How many times the rate has been lowered after the epochs whose held-out losses are
   * {@code losses}, in order: the rate of the next epoch is the base rate times
   * {@code factor^reductions}. A NaN loss (none measured) counts as no improvement, as in PyTorch.
   */
  public int reductions(List<Double> losses) {
    double best = Double.POSITIVE_INFINITY;
    int bad = 0;
    int reductions = 0;
    for (double loss : losses) {
      if (loss < best * (1 - THRESHOLD)) {
        best = loss;
        bad = 0;
      } else {
        bad++;
      }
      if (bad > patience) {
        reductions++;
        bad = 0;
      }
    }
    return reductions;
  }
}
