package dev.jgrad.testkit;

import java.util.List;

/** Every check the {@link BackendTestKit} ran on one backend: passed, failed and skipped. */
public record BackendTestReport(String backend, List<CheckResult> results) implements KitReport {
  /** How the checks of upload and download, which every other check relies on, are named. */
  static final String ROUND_TRIP = "upload and download";

  public BackendTestReport {
    results = List.copyOf(results);
  }

  /** Throws an {@link AssertionError} listing every failed check; returns this report otherwise. */
  public BackendTestReport assertPassed() {
    List<CheckResult> failures = failures();
    if (!failures.isEmpty()) {
      StringBuilder sb = new StringBuilder("the " + backend + " backend failed "
          + failures.size() + " of " + results.size() + " conformance checks:\n");
      if (failures.stream().anyMatch(f -> f.check().startsWith(ROUND_TRIP))) {
        sb.append("  (every check reads its results with download: fix the failed '")
            .append(ROUND_TRIP).append("' checks first, the others may fail through them)\n");
      }
      failures.forEach(f -> sb.append("  ").append(f).append('\n'));
      throw new AssertionError(sb.toString());
    }
    return this;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("BackendTestKit report for the ").append(backend)
        .append(" backend: ").append(results.size() - failures().size() - skipped().size())
        .append(" passed, ").append(failures().size()).append(" failed, ")
        .append(skipped().size()).append(" skipped\n");
    results.forEach(r -> sb.append("  ").append(r).append('\n'));
    return sb.toString();
  }
}
