package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cuBLAS search on fake directory layouts under a temporary root. */
class CublasLocatorTest {
  @TempDir
  Path root;

  private final Map<String, String> env = new HashMap<>();
  private final Map<String, String> props = new HashMap<>();

  @BeforeEach
  void noHome() {
    props.put("user.home", "/nonexistent-home");
  }

  private Path touch(String relative) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[] {0x7f, 'E', 'L', 'F'});
    return p;
  }

  private CublasLocator.Result locate() {
    return new CublasLocator(new LibrarySearch(env::get, props::get, root)).locate();
  }

  private CublasLocator.Location found() {
    CublasLocator.Result r = locate();
    assertTrue(r.location().isPresent(), () -> "nothing found; searched " + r.searched());
    return r.location().get();
  }

  @Test
  void nothingInstalledSaysWhereItLooked() {
    CublasLocator.Result r = locate();
    assertTrue(r.location().isEmpty());
    assertTrue(r.searched().contains("LD_LIBRARY_PATH"), r.searched());
    assertTrue(r.searched().contains("pip nvidia/*/lib"), r.searched());
  }

  @Test
  void theToolkitUnderUsrLocalCudaIsFound() throws IOException {
    Path lib = touch("usr/local/cuda-12.4/lib64/libcublas.so.12");
    Path lt = touch("usr/local/cuda-12.4/lib64/libcublasLt.so.12");
    CublasLocator.Location loc = found();
    assertEquals(lib, loc.library());
    assertEquals(12, loc.major());
    assertEquals(lt, loc.lt().orElseThrow());
  }

  @Test
  void newestToolkitFolderFirst() throws IOException {
    touch("usr/local/cuda-12.4/lib64/libcublas.so.12");
    Path newer = touch("usr/local/cuda-12.10/lib64/libcublas.so.12");
    assertEquals(newer, found().library());
  }

  @Test
  void cudaHomeAndLdLibraryPathComeFirst() throws IOException {
    touch("usr/local/cuda/lib64/libcublas.so.12");
    Path home = touch("opt/cuda/targets/x86_64-linux/lib/libcublas.so.12");
    env.put("CUDA_HOME", root.resolve("opt/cuda").toString());
    assertEquals(home, found().library());
    Path ld = touch("mine/libcublas.so.12");
    env.put("LD_LIBRARY_PATH", "/nonexistent:" + ld.getParent());
    assertEquals(ld, found().library());
    assertEquals("LD_LIBRARY_PATH", found().source());
  }

  @Test
  void cuda12AnywhereBeatsCuda13() throws IOException {
    touch("ld/libcublas.so.13");
    env.put("LD_LIBRARY_PATH", root.resolve("ld").toString());
    Path twelve = touch("usr/local/lib/python3.11/site-packages/nvidia/cublas/lib/libcublas.so.12");
    assertEquals(twelve, found().library());
    assertEquals(12, found().major());
  }

  @Test
  void pytorchCuda13WheelsAreFound() throws IOException {
    Path lib = touch("usr/local/lib/python3.12/dist-packages/nvidia/cu13/lib/libcublas.so.13");
    touch("usr/local/lib/python3.12/dist-packages/nvidia/cu13/lib/libcublasLt.so.13");
    CublasLocator.Location loc = found();
    assertEquals(lib, loc.library());
    assertEquals(13, loc.major());
    assertTrue(loc.lt().isPresent());
    assertEquals("pip nvidia/*/lib folders", loc.source());
  }

  @Test
  void virtualEnvsAndUserSitePackagesAreSearched() throws IOException {
    Path venv = touch("venv/lib/python3.10/site-packages/nvidia/cublas/lib/libcublas.so.12");
    env.put("VIRTUAL_ENV", root.resolve("venv").toString());
    assertEquals(venv, found().library());
    env.remove("VIRTUAL_ENV");
    Path user = touch("home/u/.local/lib/python3.12/site-packages/nvidia/cu13/lib/libcublas.so.13");
    props.put("user.home", root.resolve("home/u").toString());
    assertEquals(user, found().library());
  }

  @Test
  void thePythonOnPathLeadsToItsVirtualEnvsWheels() throws IOException {
    // The GPU machine's layout: torch's venv outside every usual place, no VIRTUAL_ENV set,
    // only its bin on PATH.
    touch("opt/torch/.venv/bin/python3");
    touch("opt/torch/.venv/pyvenv.cfg");
    Path lib = touch(
        "opt/torch/.venv/lib/python3.12/site-packages/nvidia/cu13/lib/libcublas.so.13");
    env.put("PATH", "/nonexistent:" + root.resolve("usr/bin") + ":"
        + root.resolve("opt/torch/.venv/bin"));
    CublasLocator.Location loc = found();
    assertEquals(lib, loc.library());
    assertEquals("pip nvidia/*/lib folders", loc.source());
  }

  @Test
  void aLinkedPythonLeadsToTheInterpretersOwnPrefixToo() throws IOException {
    Path real = touch("opt/py/bin/python3.12");
    Path lib = touch("opt/py/lib/python3.12/site-packages/nvidia/cublas/lib/libcublas.so.12");
    Path bin = Files.createDirectories(root.resolve("venv2/bin"));
    Files.createSymbolicLink(bin.resolve("python3"), real);
    env.put("PATH", bin.toString());
    assertEquals(lib, found().library());
  }

  @Test
  void theLoaderCacheIsSearched() throws IOException {
    Path lib = touch("usr/lib/custom/libcublas.so.12");
    Files.createDirectories(root.resolve("etc"));
    Files.write(root.resolve("etc/ld.so.cache"),
        ("glibc-ld.so.cache1.1\0libcublas.so.12\0" + lib + "\0").getBytes());
    assertEquals(lib, found().library());
    assertEquals("/etc/ld.so.cache", found().source());
  }

  @Test
  void theOverrideWinsAndIsNotSecondGuessed() throws IOException {
    touch("usr/local/cuda/lib64/libcublas.so.12");
    Path mine = touch("override/libcublas.so.13");
    env.put(CublasLocator.ENV, mine.getParent().toString());
    assertEquals(mine, found().library());
    props.put(CublasLocator.PROPERTY, mine.toString()); // a file, via the system property
    assertEquals(mine, found().library());
    props.put(CublasLocator.PROPERTY, root.resolve("empty").toString());
    CublasLocator.Result r = locate();
    assertTrue(r.location().isEmpty(), "an override that finds nothing is not silently ignored");
    assertTrue(r.searched().contains("does not exist"), r.searched());
  }

  @Test
  void anOverrideFileWithAFullVersionNameWorks() throws IOException {
    Path full = touch("x/libcublas.so.12.6.4.1");
    env.put(CublasLocator.ENV, full.toString());
    assertEquals(12, found().major());
    Path wrong = touch("x/libfoo.so");
    env.put(CublasLocator.ENV, wrong.toString());
    assertTrue(locate().location().isEmpty());
  }

  @Test
  void majorVersionsAndNaturalOrder() {
    assertEquals(13, CublasLocator.majorOf("libcublas.so.13"));
    assertEquals(12, CublasLocator.majorOf("libcublas.so.12.6.4.1"));
    assertEquals(-1, CublasLocator.majorOf("libcublasLt.so.12"));
    assertEquals(-1, CublasLocator.majorOf("libcublas.so"));
    assertTrue(LibrarySearch.compareNatural("cuda-12.10", "cuda-12.9") > 0);
    assertTrue(LibrarySearch.compareNatural("cuda-12.4", "cuda-13.0") < 0);
    assertEquals(0, LibrarySearch.compareNatural("cuda-12.04", "cuda-12.4"));
    assertEquals(List.of(), LibrarySearch.split(null));
    assertEquals(List.of(Path.of("/a"), Path.of("/b")), LibrarySearch.split("/a::/b:"));
  }
}
