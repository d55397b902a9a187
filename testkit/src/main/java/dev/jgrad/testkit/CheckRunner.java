package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Runs the {@link BackendTestKit}'s checks one at a time on one backend and records each
 * outcome. A check passes when its body returns, fails when it throws (a {@link Mismatch} says
 * what differed; anything else is reported as thrown), and owns the buffers it makes. After each
 * check the backend is synchronised, so an error an asynchronous backend reports late is charged
 * to the check that caused it, not to the next one.
 */
final class CheckRunner {
  /** A check: returns what it verified, the passed result's detail. */
  interface Body {
    String run(Buffers buffers);
  }

  private final Backend backend;
  private final long seed;
  private final Predicate<String> names;
  private final List<CheckResult> results = new ArrayList<>();

  /** @param names which checks to run (and report) */
  CheckRunner(Backend backend, long seed, Predicate<String> names) {
    this.backend = backend;
    this.seed = seed;
    this.names = names;
  }

  Backend backend() {
    return backend;
  }

  /** Random inputs of the check {@code name}: the same in every run, whatever runs before it. */
  Random random(String name) {
    return new Random(seed * 31 + name.hashCode());
  }

  void check(String name, Body body) {
    if (!names.test(name)) {
      return;
    }
    CheckResult result;
    try (Buffers buffers = new Buffers(backend)) {
      result = CheckResult.passed(name, body.run(buffers));
    } catch (Mismatch m) {
      result = CheckResult.failed(name, m.getMessage());
    } catch (RuntimeException | AssertionError e) {
      result = CheckResult.failed(name, "threw " + e);
    }
    try {
      backend.synchronize();
    } catch (RuntimeException e) {
      if (result.status() == CheckResult.Status.PASSED) {
        result = CheckResult.failed(name, "left an error for the next synchronisation: " + e);
      }
    }
    results.add(result);
  }

  /** A check that cannot run on this backend: reported as skipped, never as passed. */
  void skip(String name, String why) {
    if (names.test(name)) {
      results.add(CheckResult.skipped(name, why));
    }
  }

  List<CheckResult> results() {
    return results;
  }
}
