package dev.jgrad.testkit;

/** The outcome of one check of the {@link OpTestKit} or the {@link BackendTestKit}. */
public record CheckResult(String check, Status status, String detail) {
  /** Passed, failed, or could not run here (say, no GPU): a skip is never counted as a pass. */
  public enum Status {
    /** The check ran and its expectation held. */
    PASSED,
    /** The check ran and its expectation did not hold; the detail says how. */
    FAILED,
    /** The check could not run here; the detail says why. */
    SKIPPED
  }

  static CheckResult passed(String check, String detail) {
    return new CheckResult(check, Status.PASSED, detail);
  }

  static CheckResult failed(String check, String detail) {
    return new CheckResult(check, Status.FAILED, detail);
  }

  static CheckResult skipped(String check, String detail) {
    return new CheckResult(check, Status.SKIPPED, detail);
  }

  @Override
  public String toString() {
    return String.format("%-7s %s: %s", status, check, detail);
  }
}
