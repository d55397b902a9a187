package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.PtxSignature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX declares exactly the kernels and parameter lists {@link Kernel} says, with the
 * PTX ISA version and target that CUDA 12 and 13 drivers accept. This is the Java/CUDA ABI check
 * that needs no GPU.
 */
class KernelSignatureTest {
  /** entry name -> PTX parameter types, for one module. */
  private static Map<String, List<String>> entries(String module) {
    return PtxSignature.parse(new String(NativeResources.read(module + ".ptx"),
        StandardCharsets.UTF_8));
  }

  @Test
  void everyKernelExistsWithTheDeclaredParameters() {
    for (Kernel k : Kernel.values()) {
      Map<String, List<String>> declared = entries(k.module());
      for (DType dt : k.dtypes()) {
        List<String> ptxTypes = declared.get(k.entry(dt));
        assertNotNull(ptxTypes, k.entry(dt) + " is missing from " + k.module() + ".ptx");
        List<String> expected = new ArrayList<>();
        for (Kernel.Param p : k.params()) {
          expected.add(p.ptxType(dt));
        }
        assertEquals(expected, ptxTypes, "parameters of " + k.entry(dt));
      }
    }
  }

  @Test
  void everyPtxEntryIsKnownToJava() {
    Set<String> modules = new HashSet<>();
    Set<String> known = new HashSet<>();
    for (Kernel k : Kernel.values()) {
      modules.add(k.module());
      for (DType dt : k.dtypes()) {
        known.add(k.entry(dt));
      }
    }
    for (String m : modules) {
      for (String entry : entries(m).keySet()) {
        assertTrue(known.contains(entry), entry + " in " + m + ".ptx has no Kernel constant");
      }
    }
  }

  @Test
  void ptxDeclaresIsa80AndTargetSm75() {
    Set<String> modules = new HashSet<>();
    for (Kernel k : Kernel.values()) {
      modules.add(k.module());
    }
    for (String m : modules) {
      String ptx = new String(NativeResources.read(m + ".ptx"), StandardCharsets.UTF_8);
      assertTrue(ptx.contains("\n.version 8.0\n"), m + ".ptx must declare .version 8.0 (CUDA 12 "
          + "drivers reject 9.0); regenerate with src/main/cuda/build-ptx.sh");
      assertTrue(ptx.contains("\n.target sm_75\n"), m + ".ptx must target sm_75");
      assertTrue(ptx.contains("\n.address_size 64\n"), m + ".ptx must be 64-bit");
    }
  }
}
