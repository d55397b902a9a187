package dev.jgrad.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLockTest {
  @TempDir Path dir;

  /** Holds the lock on {@code args[0]} in a child JVM until its standard input closes. */
  public static final class Holder {
    public static void main(String[] args) throws IOException {
      try (OutputLock lock = OutputLock.acquire(Path.of(args[0]))) {
        System.out.println("locked");
        System.out.flush();
        while (System.in.read() >= 0) {
          // wait for the parent to close our standard input
        }
      }
    }
  }

  @Test
  void aSecondRunInAnotherProcessFailsAtOnceNamingTheHolderAndSucceedsAfterRelease()
      throws Exception {
    Path out = dir.resolve("out/mnist");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        Holder.class.getName(), out.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(),
          UTF_8));
      assertEquals("locked", reader.readLine());

      OutputLock.InUseException e = assertThrows(OutputLock.InUseException.class,
          () -> OutputLock.acquire(out));
      assertTrue(e.getMessage().startsWith(out + " is in use by another jgrad run (pid "
          + child.pid() + ", since "), e.getMessage());
      assertEquals(out, e.dir());

      child.getOutputStream().close(); // the holder ends and the OS drops its lock
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the holder did not end");
      try (OutputLock lock = OutputLock.acquire(out)) {
        assertEquals(out, lock.dir());
      }
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void aSecondLockInThisProcessFailsUntilTheFirstIsClosed() throws IOException {
    OutputLock first = OutputLock.acquire(dir);
    IOException e = assertThrows(OutputLock.InUseException.class, () -> OutputLock.acquire(dir));
    assertTrue(e.getMessage().contains("(pid " + ProcessHandle.current().pid()), e.getMessage());
    first.close();
    OutputLock.acquire(dir).close();
    assertEquals(List.of(OutputLock.FILE_NAME), names(dir), "the probe file is gone");
  }

  @Test
  void aFileInsteadOfADirectoryIsNamed() throws IOException {
    Path file = dir.resolve("taken");
    Files.writeString(file, "x");
    IOException e = assertThrows(IOException.class, () -> OutputLock.acquire(file));
    assertEquals(file + " is not a directory; choose another output directory", e.getMessage());
    IOException below = assertThrows(IOException.class,
        () -> OutputLock.acquire(file.resolve("sub")));
    assertTrue(below.getMessage().startsWith("cannot create output directory "
        + file.resolve("sub")), below.getMessage());
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
