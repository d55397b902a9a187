package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX is what build-ptx.sh makes from the committed CUDA sources. Runs only where
 * nvcc and ptxas are on PATH (skipped elsewhere). Comment lines are ignored: they name the nvcc
 * build, which is not what this checks.
 */
class PtxFreshnessTest {
  private static final Path CUDA = TestTools.MODULE.resolve("src/main/cuda");
  private static final Path COMMITTED = TestTools.MODULE.resolve("src/main/resources/dev/jgrad/cuda");

  @Test
  void committedPtxMatchesTheSources(@TempDir Path tmp) throws IOException, InterruptedException {
    TestTools.assumeTools("nvcc", "ptxas", "bash");
    TestTools.runOk(List.of("bash", CUDA.resolve("build-ptx.sh").toString(), tmp.toString()),
        Map.of(), null);
    List<String> fresh = new ArrayList<>();
    try (Stream<Path> files = Files.list(tmp)) {
      files.filter(p -> p.toString().endsWith(".ptx")).forEach(p -> fresh.add(
          p.getFileName().toString()));
    }
    List<String> committed = new ArrayList<>();
    try (Stream<Path> files = Files.list(COMMITTED)) {
      files.filter(p -> p.toString().endsWith(".ptx")).forEach(p -> committed.add(
          p.getFileName().toString()));
    }
    fresh.sort(null);
    committed.sort(null);
    assertEquals(fresh, committed, "the PTX files do not match the .cu files: run "
        + "src/main/cuda/build-ptx.sh and commit its output");
    for (String name : fresh) {
      List<String> a = code(tmp.resolve(name));
      List<String> b = code(COMMITTED.resolve(name));
      if (!a.equals(b)) {
        int i = 0;
        while (i < Math.min(a.size(), b.size()) && a.get(i).equals(b.get(i))) {
          i++;
        }
        fail(name + " is stale: it differs from what src/main/cuda/build-ptx.sh generates from "
            + "the sources, first at code line " + (i + 1) + ": committed \""
            + (i < b.size() ? b.get(i) : "<end>") + "\" vs fresh \""
            + (i < a.size() ? a.get(i) : "<end>") + "\". Run build-ptx.sh and commit the result.");
      }
    }
  }

  private static List<String> code(Path ptx) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String l : Files.readAllLines(ptx)) {
      if (!l.startsWith("//")) {
        lines.add(l);
      }
    }
    return lines;
  }
}
