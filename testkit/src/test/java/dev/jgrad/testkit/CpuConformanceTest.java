package dev.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import dev.jgrad.cpu.CpuBackend;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The CPU backend against the {@link BackendTestKit}, one test per check. It lives here rather
 * than in cpu-backend because the kit's module depends on the CPU backend: a test dependency the
 * other way would be a cycle in the build. The build runs it again without the CPU's native
 * helper, for the pure-Java products, gathers and conversions (see pom.xml).
 */
class CpuConformanceTest {
  @TestFactory
  Stream<DynamicTest> cpuBackendConforms() {
    BackendTestKit kit = BackendTestKit.of(new CpuBackend());
    if ("false".equals(System.getProperty("jgrad.cpu.native"))) {
      // the primitives with a native path: products, gathers and conversions (UINT8 pixels)
      kit.only(name -> name.contains("matmul") || name.contains("indexSelect")
          || name.contains("convert") || name.contains("UINT8"));
    }
    BackendTestReport report = kit.run();
    return report.results().stream().map(r -> DynamicTest.dynamicTest(r.check(), () -> {
      switch (r.status()) {
        case FAILED -> fail(r.check() + ": " + r.detail());
        case SKIPPED -> Assumptions.abort(r.detail());
        case PASSED -> { }
      }
    }));
  }
}
