package dev.jgrad.testkit;

import java.util.List;

/** What a test kit's report tells whatever the kit checked: its results, and the bad ones. */
public interface KitReport {
  /** Every check's result, in the order the checks ran. */
  List<CheckResult> results();

  /** The checks that failed (skipped ones are not failures). */
  default List<CheckResult> failures() {
    return results().stream().filter(r -> r.status() == CheckResult.Status.FAILED).toList();
  }

  /** Checks that could not run here: never counted as passed. */
  default List<CheckResult> skipped() {
    return results().stream().filter(r -> r.status() == CheckResult.Status.SKIPPED).toList();
  }

  /** Whether no check failed (skipped checks do not fail a report: see {@link #skipped()}). */
  default boolean passed() {
    return failures().isEmpty();
  }
}
