package dev.jgrad.io;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the reads of fuzzed files for the reader fuzz tests and collects what went wrong. Each
 * read runs on the harness's thread under a timeout, so a hang fails (as under JUnit's
 * assertTimeoutPreemptively, which would start a thread for each read), and its heap allocation
 * is counted, so a size read out of a header and trusted fails even where the heap would have
 * held it. Then its outcome is judged: a result must pass the test's consistency check, a
 * throwable must be one the test allows ({@link Verdict}). Failures are grouped by throwable
 * class and the frame that threw it, each example with the seed, the mutant's index and how the
 * mutant was made, and {@link #assertNoFailures()} reports them all at once.
 */
public final class FuzzHarness {
  /** A read taking longer hangs. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** The inputs are under 4 KiB: a read allocating more trusted a size it read. */
  static final long MAX_ALLOCATED_BYTES = 64L << 20;
  private static final int EXAMPLES = 3;

  /** One read of a mutant. */
  @FunctionalInterface
  public interface Read<T> {
    /** Reads the mutant. */
    T read() throws Exception;
  }

  /** The consistency check of a successful read. */
  @FunctionalInterface
  public interface Check<T> {
    /** Fails, with an AssertionError, if {@code result} is not consistent. */
    void check(T result) throws Exception;
  }

  /** What a read may throw. */
  @FunctionalInterface
  public interface Verdict {
    /** Why {@code thrown} is not an outcome the reader documents, or null when it is. */
    String judge(Throwable thrown);
  }

  private record Outcome(Object result, Throwable thrown, long allocated) {}

  private final String input;
  private final long seed;
  // one thread for all the reads: a thread of their own each (assertTimeoutPreemptively's) would
  // cost more than most reads
  private ExecutorService reader = newReader();
  private final Map<String, List<String>> failures = new LinkedHashMap<>();
  private final Map<String, Integer> counts = new LinkedHashMap<>();
  private int mutants;

  /** Collects the failures of the mutants of {@code input} (its name in messages). */
  public FuzzHarness(String input, long seed) {
    this.input = input;
    this.seed = seed;
  }

  /**
   * Runs {@code read} on mutant {@code index} (made as {@code how} says) under the timeout, then
   * judges the outcome: {@code check} a result, {@code verdict} a throwable.
   */
  @SuppressWarnings("unchecked")
  public <T> void run(int index, String how, Read<T> read, Check<? super T> check,
      Verdict verdict) {
    mutants++;
    Future<Outcome> future = reader.submit(() -> {
      ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();
      Object result = null;
      Throwable thrown = null;
      try {
        result = read.read();
      } catch (Throwable t) { // OutOfMemoryError and StackOverflowError included
        thrown = t;
      }
      return new Outcome(result, thrown, threads.getCurrentThreadAllocatedBytes() - before);
    });
    Outcome outcome;
    try {
      outcome = future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      fail("hang", index, how, "no answer within " + TIMEOUT.toSeconds() + " s");
      future.cancel(true);
      reader.shutdownNow(); // its thread may never come back: the next reads get another
      reader = newReader();
      return;
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError("the reading thread failed: " + e, e);
    }
    if (outcome.allocated() > MAX_ALLOCATED_BYTES) {
      fail("allocation", index, how, String.format(Locale.ROOT,
          "the read allocated %,d bytes, more than %,d, for an input of a few KiB (then %s)",
          outcome.allocated(), MAX_ALLOCATED_BYTES, outcome.thrown() == null ? "succeeded"
              : "threw " + outcome.thrown()));
    }
    if (outcome.thrown() == null) {
      try {
        check.check((T) outcome.result());
      } catch (Throwable t) {
        fail("inconsistent result", index, how, String.valueOf(t.getMessage()));
      }
      return;
    }
    Throwable t = outcome.thrown();
    String why = verdict.judge(t);
    if (why != null) {
      fail(t.getClass().getName() + " at " + origin(t), index, how, why + ": " + t);
    }
  }

  private static ExecutorService newReader() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-reader");
      t.setDaemon(true); // a hung read must not keep the JVM alive
      return t;
    });
  }

  /** The first frame of jgrad's code that threw, or the first frame. */
  private static String origin(Throwable t) {
    StackTraceElement[] frames = t.getStackTrace();
    for (StackTraceElement f : frames) {
      if (f.getClassName().startsWith("dev.jgrad.")) {
        return f.toString();
      }
    }
    return frames.length == 0 ? "?" : frames[0].toString();
  }

  private void fail(String kind, int index, String how, String detail) {
    counts.merge(kind, 1, Integer::sum);
    List<String> examples = failures.computeIfAbsent(kind, k -> new ArrayList<>());
    if (examples.size() < EXAMPLES) {
      examples.add(printable(String.format(Locale.ROOT, "mutant %d of seed 0x%X (%s): %s", index,
          seed, how, detail)));
    }
  }

  /** {@code s} with the characters outside printable ASCII escaped, lone surrogates included. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 2000; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04X", (int) c));
    }
    return sb.toString();
  }

  /** Fails listing every kind of failure, its count and its first examples. */
  public void assertNoFailures() {
    reader.shutdownNow();
    if (failures.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder(input).append(": ")
        .append(counts.values().stream().mapToInt(Integer::intValue).sum()).append(" failures in ")
        .append(mutants).append(" mutants");
    failures.forEach((kind, examples) -> {
      sb.append("\n  ").append(kind).append(" (").append(counts.get(kind)).append("x)");
      examples.forEach(e -> sb.append("\n    ").append(e));
    });
    throw new AssertionError(sb.toString());
  }

  // ---- verdicts -----------------------------------------------------------------------------

  /**
   * A {@code type} whose message is one line starting with {@code source}, giving its byte
   * offset, which lies in {@code 0..maxOffset} (any offset when {@code maxOffset} is negative).
   */
  public static Verdict formatError(Class<? extends FileFormatException> type, String source,
      long maxOffset) {
    return t -> {
      if (!type.isInstance(t)) {
        return "expected a " + type.getSimpleName();
      }
      FileFormatException e = (FileFormatException) t;
      String why = oneLineNaming(e, source);
      if (why != null) {
        return why;
      }
      if (e.offset() < 0 || !e.getMessage().contains(" at byte " + e.offset() + ": ")) {
        return "the message does not give the byte offset";
      }
      return maxOffset >= 0 && e.offset() > maxOffset ? "offset " + e.offset()
          + " is past the end of the file (" + maxOffset + ")" : null;
    };
  }

  /** Why {@code t}'s message is not one line that starts with {@code source}, or null. */
  public static String oneLineNaming(Throwable t, String source) {
    String m = t.getMessage();
    if (m == null || !m.startsWith(source + ": ") || m.length() <= source.length() + 2) {
      return "the message does not start with the file's name";
    }
    return m.contains("\n") ? "the message is more than one line" : null;
  }
}
