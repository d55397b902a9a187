package dev.jgrad.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.Sgd;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The schedules against the numbers PyTorch's closed forms give ({@code _get_closed_form_lr} of
 * StepLR, ExponentialLR, CosineAnnealingLR; LinearLR then SequentialLR), base rate 0.1.
 */
class LearningRateScheduleTest {
  private static final double BASE = 0.1;
  private static final double ULP = 1e-17;

  private static void assertRates(LearningRateSchedule s, long[] counts, double[] expected) {
    for (int i = 0; i < counts.length; i++) {
      assertEquals(expected[i], s.rate(BASE, counts[i]), ULP, s + " at " + counts[i]);
    }
  }

  @Test
  void stepDecayIsStepLr() {
    assertRates(new StepDecay(3, 0.5), new long[] {0, 2, 3, 5, 6, 9},
        new double[] {0.1, 0.1, 0.05, 0.05, 0.025, 0.0125});
  }

  @Test
  void exponentialDecayIsExponentialLr() {
    assertRates(new ExponentialDecay(0.9), new long[] {0, 1, 2, 10},
        new double[] {0.1, 0.09000000000000001, 0.08100000000000002, 0.03486784401000001});
  }

  @Test
  void cosineAnnealingIsCosineAnnealingLr() {
    assertRates(new CosineAnnealing(10, 0.001), new long[] {0, 1, 5, 9, 10, 15, 20},
        new double[] {0.1, 0.09757729755661011, 0.0505, 0.0034227024433899004, 0.001,
            0.05049999999999999, 0.1});
  }

  @Test
  void warmupIsLinearLrThenTheScheduleFromItsStart() {
    LearningRateSchedule s = new CosineAnnealing(10, 0.001).withWarmup(4, 0.1);
    assertRates(s, new long[] {0, 1, 2, 3, 4, 5},
        new double[] {0.010000000000000002, 0.0325, 0.05500000000000001, 0.07750000000000001,
            0.1, 0.09757729755661011});
    assertRates(LearningRateSchedule.constant().withWarmup(2, 0.5), new long[] {0, 1, 2, 100},
        new double[] {0.05, 0.07500000000000001, 0.1, 0.1});
  }

  /** A negative count or a base rate that is not positive and finite is refused, named. */
  @Test
  void everyScheduleRefusesANegativeCountAndABadBase() {
    Map<String, LearningRateSchedule> schedules = Map.of("step decay", new StepDecay(3, 0.5),
        "exponential decay", new ExponentialDecay(0.9),
        "cosine annealing", new CosineAnnealing(10, 0),
        "warm-up", new ExponentialDecay(0.9).withWarmup(2, 0.1),
        "constant schedule", LearningRateSchedule.constant());
    schedules.forEach((who, s) -> {
      IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
          () -> s.rate(0.1, -1));
      assertEquals(who + ": the count t (epochs or steps done, 0 for the first) must be >= 0, "
          + "got -1", t.getMessage());
      for (double base : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
            () -> s.rate(base, 3));
        assertEquals(who + ": the base learning rate must be positive and finite, got " + base,
            b.getMessage());
      }
    });
  }

  @Test
  void theSchedulerSetsTheOptimizersRateFromItsInitialRate() {
    Optimizer sgd = new Sgd(Map.of("w", Tensor.of(new double[] {1}).requiresGrad(true)), BASE);
    LearningRateScheduler scheduler = new LearningRateScheduler(sgd, new StepDecay(2, 0.1));
    assertEquals(0.1, scheduler.apply(1));
    assertEquals(0.1, sgd.learningRate());
    assertEquals(0.010000000000000002, scheduler.apply(3));
    assertEquals(0.010000000000000002, sgd.learningRate());
    // from the initial rate, not the current one: going back to count 0 restores it
    assertEquals(0.1, scheduler.apply(0));
    assertEquals(BASE, scheduler.base());

    LearningRateScheduler toZero = new LearningRateScheduler(sgd, new CosineAnnealing(4, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> toZero.apply(4));
    assertEquals("CosineAnnealing[period=4, minRate=0.0] gave the learning rate 0.0 at count 4"
        + " (base 0.1); an optimizer needs a positive rate: give the schedule a longer period or"
        + " a minimum rate above 0", e.getMessage());
    assertEquals(0.1, sgd.learningRate(), "unchanged by the refused rate");
    assertThrows(IllegalArgumentException.class, () -> scheduler.apply(-1));
  }

  @Test
  void badSettingsSayWhichOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new StepDecay(0, 0.5));
    assertEquals("step decay: stepSize must be positive, got 0", e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ExponentialDecay(1.5))
        .getMessage().startsWith("exponential decay: gamma"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new CosineAnnealing(10, -1))
        .getMessage().startsWith("cosine annealing: minRate"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new StepDecay(1, 0.5).withWarmup(5, 0)).getMessage().startsWith("warm-up:"));
  }
}
