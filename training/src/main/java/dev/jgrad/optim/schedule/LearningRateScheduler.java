package dev.jgrad.optim.schedule;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.optim.Optimizer;

/**
 * Drives an optimizer's learning rate by a {@link LearningRateSchedule}, from the rate the
 * optimizer has when the scheduler is made (PyTorch's {@code initial_lr}).
 *
 * <pre>{@code
 * Optimizer opt = new Momentum(model.namedParameters(), 0.1);
 * LearningRateScheduler scheduler = new LearningRateScheduler(opt, new StepDecay(10, 0.5));
 * for (int epoch = 0; epoch < 30; epoch++) {
 *   scheduler.apply(epoch);   // 0.1 for epochs 0-9, 0.05 for 10-19, 0.025 for 20-29
 *   ...                        // the epoch's steps
 * }
 * }</pre>
 *
 * <p>The rate depends on the count alone, so a run resumed at epoch {@code e} calls
 * {@code apply(e)} and has the rate the uninterrupted run had; checkpoints need not hold it.
 */
public final class LearningRateScheduler {
  /** What the schedule counts. */
  public enum Interval {
    /** Epochs: the rate changes when an epoch starts. */
    EPOCH,
    /** Optimizer steps (batches), counted across epochs. */
    STEP
  }

  private final Optimizer optimizer;
  private final LearningRateSchedule schedule;
  private final double base;

  /**
   * Drives {@code optimizer}'s rate by {@code schedule}, starting from the rate the optimizer has
   * now.
   */
  public LearningRateScheduler(Optimizer optimizer, LearningRateSchedule schedule) {
    this.optimizer = checkNotNull(optimizer, "optimizer is null");
    this.schedule = checkNotNull(schedule, "schedule is null");
    this.base = optimizer.learningRate();
  }

  /** The rate the schedule starts from. */
  public double base() {
    return base;
  }

  /** Sets the optimizer's rate for count {@code t} (0: the first epoch or step) and returns it. */
  public double apply(long t) {
    checkArgument(t >= 0, "schedule count must be >= 0, got %s", t);
    double rate = schedule.rate(base, t);
    checkArgument(rate > 0 && Double.isFinite(rate), "%s gave the learning rate %s at count %s"
        + " (base %s); an optimizer needs a positive rate: give the schedule a longer period or a"
        + " minimum rate above 0", schedule, rate, t, base);
    optimizer.setLearningRate(rate);
    return rate;
  }

  @Override
  public String toString() {
    return "LearningRateScheduler(" + schedule + ", base=" + base + ")";
  }
}
