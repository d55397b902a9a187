package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA C kernels, compiled for the CPU with a small emulator of the CUDA execution model
 * (src/test/cuda/cuda_emulator.h) and checked against reference loops: indexing, grid-stride
 * loops, block reductions, error records and numerics, without a GPU. Runs where g++ exists.
 * What it cannot check (PTX code generation, the driver, cuBLAS, timing) is left to the GPU tests.
 */
class KernelEmulationTest {
  @Test
  void kernelsComputeTheReferenceResultsOnTheEmulator(@TempDir Path tmp) throws Exception {
    Path exe = TestTools.compileWithEmulator("kernel_emulation_test.cpp",
        tmp.resolve("kernel_emulation_test"));
    TestTools.Run r = TestTools.run(List.of(exe.toString()), Map.of(), null);
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("ALL OK"), r.output());
  }
}
