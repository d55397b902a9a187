package dev.jgrad.trainfuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.optim.Sgd;
import dev.jgrad.optim.schedule.CosineAnnealing;
import dev.jgrad.optim.schedule.ExponentialDecay;
import dev.jgrad.optim.schedule.LearningRateSchedule;
import dev.jgrad.optim.schedule.LearningRateScheduler;
import dev.jgrad.optim.schedule.StepDecay;
import dev.jgrad.train.ReduceOnPlateau;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the learning-rate schedules against PyTorch's schedulers as they step
 * (their recursive {@code get_lr} forms, simulated here in double): StepLR, ExponentialLR,
 * CosineAnnealingLR, LinearLR followed by another in a SequentialLR; each applied through a
 * {@link LearningRateScheduler} to an optimizer, over hundreds of counts. ReduceLROnPlateau's
 * stateful algorithm against {@link ReduceOnPlateau#reductions} on random loss histories.
 */
class ScheduleFuzzTest {
  private static final int CASES = 200;

  /** A PyTorch scheduler's rates, stepped: rate(t) from rate(t - 1). */
  private interface Stepped {
    double next(double previous, long t); // t >= 1
  }

  private static Stepped stepLr(long size, double gamma) {
    return (lr, t) -> t % size == 0 ? lr * gamma : lr;
  }

  private static Stepped exponentialLr(double gamma) {
    return (lr, t) -> lr * gamma;
  }

  /** CosineAnnealingLR.get_lr (recursive; its closed form only for the first step). */
  private static Stepped cosineLr(double base, long tMax, double etaMin) {
    return (lr, t) -> {
      if ((t - 1 - tMax) % (2 * tMax) == 0) {
        return lr + (base - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
      }
      return (1 + Math.cos(Math.PI * t / tMax)) / (1 + Math.cos(Math.PI * (t - 1) / tMax))
          * (lr - etaMin) + etaMin;
    };
  }

  private static double[] run(double base, double first, Stepped s, int counts) {
    double[] lr = new double[counts];
    lr[0] = first;
    for (int t = 1; t < counts; t++) {
      lr[t] = s.next(lr[t - 1], t);
    }
    return lr;
  }

  /** LinearLR(start, 1, total) for counts 0..total-1, then {@code then} from its own count 0. */
  private static double[] warmedUp(double base, double start, long total, double[] then,
      int counts) {
    double[] lr = new double[counts];
    lr[0] = base * start;
    for (int t = 1; t < counts; t++) {
      if (t < total) {
        lr[t] = lr[t - 1] * (1 + (1 - start) / (total * start + (t - 1) * (1 - start)));
      } else {
        lr[t] = then[(int) (t - total)];
      }
    }
    return lr;
  }

  @Test
  void schedulesFollowPyTorchsSteppedSchedulers() {
    for (int c = 0; c < CASES; c++) {
      long seed = 90_000 + c;
      Random r = new Random(seed);
      double base = Math.pow(10, -4 + 4 * r.nextDouble());
      int counts = 50 + r.nextInt(250);
      LearningRateSchedule schedule;
      double[] expected;
      switch (r.nextInt(3)) {
        case 0 -> {
          long size = 1 + r.nextInt(20);
          double gamma = 0.1 + 0.9 * r.nextDouble();
          schedule = new StepDecay(size, gamma);
          expected = run(base, base, stepLr(size, gamma), counts);
        }
        case 1 -> {
          double gamma = 0.9 + 0.1 * r.nextDouble();
          schedule = new ExponentialDecay(gamma);
          expected = run(base, base, exponentialLr(gamma), counts);
        }
        default -> {
          long period = counts + r.nextInt(100); // the rate stays positive
          double etaMin = r.nextBoolean() ? 0 : base * r.nextDouble() * 0.5;
          schedule = new CosineAnnealing(period, etaMin);
          expected = run(base, base, cosineLr(base, period, etaMin), counts);
        }
      }
      if (r.nextBoolean()) {
        long total = 1 + r.nextInt(30);
        double start = 0.01 + 0.99 * r.nextDouble();
        schedule = schedule.withWarmup(total, start);
        expected = warmedUp(base, start, total, expected, counts);
      }
      Tensor w = Tensor.zeros(2).requiresGrad(true);
      Sgd opt = new Sgd(Map.of("w", w), base);
      LearningRateScheduler scheduler = new LearningRateScheduler(opt, schedule);
      for (int t = 0; t < counts; t++) {
        double applied = scheduler.apply(t);
        if (!(Math.abs(applied - expected[t]) <= 1e-9 * expected[t])
            || applied != opt.learningRate()) {
          fail("seed " + seed + " " + schedule + " base " + base + ": count " + t + " rate "
              + applied + " (optimizer " + opt.learningRate() + "), PyTorch " + expected[t]);
        }
      }
    }
  }

  /**
   * PyTorch's ReduceLROnPlateau(mode="min", threshold_mode="rel", threshold=1e-4, cooldown=0,
   * min_lr=0) as it steps, without its eps (a change below 1e-8 is skipped): the rates here stay
   * far above it.
   */
  private static List<Double> plateauRates(double base, double factor, int patience,
      List<Double> losses) {
    List<Double> rates = new ArrayList<>();
    double lr = base;
    double best = Double.POSITIVE_INFINITY;
    int bad = 0;
    rates.add(lr);
    for (double loss : losses) {
      if (loss < best * (1 - 1e-4)) {
        best = loss;
        bad = 0;
      } else {
        bad++;
      }
      if (bad > patience) {
        lr *= factor;
        bad = 0;
      }
      rates.add(lr);
    }
    return rates;
  }

  @Test
  void reduceOnPlateauFollowsPyTorchsReduceLrOnPlateau() {
    for (int c = 0; c < CASES; c++) {
      long seed = 95_000 + c;
      Random r = new Random(seed);
      double factor = 0.3 + 0.6 * r.nextDouble();
      int patience = r.nextInt(4);
      double base = 0.1;
      ReduceOnPlateau plateau = new ReduceOnPlateau(factor, patience);
      List<Double> losses = new ArrayList<>();
      double level = 2 + r.nextDouble();
      int epochs = 1 + r.nextInt(30);
      for (int e = 0; e < epochs; e++) {
        double loss = switch (r.nextInt(6)) {
          case 0 -> Double.NaN;
          case 1 -> level * (1 - 0.5e-4); // within the threshold: no improvement
          case 2 -> level;
          default -> level * (0.8 + 0.3 * r.nextDouble());
        };
        losses.add(loss);
        if (!Double.isNaN(loss)) {
          level = Math.min(level, loss);
        }
      }
      List<Double> expected = plateauRates(base, factor, patience, losses);
      for (int e = 0; e <= epochs; e++) {
        double rate = base * Math.pow(factor, plateau.reductions(losses.subList(0, e)));
        assertEquals(expected.get(e), rate, 1e-12 * base,
            "seed " + seed + " " + plateau + " losses " + losses + ": rate before epoch " + e);
      }
    }
  }
}
