package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.function.DoubleBinaryOperator;

/**
 * A normal {@link Init} with a name, so that printing one (an experiment's label, an error
 * message) says {@code he} or {@code normal(0.01)} instead of a lambda's class name.
 */
final class NormalInit implements Init {
  private final String name;
  private final DoubleBinaryOperator std;

  /** {@code std} maps {@code (fanIn, fanOut)} to the standard deviation. */
  NormalInit(String name, DoubleBinaryOperator std) {
    this.name = checkNotNull(name, "name is null");
    this.std = checkNotNull(std, "std is null");
  }

  @Override
  public double std(int fanIn, int fanOut) {
    return std.applyAsDouble(fanIn, fanOut);
  }

  @Override
  public String toString() {
    return name;
  }
}
