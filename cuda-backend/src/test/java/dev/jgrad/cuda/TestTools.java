package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Helpers for tests that run external tools (gcc, nvcc, nm) or a child JVM. */
final class TestTools {
  /** The module folder: surefire runs tests there. */
  static final Path MODULE = Path.of("").toAbsolutePath();

  private TestTools() {}

  /** The executable {@code name} on PATH, if any. */
  static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Skips the calling test unless every tool is on PATH. */
  static void assumeTools(String... names) {
    for (String n : names) {
      assumeTrue(onPath(n).isPresent(), n + " is not on PATH: this check runs only where it is");
    }
  }

  /**
   * Compiles {@code src/test/cuda/<mainCpp>} (which includes the CUDA C sources and the emulator)
   * for the CPU into {@code exe}; skips the calling test without g++.
   */
  static Path compileWithEmulator(String mainCpp, Path exe) throws IOException,
      InterruptedException {
    assumeTools("g++");
    runOk(List.of("g++", "-std=c++20", "-O0", "-pthread",
        "-I", MODULE.resolve("src/main/cuda").toString(),
        "-I", MODULE.resolve("src/test/cuda").toString(),
        "-o", exe.toString(), MODULE.resolve("src/test/cuda").resolve(mainCpp).toString()),
        Map.of(), null);
    return exe;
  }

  /** The result of a process: exit status and the interleaved output. */
  record Run(int exit, String output) {}

  static Run run(List<String> command, Map<String, String> env, Path dir) throws IOException,
      InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Runs and asserts exit status 0, returning the output. */
  static String runOk(List<String> command, Map<String, String> env, Path dir) throws IOException,
      InterruptedException {
    Run r = run(command, env, dir);
    assertEquals(0, r.exit(), () -> String.join(" ", command) + " failed:\n" + r.output());
    return r.output();
  }

  /** Compiles C sources with gcc into {@code out}. */
  static void gcc(Path out, List<String> flags, Path... sources) throws IOException,
      InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("gcc", "-O1", "-o", out.toString()));
    cmd.addAll(flags);
    for (Path s : sources) {
      cmd.add(s.toString());
    }
    runOk(cmd, Map.of(), null);
  }

  /** Runs {@code main} in a new JVM on this test class path. */
  static Run childJvm(Class<?> main, Map<String, String> env, List<String> jvmArgs,
      String... args) throws IOException, InterruptedException {
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return run(cmd, env, null);
  }
}
