package dev.jgrad.testkit;

import java.util.List;

/** Every check the {@link OpTestKit} ran on one op, with what passed, failed and was skipped. */
public record OpTestReport(String op, List<CheckResult> results) {
  public OpTestReport {
    results = List.copyOf(results);
  }

  public List<CheckResult> failures() {
    return results.stream().filter(r -> r.status() == CheckResult.Status.FAILED).toList();
  }

  public List<CheckResult> skipped() {
    return results.stream().filter(r -> r.status() == CheckResult.Status.SKIPPED).toList();
  }

  public boolean passed() {
    return failures().isEmpty();
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
