package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed libjgrad_cpu.so is what src/main/native/jgrad-cpu/build.sh makes from the
 * committed sources. Runs where gcc is on PATH (skipped elsewhere): byte for byte when this gcc
 * is the one that built the committed library (its .comment section names it), else by the
 * functions it exports.
 */
class NativeLibraryFreshnessTest {
  private static final Path NATIVE = Path.of("src/main/native/jgrad-cpu");
  private static final Path COMMITTED =
      Path.of("src/main/resources/dev/jgrad/cpu/native/linux-x86_64/libjgrad_cpu.so");

  @Test
  void theCommittedLibraryIsWhatTheBuildScriptMakes(@TempDir Path tmp) throws Exception {
    assumeTrue(onPath("gcc") && onPath("bash") && onPath("readelf") && onPath("nm"),
        "needs gcc, bash, readelf and nm on PATH");
    Path fresh = tmp.resolve("libjgrad_cpu.so");
    run("bash", NATIVE.resolve("build.sh").toString(), fresh.toString());
    String hint = "the committed libjgrad_cpu.so is stale: run "
        + "cpu-backend/src/main/native/jgrad-cpu/build.sh and commit the library";
    if (run("readelf", "-p", ".comment", fresh.toString())
        .equals(run("readelf", "-p", ".comment", COMMITTED.toString()).replace(
            COMMITTED.toString(), fresh.toString()))) {
      assertArrayEquals(Files.readAllBytes(COMMITTED), Files.readAllBytes(fresh), hint);
    } else {
      assertEquals(run("nm", "-D", "--defined-only", fresh.toString()).lines()
              .map(l -> l.substring(l.indexOf(' ') + 1)).toList(),
          run("nm", "-D", "--defined-only", COMMITTED.toString()).lines()
              .map(l -> l.substring(l.indexOf(' ') + 1)).toList(), hint);
    }
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isBlank() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + String.join(" ", command));
    }
    assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
    return out;
  }
}
