package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Out-of-memory tests run their calls in a child JVM with a 64 MiB heap: {@link #report} prints
 * each call's outcome there, {@link #run} starts the child and returns what it printed. Public
 * for other modules' tests (this module's test jar).
 */
public final class SmallHeapProbe {
  private SmallHeapProbe() {}

  /** Runs {@code call}, printing {@code what: ok} or {@code what: ExceptionClass: message}. */
  public static void report(String what, Runnable call) {
    try {
      call.run();
      System.out.println(what + ": ok");
    } catch (RuntimeException e) {
      System.out.println(what + ": " + e.getClass().getName() + ": " + e.getMessage());
    }
  }

  /** What {@code main} prints in a child JVM with a 64 MiB heap; it must exit normally. */
  public static String run(Class<?> main) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp",
        System.getProperty("java.class.path"), main.getName()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), output);
    return output;
  }
}
