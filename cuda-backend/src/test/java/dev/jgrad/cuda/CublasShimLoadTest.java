package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shim against a real cuBLAS 13, without a GPU. Needs the nvidia-cublas 13 wheel unpacked
 * somewhere (docs/cuda.md says how) and its folder in the system property
 * {@value #PROPERTY} or the environment variable {@value #ENV}: either the folder holding
 * libcublas.so.13 or the unpacked wheel's root. When neither is set, {@link CublasWheel} tries to
 * fetch the wheel with pip (as on the project's build machines, which serve it from a local
 * index); skipped, with the reason, when that fails too.
 */
class CublasShimLoadTest {
  static final String PROPERTY = "jgrad.test.cublas13.dir";
  static final String ENV = "JGRAD_TEST_CUBLAS13_DIR";

  private Path lib;

  @BeforeEach
  void findWheel() throws Exception {
    String dir = System.getProperty(PROPERTY, System.getenv(ENV));
    if (dir == null || dir.isBlank()) {
      Path fetched = CublasWheel.fetch();
      assumeTrue(fetched != null, "set -D" + PROPERTY + " or $" + ENV + " to an unpacked "
          + "nvidia-cublas 13 wheel to run the shim loading tests (" + CublasWheel.whyNot() + ")");
      dir = fetched.toString();
    }
    Path d = Path.of(dir);
    lib = Files.isRegularFile(d.resolve("libcublas.so.13")) ? d : d.resolve("nvidia/cu13/lib");
    assertTrue(Files.isRegularFile(lib.resolve("libcublas.so.13")),
        "no libcublas.so.13 in " + d + " or " + lib);
  }

  @Test
  void everySymbolResolvesAndJcublas2BindsToTheShim(@TempDir Path tmp) throws Exception {
    TestTools.assumeTools("gcc");
    Path check = tmp.resolve("shim_check");
    TestTools.gcc(check, List.of("-ldl"), ShimFiles.NATIVE_TESTS.resolve("shim_check.c"));
    Path jcublas2 = ShimFiles.jcudaNative("JCublas2", tmp);
    TestTools.Run r = TestTools.run(List.of(check.toString(),
        lib.resolve("libcublasLt.so.13").toString(), lib.resolve("libcublas.so.13").toString(),
        ShimFiles.COMMITTED_SO.toString(), jcublas2.toString()), Map.of(), null);
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("all 649 symbols resolve in libcublas.so.13")
        || r.output().contains("symbols resolve in libcublas.so.13"), r.output());
    assertTrue(r.output().contains("cuBLAS 13."), r.output());
  }

  @Test
  void theBackendsLoaderRunsJcublas2OnCublas13(@TempDir Path tmp) throws Exception {
    TestTools.Run r = TestTools.childJvm(CublasLoadMain.class,
        Map.of("LD_LIBRARY_PATH", "", "java.io.tmpdir", tmp.toString()),
        List.of("-D" + CublasLocator.PROPERTY + "=" + lib, "-Djava.io.tmpdir=" + tmp));
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("LOADED libcublas.so.13 at"), r.output());
    assertTrue(r.output().contains("CUBLAS 13."), r.output());
    assertTrue(r.output().contains("status 0/0"), r.output());
    assertTrue(r.output().contains("CREATE status "), r.output());
  }
}
