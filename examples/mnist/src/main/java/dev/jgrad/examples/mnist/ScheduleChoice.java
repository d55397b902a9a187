package dev.jgrad.examples.mnist;

import dev.jgrad.optim.schedule.CosineAnnealing;
import dev.jgrad.optim.schedule.ExponentialDecay;
import dev.jgrad.optim.schedule.LearningRateSchedule;
import dev.jgrad.optim.schedule.StepDecay;

/**
 * The main job's {@code --schedule}: how the learning rate moves from epoch to epoch.
 * {@code constant} (the default) keeps it; {@code cosine} lowers it along half a cosine to near 0
 * at the last epoch (PyTorch's {@code CosineAnnealingLR(T_max=epochs)}); {@code step:N:G}
 * multiplies it by G every N epochs ({@code StepLR}); {@code exp:G} by G every epoch
 * ({@code ExponentialLR}).
 */
record ScheduleChoice(String spec, Kind kind, int stepEpochs, double gamma) {
  enum Kind { CONSTANT, COSINE, STEP, EXPONENTIAL }

  static final ScheduleChoice CONSTANT = new ScheduleChoice("constant", Kind.CONSTANT, 0, 1);
  static final String USAGE = "constant, cosine, step:N:G (times G every N epochs) or exp:G "
      + "(times G every epoch), G in (0, 1]";

  /** Parses {@code value}; an {@link IllegalArgumentException} says what is wrong. */
  static ScheduleChoice parse(String value) {
    String v = value.trim();
    String[] parts = v.split(":", -1);
    switch (parts[0]) {
      case "constant":
      case "cosine":
        if (parts.length == 1) {
          return parts[0].equals("cosine") ? new ScheduleChoice(v, Kind.COSINE, 0, 1) : CONSTANT;
        }
        break;
      case "step":
        if (parts.length == 3) {
          return new ScheduleChoice(v, Kind.STEP, epochs(parts[1], value), gamma(parts[2], value));
        }
        break;
      case "exp":
        if (parts.length == 2) {
          return new ScheduleChoice(v, Kind.EXPONENTIAL, 0, gamma(parts[1], value));
        }
        break;
      default:
        break;
    }
    throw new IllegalArgumentException("'" + value + "' is not a schedule; use " + USAGE);
  }

  /** The schedule over a run of {@code epochs} epochs, or null to keep the rate. */
  LearningRateSchedule create(int epochs) {
    return switch (kind) {
      case CONSTANT -> null;
      case COSINE -> new CosineAnnealing(epochs, 0);
      case STEP -> new StepDecay(stepEpochs, gamma);
      case EXPONENTIAL -> new ExponentialDecay(gamma);
    };
  }

  private static int epochs(String n, String value) {
    try {
      int e = Integer.parseInt(n.trim());
      if (e > 0) {
        return e;
      }
    } catch (NumberFormatException ignored) {
      // said below
    }
    throw new IllegalArgumentException("'" + value + "': N in step:N:G must be a positive whole"
        + " number of epochs, got '" + n + "'");
  }

  private static double gamma(String g, String value) {
    try {
      double d = Double.parseDouble(g.trim());
      if (d > 0 && d <= 1) {
        return d;
      }
    } catch (NumberFormatException ignored) {
      // said below
    }
    throw new IllegalArgumentException("'" + value + "': G must be a number in (0, 1], got '"
        + g + "'");
  }

  @Override
  public String toString() {
    return spec;
  }
}
