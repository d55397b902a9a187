package dev.jgrad.optim.schedule;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A linear warm-up from {@code startFactor * base} over {@code steps} counts, then {@code then}
 * from its own count 0: PyTorch's {@code LinearLR(start_factor, end_factor=1, total_iters=steps)}
 * and {@code SequentialLR(milestones=[steps])}.
 *
 * <pre>
 * rate = base * (startFactor + (1 - startFactor) * t / steps)    for t &lt; steps
 * rate = then.rate(base, t - steps)                             afterwards
 * </pre>
 *
 * <pre>{@code
 * new CosineAnnealing(1000, 0).withWarmup(100, 0.01);   // 100 steps up, then 1000 down
 * }</pre>
 */
public record LinearWarmup(long steps, double startFactor, LearningRateSchedule then)
    implements LearningRateSchedule {
  public LinearWarmup {
    checkArgument(steps > 0, "warm-up: steps must be positive, got %s", steps);
    checkArgument(startFactor > 0 && startFactor <= 1,
        "warm-up: startFactor must be in (0, 1], got %s", startFactor);
    checkNotNull(then,
        "warm-up: the schedule after it is null; use LearningRateSchedule.constant()");
  }

  @Override
  public double rate(double base, long t) {
    LearningRateSchedule.checkRateArguments("warm-up", base, t);
    return t < steps ? base * (startFactor + (1 - startFactor) * t / steps)
        : then.rate(base, t - steps);
  }
}
