package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed cuBLAS shim is what its generator makes, covers exactly what JCublas imports, and
 * forwards correctly. Each check runs where its tools (bash, awk, gcc, nm) exist, else is skipped;
 * none needs a GPU or a real cuBLAS (see {@link CublasShimLoadTest} for that).
 */
class CublasShimFreshnessTest {
  @Test
  void generatedSourcesRegenerateIdentically(@TempDir Path tmp) throws Exception {
    TestTools.assumeTools("bash", "awk");
    TestTools.runOk(List.of("bash", ShimFiles.REGENERATE.toString(), "sources",
        ShimFiles.SYMBOLS.toString(), tmp.toString()), Map.of(), null);
    for (String f : List.of("cublas12_names.h", "cublas12_trampolines.S", "cublas12_shim.map")) {
      assertArrayEquals(Files.readAllBytes(ShimFiles.GENERATED.resolve(f)),
          Files.readAllBytes(tmp.resolve(f)), f + " is stale: run "
              + "src/main/native/cublas-shim/regenerate.sh and commit its output");
    }
  }

  @Test
  void theCommittedLibraryExportsWhatAFreshBuildExports(@TempDir Path tmp) throws Exception {
    TestTools.assumeTools("bash", "gcc", "nm");
    Path fresh = tmp.resolve("libcublas.so.12");
    TestTools.runOk(List.of("bash", ShimFiles.REGENERATE.toString(), "compile",
        ShimFiles.GENERATED.toString(), fresh.toString()), Map.of(), null);
    TreeSet<String> committed = dynamicSymbols(ShimFiles.COMMITTED_SO);
    assertEquals(dynamicSymbols(fresh), committed, "the committed libcublas.so.12 is stale: run "
        + "src/main/native/cublas-shim/regenerate.sh and commit it");
    List<String> symbols = Files.readAllLines(ShimFiles.SYMBOLS);
    for (String s : symbols) {
      assertTrue(committed.contains("T " + s + "@@libcublas.so.12"),
          s + " is not exported with version libcublas.so.12");
    }
    String soname = TestTools.runOk(List.of("readelf", "-d", ShimFiles.COMMITTED_SO.toString()),
        Map.of(), null);
    assertTrue(soname.contains("Library soname: [libcublas.so.12]"), soname);
  }

  @Test
  void theSymbolListIsWhatJcublasImports(@TempDir Path tmp) throws Exception {
    TestTools.assumeTools("nm");
    TreeSet<String> imported = new TreeSet<>();
    for (String lib : List.of("JCublas2", "JCublas")) {
      Path so = ShimFiles.jcudaNative(lib, tmp);
      String out = TestTools.runOk(List.of("nm", "-D", "--undefined-only", so.toString()),
          Map.of(), null);
      for (String line : out.split("\n")) {
        String t = line.trim();
        if (t.startsWith("U ") && t.endsWith("@libcublas.so.12")) {
          imported.add(t.substring(2, t.length() - "@libcublas.so.12".length()));
        }
      }
    }
    assertEquals(new ArrayList<>(imported), Files.readAllLines(ShimFiles.SYMBOLS),
        "cublas12-symbols.txt no longer matches the JCublas natives on the class path: run "
            + "regenerate.sh with the jcublas-natives jar");
  }

  @Test
  void forwardsArgumentsAndReportsMissingSymbols(@TempDir Path tmp) throws Exception {
    TestTools.assumeTools("gcc");
    Path fakeDir = Files.createDirectories(tmp.resolve("fake"));
    Path fake = fakeDir.resolve("libcublas.so.13");
    TestTools.gcc(fake, List.of("-shared", "-fPIC", "-Wl,-soname,libcublas.so.13"),
        ShimFiles.NATIVE_TESTS.resolve("fake_cublas13.c"));
    Path check = tmp.resolve("shim_fake_check");
    TestTools.gcc(check, List.of("-ldl"), ShimFiles.NATIVE_TESTS.resolve("shim_fake_check.c"));
    TestTools.Run r = TestTools.run(List.of(check.toString(), fake.toString(),
        ShimFiles.COMMITTED_SO.toString()), Map.of(), null);
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("ALL OK"), r.output());
    assertTrue(r.output().contains("jgrad cublas shim: cublasCreate_v2 is not in libcublas.so.13"),
        "a missing symbol is named on stderr:\n" + r.output());
  }

  /** "T name@@version" lines of a library's defined dynamic symbols. */
  private static TreeSet<String> dynamicSymbols(Path so) throws IOException, InterruptedException {
    String out = TestTools.runOk(List.of("nm", "-D", "--defined-only", so.toString()), Map.of(),
        null);
    TreeSet<String> s = new TreeSet<>();
    for (String line : out.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 3) {
        s.add(f[1] + " " + f[2]);
      }
    }
    return s;
  }
}
