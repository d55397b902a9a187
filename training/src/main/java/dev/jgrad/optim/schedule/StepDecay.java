package dev.jgrad.optim.schedule;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Multiplies the rate by {@code gamma} every {@code stepSize} counts, PyTorch's
 * {@code StepLR(step_size, gamma)}: {@code rate = base * gamma^floor(t / stepSize)}.
 *
 * <pre>{@code
 * new StepDecay(30, 0.1);   // 0.1 for epochs 0-29, 0.01 for 30-59, ...
 * }</pre>
 */
public record StepDecay(long stepSize, double gamma) implements LearningRateSchedule {
  public StepDecay {
    checkArgument(stepSize > 0, "step decay: stepSize must be positive, got %s", stepSize);
    checkArgument(gamma > 0 && gamma <= 1, "step decay: gamma must be in (0, 1], got %s", gamma);
  }

  @Override
  public double rate(double base, long t) {
    LearningRateSchedule.checkRateArguments("step decay", base, t);
    return base * Math.pow(gamma, Math.floorDiv(t, stepSize));
  }
}
