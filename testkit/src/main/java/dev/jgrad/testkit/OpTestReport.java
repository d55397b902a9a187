package dev.jgrad.testkit;

import java.util.List;

/** Every check the {@link OpTestKit} ran on one op, with what passed, failed and was skipped. */
public record OpTestReport(String op, List<CheckResult> results) implements KitReport {
  public OpTestReport {
    results = List.copyOf(results);
  }

  /** Throws an {@link AssertionError} listing every failed check; returns this report otherwise. */
  public OpTestReport assertPassed() {
    if (!passed()) {
      throw new AssertionError("op " + op + " failed " + failures().size() + " check(s):\n"
          + this);
    }
    return this;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("OpTestKit report for ").append(op).append('\n');
    results.forEach(r -> sb.append("  ").append(r).append('\n'));
    return sb.toString();
  }
}
