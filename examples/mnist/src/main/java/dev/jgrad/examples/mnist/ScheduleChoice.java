package dev.jgrad.examples.mnist;

import dev.jgrad.optim.schedule.CosineAnnealing;
import dev.jgrad.optim.schedule.ExponentialDecay;
import dev.jgrad.optim.schedule.LearningRateSchedule;
import dev.jgrad.optim.schedule.StepDecay;
import dev.jgrad.train.ReduceOnPlateau;

/**
 * The main job's {@code --schedule}: how the learning rate moves from epoch to epoch.
 * {@code constant} (the default) keeps it; {@code cosine} lowers it along half a cosine to near 0
 * at the last epoch (PyTorch's {@code CosineAnnealingLR(T_max=epochs)}); {@code step:N:G}
 * multiplies it by G every N epochs ({@code StepLR}); {@code exp:G} by G every epoch
 * ({@code ExponentialLR}); {@code plateau:P:G} by G whenever the validation loss has not improved
 * for more than P epochs ({@code ReduceLROnPlateau}, so it needs {@code --validation}).
 * {@code stepEpochs} is N of step:N:G, or P of plateau:P:G.
 */
record ScheduleChoice(String spec, Kind kind, int stepEpochs, double gamma) {
  enum Kind { CONSTANT, COSINE, STEP, EXPONENTIAL, PLATEAU }

  static final ScheduleChoice CONSTANT = new ScheduleChoice("constant", Kind.CONSTANT, 0, 1);
  static final String USAGE = "constant, cosine, step:N:G (times G every N epochs), exp:G "
      + "(times G every epoch) or plateau:P:G (times G when the validation loss has not improved "
      + "for more than P epochs), G in (0, 1]";

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
      case "plateau":
        if (parts.length == 3) {
          double g = gamma(parts[2], value);
          if (g < 1) {
            return new ScheduleChoice(v, Kind.PLATEAU, patience(parts[1], value), g);
          }
          throw new IllegalArgumentException("'" + value + "': G must be below 1 for plateau, "
              + "got '" + parts[2] + "'");
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

  /** The schedule over a run of {@code epochs} epochs, or null to keep the rate (or plateau). */
  LearningRateSchedule create(int epochs) {
    return switch (kind) {
      case CONSTANT, PLATEAU -> null;
      case COSINE -> new CosineAnnealing(epochs, 0);
      case STEP -> new StepDecay(stepEpochs, gamma);
      case EXPONENTIAL -> new ExponentialDecay(gamma);
    };
  }

  /** Whether {@link #create}'s schedule depends on the run's length: cosine's does. */
  boolean dependsOnEpochs() {
    return kind == Kind.COSINE;
  }

  /** The plateau rule of {@code plateau:P:G}, or null for the other schedules. */
  ReduceOnPlateau plateau() {
    return kind == Kind.PLATEAU ? new ReduceOnPlateau(gamma, stepEpochs) : null;
  }

  private static int patience(String p, String value) {
    try {
      int e = Integer.parseInt(p.trim());
      if (e >= 0) {
        return e;
      }
    } catch (NumberFormatException ignored) {
      // said below
    }
    throw new IllegalArgumentException("'" + value + "': P in plateau:P:G must be a whole number"
        + " of epochs >= 0, got '" + p + "'");
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
