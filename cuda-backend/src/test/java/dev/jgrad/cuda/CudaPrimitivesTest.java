package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import dev.jgrad.testkit.BackendTestKit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * Every primitive of the CUDA backend against the conformance kit ({@link BackendTestKit}):
 * reference loops in FLOAT32 and FLOAT64, special values, in place, the contract's rejections
 * (bad index values reported at the next synchronisation), one dynamic test per check. Needs a
 * GPU; elsewhere it is reported as skipped with the probe's reason, or fails where the run
 * requires a GPU.
 */
class CudaPrimitivesTest {
  @TestFactory
  Stream<DynamicTest> cudaBackendConforms() {
    CudaBackend b;
    try {
      b = GpuFixture.backend();
    } catch (TestAbortedException noGpu) {
      // one skipped test stands for the kit: a skipped factory itself is counted nowhere
      return Stream.of(DynamicTest.dynamicTest("BackendTestKit on the cuda backend", () -> {
        throw noGpu;
      }));
    }
    b.synchronize(); // no error left over from another test
    return BackendTestKit.of(b).run().results().stream()
        .map(r -> DynamicTest.dynamicTest(r.check(), () -> {
          switch (r.status()) {
            case FAILED -> fail(r.check() + ": " + r.detail());
            case SKIPPED -> Assumptions.abort(r.detail());
            case PASSED -> { }
          }
        }));
  }
}
