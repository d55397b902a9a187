package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jgrad.api.Availability;
import dev.jgrad.api.BackendProvider;
import dev.jgrad.api.Backends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The availability probe, on this machine and on faked ones; none needs a GPU. */
class CudaProbeTest {
  private static boolean hasDriver() {
    LibrarySearch s = LibrarySearch.system();
    return LibrarySearch.findFirst("libcuda.so.1",
        List.of(s.ldLibraryPath(), s.ldCache("libcuda.so.1"), s.systemDirs())).isPresent();
  }

  @Test
  void withoutTheDriverTheProbeSaysLibcudaIsMissing() {
    assumeFalse(hasDriver(), "this machine has libcuda.so.1");
    Availability a = new CudaBackendProvider().probe();
    assertFalse(a.isAvailable());
    assertTrue(a.reason().contains("no libcuda.so.1"), a.reason());
    assertTrue(a.reason().contains("NVIDIA driver"), a.reason());
  }

  @Test
  void theProviderIsFoundWithItsNameAndPriority() {
    boolean found = false;
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p instanceof CudaBackendProvider) {
        found = true;
        assertEquals("cuda", p.name());
        assertEquals(100, p.priority());
      }
    }
    assertTrue(found, "META-INF/services lists CudaBackendProvider");
  }

  @Test
  void discoveryReportsCudaAsUnavailableWithTheReason() {
    assumeFalse(hasDriver(), "this machine has libcuda.so.1");
    Backends.Found cuda = Backends.discover().stream()
        .filter(f -> f.provider().name().equals("cuda")).findFirst().orElseThrow();
    assertFalse(cuda.availability().isAvailable());
    assertTrue(cuda.availability().reason().contains("libcuda.so.1"), cuda.toString());
    assertFalse(Backends.isAvailable("cuda"));
  }

  @Test
  void onAFakeRootWithoutDriverNothingNativeIsTouched(@TempDir Path root) {
    LibrarySearch s = new LibrarySearch(k -> null, k -> null, root);
    Availability a = new CudaProbe(s, "Linux", "amd64", libcuda -> {
      throw new AssertionError("must not get this far");
    }).probe();
    assertFalse(a.isAvailable());
    assertTrue(a.reason().startsWith("no libcuda.so.1"), a.reason());
  }

  /** A -Djgrad.cuda.device that is not a device number is the reason, on any machine. */
  @Test
  void aBadDeviceSettingIsTheReason() {
    String before = System.getProperty(CudaBackend.DEVICE_PROPERTY);
    System.setProperty(CudaBackend.DEVICE_PROPERTY, "first");
    try {
      Availability a = CudaProbe.system().probe(); // the provider's answer is cached per JVM
      assertFalse(a.isAvailable());
      assertEquals("-Djgrad.cuda.device=first is not a whole number; give a whole number of at "
          + "least 0, or leave it out for the default (0)", a.reason());
    } finally {
      if (before == null) {
        System.clearProperty(CudaBackend.DEVICE_PROPERTY);
      } else {
        System.setProperty(CudaBackend.DEVICE_PROPERTY, before);
      }
    }
  }

  @Test
  void otherPlatformsAreUnavailable() {
    Availability a = new CudaProbe(LibrarySearch.system(), "Mac OS X", "aarch64",
        libcuda -> CudaDriverCheck.Result.usable(13000)).probe();
    assertFalse(a.isAvailable());
    assertTrue(a.reason().contains("Linux on x86-64 only"), a.reason());
  }

  @Test
  void aBrokenLibcudaIsAReasonNotACrash(@TempDir Path root) throws IOException {
    Path dir = Files.createDirectories(root.resolve("driver"));
    Files.write(dir.resolve("libcuda.so.1"), unloadableElf());
    Map<String, String> env = Map.of("LD_LIBRARY_PATH", dir.toString());
    Availability a = new CudaProbe(new LibrarySearch(env::get, k -> null, root), "Linux", "amd64",
        libcuda -> CudaDriverCheck.check(libcuda, 0)).probe();
    assertFalse(a.isAvailable());
    assertTrue(a.reason().contains("could not be loaded"), a.reason());
  }

  /**
   * An x86-64 ELF shared-object header with no loadable segment: dlopen refuses it cleanly. It
   * declares a non-executable stack, so the JVM loads it without its stack-guard warning.
   */
  private static byte[] unloadableElf() {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64 + 56)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]); // 64-bit, LE
    b.putShort((short) 3).putShort((short) 62).putInt(1); // ET_DYN, x86-64, version 1
    b.putLong(0).putLong(64).putLong(0).putInt(0); // entry, phoff, shoff, flags
    b.putShort((short) 64).putShort((short) 56).putShort((short) 1); // ehsize, phentsize, phnum
    b.putShort((short) 64).putShort((short) 0).putShort((short) 0); // shentsize, shnum, shstrndx
    b.putInt(0x6474e551).putInt(6); // PT_GNU_STACK, read + write
    return b.array(); // the rest of the program header stays zero
  }

  @Test
  void aProbeThatBlowsUpStillAnswers(@TempDir Path root) throws IOException {
    Path dir = Files.createDirectories(root.resolve("driver"));
    Files.write(dir.resolve("libcuda.so.1"), new byte[] {0});
    Map<String, String> env = Map.of("LD_LIBRARY_PATH", dir.toString());
    Availability a = new CudaProbe(new LibrarySearch(env::get, k -> null, root), "Linux", "amd64",
        libcuda -> {
          throw new UnsatisfiedLinkError("simulated");
        }).probe();
    assertFalse(a.isAvailable());
    assertTrue(a.reason().contains("the CUDA probe failed unexpectedly"), a.reason());
    assertTrue(a.reason().contains("simulated"), a.reason());
  }

  // ---- the driver part, with a fake libcuda.so.1 in a child JVM (needs gcc) -----------------

  private static Path fakeDriver(Path tmp) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(tmp.resolve("fake-driver"));
    TestTools.gcc(dir.resolve("libcuda.so.1"), List.of("-shared", "-fPIC",
        "-Wl,-soname,libcuda.so.1"), TestTools.MODULE.resolve("src/test/native/fake_libcuda.c"));
    return dir;
  }

  private static String probeWith(Path driverDir, Map<String, String> fake, String cublasPath,
      String... jvmArgs) throws IOException, InterruptedException {
    Map<String, String> env = new HashMap<>(fake);
    env.put("LD_LIBRARY_PATH", driverDir.toString());
    List<String> args = new ArrayList<>(List.of("-D" + CublasLocator.PROPERTY + "=" + cublasPath));
    args.addAll(List.of(jvmArgs));
    TestTools.Run r = TestTools.childJvm(ProbeMain.class, env, args);
    assertEquals(0, r.exit(), r.output());
    int at = r.output().indexOf("PROBE: ");
    assertTrue(at >= 0, r.output());
    return r.output().substring(at).strip();
  }

  @Test
  void theDriverChecksAnswerForEachKindOfMachine(@TempDir Path tmp) throws Exception {
    TestTools.assumeTools("gcc");
    Path driver = fakeDriver(tmp);
    Path noCublas = Files.createDirectories(tmp.resolve("no-cublas"));

    String noDevice = probeWith(driver, Map.of("FAKE_CUDA_INIT", "100"), noCublas.toString());
    assertTrue(noDevice.contains("no CUDA device"), noDevice);
    assertTrue(noDevice.contains("CUDA_ERROR_NO_DEVICE"), noDevice);

    String stub = probeWith(driver, Map.of("FAKE_CUDA_INIT", "34"), noCublas.toString());
    assertTrue(stub.contains("stub"), stub);

    String old = probeWith(driver, Map.of("FAKE_CUDA_VERSION", "11040"), noCublas.toString());
    assertTrue(old.contains("too old: it supports CUDA 11.4"), old);

    String zero = probeWith(driver, Map.of("FAKE_CUDA_DEVICES", "0"), noCublas.toString());
    assertTrue(zero.contains("no CUDA device"), zero);

    String pascal = probeWith(driver, Map.of("FAKE_CUDA_CC", "61"), noCublas.toString());
    assertTrue(pascal.contains("compute capability 6.1"), pascal);

    String cublas = probeWith(driver, Map.of(), noCublas.toString());
    assertTrue(cublas.contains("no cuBLAS found"), cublas);
    assertTrue(cublas.contains(noCublas.toString()), cublas);
  }

  @Test
  void withJgradsOwnProductsNoCublasIsNeeded(@TempDir Path tmp) throws Exception {
    TestTools.assumeTools("gcc");
    Path driver = fakeDriver(tmp);
    String none = Files.createDirectories(tmp.resolve("no-cublas")).toString();
    String why = probeWith(driver, Map.of(), none);
    assertTrue(why.contains("-D" + CudaBackend.GEMM_PROPERTY + "=ptx"), why);
    assertEquals("PROBE: available",
        probeWith(driver, Map.of(), none, "-D" + CudaBackend.GEMM_PROPERTY + "=ptx"));
    // the driver's answers come first either way
    String pascal = probeWith(driver, Map.of("FAKE_CUDA_CC", "61"), none,
        "-D" + CudaBackend.GEMM_PROPERTY + "=PTX");
    assertTrue(pascal.contains("compute capability 6.1"), pascal);
    String typo = probeWith(driver, Map.of(), none, "-D" + CudaBackend.GEMM_PROPERTY + "=ptxx");
    assertTrue(typo.startsWith("PROBE: unavailable: -Djgrad.cuda.gemm=ptxx is not one of the "
        + "choices; give one of cublas, ptx"), typo);
  }

  @Test
  void withACuda13DriverAndCublas13TheProbeSaysAvailable(@TempDir Path tmp) throws Exception {
    TestTools.assumeTools("gcc");
    Path driver = fakeDriver(tmp);
    Path cublas = Files.createDirectories(tmp.resolve("cublas13"));
    Files.write(cublas.resolve("libcublas.so.13"), new byte[] {0}); // only located, not loaded
    String ok = probeWith(driver, Map.of("FAKE_CUDA_VERSION", "13000"), cublas.toString());
    assertEquals("PROBE: available", ok);
  }

  @Test
  void aCuda12DriverWithOnlyCublas13IsUnavailableWithTheReason(@TempDir Path tmp)
      throws Exception {
    TestTools.assumeTools("gcc");
    Path driver = fakeDriver(tmp);
    Path cublas = Files.createDirectories(tmp.resolve("cublas13"));
    Files.write(cublas.resolve("libcublas.so.13"), new byte[] {0});
    String why = probeWith(driver, Map.of("FAKE_CUDA_VERSION", "12040"), cublas.toString());
    assertTrue(why.contains("only cuBLAS 13 was found"), why);
    assertTrue(why.contains("supports CUDA 12.4"), why);
    assertTrue(why.contains("nvidia-cublas-cu12"), why);
  }

  @Test
  void theCublas13DriverRuleNeedsNoNativeCode(@TempDir Path root) throws IOException {
    Path dir = Files.createDirectories(root.resolve("driver"));
    Files.write(dir.resolve("libcuda.so.1"), new byte[] {0}); // never loaded: the check is faked
    Path cublas = Files.createDirectories(root.resolve("cublas13"));
    Files.write(cublas.resolve("libcublas.so.13"), new byte[] {0});
    Map<String, String> env = Map.of("LD_LIBRARY_PATH", dir.toString(),
        CublasLocator.ENV, cublas.toString());
    LibrarySearch search = new LibrarySearch(env::get, k -> null, root);
    Availability old = new CudaProbe(search, "Linux", "amd64",
        libcuda -> CudaDriverCheck.Result.usable(12080)).probe();
    assertFalse(old.isAvailable());
    assertTrue(old.reason().startsWith("only cuBLAS 13 was found"), old.reason());
    assertTrue(old.reason().contains("supports CUDA 12.8"), old.reason());
    Availability current = new CudaProbe(search, "Linux", "amd64",
        libcuda -> CudaDriverCheck.Result.usable(13010)).probe();
    assertTrue(current.isAvailable(), current.toString());
  }
}
