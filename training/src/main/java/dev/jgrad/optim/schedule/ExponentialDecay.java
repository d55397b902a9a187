package dev.jgrad.optim.schedule;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Multiplies the rate by {@code gamma} every count, PyTorch's {@code ExponentialLR(gamma)}:
 * {@code rate = base * gamma^t}.
 *
 * <pre>{@code
 * new ExponentialDecay(0.95);   // 5% less every epoch
 * }</pre>
 */
public record ExponentialDecay(double gamma) implements LearningRateSchedule {
  public ExponentialDecay {
    checkArgument(gamma > 0 && gamma <= 1, "exponential decay: gamma must be in (0, 1], got %s",
        gamma);
  }

  @Override
  public double rate(double base, long t) {
    LearningRateSchedule.checkRateArguments("exponential decay", base, t);
    return base * Math.pow(gamma, t);
  }
}
