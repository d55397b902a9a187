package dev.jgrad.optim.schedule;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Half a cosine from the base rate down to {@code minRate} over {@code period} counts, PyTorch's
 * {@code CosineAnnealingLR(T_max=period, eta_min=minRate)} in its closed form:
 * {@code rate = minRate + (base - minRate) * (1 + cos(pi * t / period)) / 2}.
 *
 * <p>Past {@code period} the cosine climbs again, as PyTorch's closed form does. The rate at
 * {@code t = period} is {@code minRate}; an optimizer refuses a rate of 0, so with
 * {@code minRate} 0 make {@code period} at least the number of epochs (or steps) trained: with
 * {@code period} = epochs the last epoch's rate is small but positive.
 *
 * <pre>{@code
 * new CosineAnnealing(30, 0);   // over 30 epochs, to nearly 0
 * }</pre>
 */
public record CosineAnnealing(long period, double minRate) implements LearningRateSchedule {
  public CosineAnnealing {
    checkArgument(period > 0, "cosine annealing: period must be positive, got %s", period);
    checkArgument(minRate >= 0 && Double.isFinite(minRate),
        "cosine annealing: minRate must be >= 0 and finite, got %s", minRate);
  }

  @Override
  public double rate(double base, long t) {
    LearningRateSchedule.checkRateArguments("cosine annealing", base, t);
    return minRate + (base - minRate) * (1 + Math.cos(Math.PI * t / period)) / 2;
  }
}
