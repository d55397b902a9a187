package dev.jgrad.testkit;

import java.util.List;

/** What a test kit's report tells whatever the kit checked: its results, and the bad ones. */
public interface KitReport {
  List<CheckResult> results();

  default List<CheckResult> failures() {
    return results().stream().filter(r -> r.status() == CheckResult.Status.FAILED).toList();
  }

  /** Checks that could not run here: never counted as passed. */
  default List<CheckResult> skipped() {
    return results().stream().filter(r -> r.status() == CheckResult.Status.SKIPPED).toList();
  }

  default boolean passed() {
    return failures().isEmpty();
  }
}
