package dev.jgrad.autograd;

import dev.jgrad.api.Backend;
import dev.jgrad.api.SystemProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a program's time goes, op by op: with {@code -Djgrad.profile=true} every op call's kernel
 * time is added up by op name (gradient ops appear under their own names, since gradient rules
 * call ops), and the table is logged when the JVM exits; {@link #report()} gives it at any time,
 * {@link #reset()} starts over (after a warm-up, say). Off by default, and then free: the check
 * is a constant the JIT folds away.
 *
 * <pre>{@code
 * java -Djgrad.profile=true -jar jgrad-mnist.jar --model cnn
 * }</pre>
 *
 * <p>On an asynchronous backend (CUDA) the profiler waits for each kernel to finish, so the times
 * are the device's, but the run is slower than without it. Time outside ops (optimizers' in-place
 * updates, data loading, the graph walk) is not counted; an op whose kernel is composed of other
 * ops counts their time too, and they are listed as well.
 */
public final class OpProfiler {
  /** Whether op times are recorded: the system property {@code jgrad.profile}, read once. */
  public static final boolean ENABLED;
  /**
   * Why {@code jgrad.profile} could not be read, or null. Kept rather than thrown here: thrown from
   * a class initializer it would reach the user as an ExceptionInInitializerError.
   */
  private static final String BAD_SETTING;

  static {
    boolean enabled = false;
    String bad = null;
    try {
      enabled = SystemProperties.flag("jgrad.profile", false);
    } catch (IllegalArgumentException e) {
      bad = e.getMessage();
    }
    ENABLED = enabled;
    BAD_SETTING = bad;
  }

  private static final Logger log = LoggerFactory.getLogger(OpProfiler.class);
  private static final Map<String, LongAdder[]> totals = new ConcurrentHashMap<>();

  static {
    if (ENABLED) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> log.info("op times:\n{}", report()),
          "jgrad-profile-report"));
    }
  }

  private OpProfiler() {}

  /** Throws when {@code jgrad.profile} has a value that is not a boolean, naming it. */
  static void checkSetting() {
    if (BAD_SETTING != null) { // a constant: compiled away where the setting is fine
      throw new IllegalArgumentException(BAD_SETTING);
    }
  }

  /** Adds one call of {@code op} that took {@code nanos}. */
  static void record(String op, long nanos) {
    LongAdder[] t = totals.computeIfAbsent(op, k -> new LongAdder[] {new LongAdder(),
        new LongAdder()});
    t[0].add(nanos);
    t[1].increment();
  }

  /** The start of a timed call: waits for queued device work first, so it is not counted. */
  static long start(Backend backend) {
    backend.synchronize();
    return System.nanoTime();
  }

  /** Ends a timed call of {@code op} started at {@code start}. */
  static void stop(String op, Backend backend, long start) {
    backend.synchronize();
    record(op, System.nanoTime() - start);
  }

  /** Forgets every time recorded so far. */
  public static void reset() {
    totals.clear();
  }

  /** The table so far: per op, total milliseconds, share of all op time, calls, microseconds a call. */
  public static String report() {
    List<Map.Entry<String, LongAdder[]>> rows = new ArrayList<>(totals.entrySet());
    rows.sort((a, b) -> Long.compare(b.getValue()[0].sum(), a.getValue()[0].sum()));
    double all = rows.stream().mapToLong(e -> e.getValue()[0].sum()).sum();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-44s %10s %6s %9s %10s%n",
        "op", "total ms", "share", "calls", "us/call"));
    for (Map.Entry<String, LongAdder[]> e : rows) {
      long nanos = e.getValue()[0].sum();
      long calls = e.getValue()[1].sum();
      sb.append(String.format(Locale.ROOT, "%-44s %10.1f %5.1f%% %9d %10.1f%n", e.getKey(),
          nanos / 1e6, all == 0 ? 0 : 100 * nanos / all, calls, nanos / 1e3 / Math.max(1, calls)));
    }
    return sb.toString();
  }
}
