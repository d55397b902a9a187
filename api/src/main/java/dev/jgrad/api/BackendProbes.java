package dev.jgrad.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a provider's {@link BackendProvider#probe()} with a time limit ({@value #PROPERTY},
 * seconds): a probe that hangs (a driver waiting on a wedged device, a network file system)
 * otherwise hangs every backend selection with it, and with it the program's first tensor op.
 * Each probe runs on a daemon thread, so one that never answers does not keep the JVM alive; while
 * it still runs, later probes of that provider answer unavailable at once instead of starting (and
 * leaking) another thread.
 */
final class BackendProbes {
  /** The property that sets the limit, in whole seconds ({@value}). */
  static final String PROPERTY = "jgrad.backend.probeTimeout";
  /** The limit when the property is unset: a CUDA probe loads the driver, about a second. */
  static final int DEFAULT_SECONDS = 30;

  /** Probes that did not answer in time and still run, by provider class. */
  private static final Map<Class<?>, FutureTask<Availability>> HUNG = new ConcurrentHashMap<>();

  private BackendProbes() {}

  /**
   * {@code p.probe()}'s answer, or unavailable with the reason: it threw (a LinkageError too),
   * answered null, or did not answer within the limit.
   */
  static Availability probe(BackendProvider p) {
    int seconds = SystemProperties.integer(PROPERTY, DEFAULT_SECONDS, 1);
    String late = "probe of backend '" + p.name() + "' did not answer within " + seconds
        + " s; set -D" + PROPERTY + "=<seconds> to wait longer";
    FutureTask<Availability> earlier = HUNG.get(p.getClass());
    if (earlier != null) {
      if (!earlier.isDone()) {
        return Availability.unavailable(late + " (an earlier probe of it has not answered yet)");
      }
      HUNG.remove(p.getClass(), earlier);
    }
    FutureTask<Availability> task = new FutureTask<>(() -> {
      try {
        return p.probe();
      } catch (Throwable t) { // a probe must never take the JVM down with it
        return Availability.unavailable("probe failed: " + t);
      }
    });
    Thread t = new Thread(task, "jgrad-probe-" + p.name());
    t.setDaemon(true);
    t.start();
    Availability a;
    try {
      a = task.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      HUNG.put(p.getClass(), task);
      return Availability.unavailable(late);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Availability.unavailable("interrupted while waiting for the probe of backend '"
          + p.name() + "'");
    } catch (ExecutionException e) { // the task catches every throwable: unreachable
      return Availability.unavailable("probe failed: " + e.getCause());
    }
    // a null answer would fail selection with a bare NullPointerException, whichever backend runs
    return a != null ? a : Availability.unavailable(p.getClass().getName() + ".probe() returned "
        + "null; a probe answers Availability.available() or Availability.unavailable(reason)");
  }
}
