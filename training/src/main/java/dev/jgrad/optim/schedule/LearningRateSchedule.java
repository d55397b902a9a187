package dev.jgrad.optim.schedule;

/**
 * A learning rate as a function of a count, of epochs or of steps: PyTorch's schedulers in closed
 * form, so that the rate of any epoch or step is known without replaying the ones before, and a
 * resumed run recomputes the rate it had reached from its count.
 *
 * <pre>{@code
 * LearningRateSchedule cosine = new CosineAnnealing(30, 0.0);            // over 30 epochs
 * LearningRateSchedule warm = new StepDecay(10, 0.5).withWarmup(3, 0.1);  // 3 epochs from lr/10
 * cosine.rate(0.1, 15);   // 0.05: halfway down from 0.1
 * }</pre>
 *
 * <p>A {@link LearningRateScheduler} applies one to an optimizer; {@code Trainer.Builder}'s
 * {@code schedule} does so every epoch or every step.
 */
@FunctionalInterface
public interface LearningRateSchedule {
  /**
   * The learning rate after {@code t} epochs or steps (0: the first), for an optimizer created
   * with the rate {@code base}.
   */
  double rate(double base, long t);

  /**
   * This schedule after a linear warm-up of {@code steps} counts from {@code startFactor * base}
   * towards {@code base}: PyTorch's {@code LinearLR(start_factor, total_iters=steps)} followed by
   * this schedule in a {@code SequentialLR} with the milestone {@code steps}, so this schedule
   * starts at its own count 0 when the warm-up ends.
   */
  default LearningRateSchedule withWarmup(long steps, double startFactor) {
    return new LinearWarmup(steps, startFactor, this);
  }

  /** The rate the optimizer was created with, always; with {@link #withWarmup}, warm-up alone. */
  static LearningRateSchedule constant() {
    return (base, t) -> {
      checkRateArguments("constant schedule", base, t);
      return base;
    };
  }

  /**
   * Fails unless {@code base} is positive and finite and {@code t} at least 0, naming
   * {@code who}: the arguments every schedule's {@link #rate} takes.
   */
  static void checkRateArguments(String who, double base, long t) {
    if (!(base > 0 && Double.isFinite(base))) {
      throw new IllegalArgumentException(who + ": the base learning rate must be positive and "
          + "finite, got " + base);
    }
    if (t < 0) {
      throw new IllegalArgumentException(who + ": the count t (epochs or steps done, 0 for the "
          + "first) must be >= 0, got " + t);
    }
  }
}
