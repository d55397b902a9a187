package dev.jgrad.autograd;

import static dev.jgrad.autograd.SmallHeapProbe.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.BackendOutOfMemoryException;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tensor the Java heap has no room for is a {@link BackendOutOfMemoryException} saying how much
 * was asked, how large the heap may grow and what to do, with the op and its shapes in front when
 * an op asked; not the JVM's bare "Java heap space". The failed allocation took nothing, so the
 * program goes on (a service turns the request away and serves the next).
 */
class OutOfMemoryTest {
  /** Run in a JVM with a 64 MiB heap: each line what one call gave. */
  public static final class Probe {
    public static void main(String[] args) {
      report("allocate", () -> Backends.current().allocate(DType.FLOAT32, 50_000_000).close());
      Tensor column = Tensor.ones(20_000, 1);
      Tensor row = Tensor.ones(1, 20_000);
      report("matmul", () -> column.matmul(row)); // 400M floats: 1.5 GiB
      report("after", () -> System.out.println("sum " + column.sum().item()));
    }

  }

  @Test
  void aTensorTooLargeForTheHeapIsABackendErrorNamingTheOpAndTheProgramGoesOn() throws Exception {
    String output = SmallHeapProbe.run(Probe.class);
    List<String> lines = output.lines().filter(l -> !l.contains(" INFO ")).toList();
    String allocate = lines.stream().filter(l -> l.startsWith("allocate: ")).findFirst()
        .orElseThrow(() -> new AssertionError(output));
    assertTrue(allocate.startsWith("allocate: " + BackendOutOfMemoryException.class.getName()
        + ": out of memory on the cpu backend allocating FLOAT32[50000000] (190.7 MiB): the Java"
        + " heap holds at most "), allocate);
    assertTrue(allocate.contains("use smaller batches") && allocate.contains("-Xmx"), allocate);
    String matmul = lines.stream().filter(l -> l.startsWith("matmul: ")).findFirst()
        .orElseThrow(() -> new AssertionError(output));
    assertTrue(matmul.startsWith("matmul: " + BackendOutOfMemoryException.class.getName()
        + ": jgrad::matmul on cpu, inputs [FLOAT32[20000, 1], FLOAT32[1, 20000]], output "
        + "FLOAT32[20000, 20000]: out of memory on the cpu backend allocating FLOAT32[400000000] "
        + "(1.5 GiB)"), matmul);
    assertTrue(lines.contains("sum 20000.0"), output);
    assertFalse(output.contains("\tat "), "no stack trace: " + output);
  }

  /**
   * Run in a JVM with a 64 MiB heap: a service keeping results until the heap is full, three
   * times, each time turning the request away and then serving a small one.
   */
  public static final class FillingProbe {
    public static void main(String[] args) {
      List<Tensor> live = new ArrayList<>(100_000); // room for the references taken up front
      Tensor x = Tensor.ones(256, 256);
      for (int round = 1; round <= 3; round++) {
        try {
          while (true) {
            live.add(x.add(x));
          }
        } catch (BackendOutOfMemoryException e) {
          int kept = live.size();
          live.clear();
          System.out.println("round " + round + ": " + e.getClass().getName() + " after "
              + (kept > 10 ? "many" : "few") + " results: " + e.getMessage());
        }
        System.out.println("round " + round + " next: " + x.add(x).sum().item());
      }
    }
  }

  @Test
  void aHeapFilledLittleByLittleIsABackendErrorAndTheNextRequestIsServed() throws Exception {
    String output = SmallHeapProbe.run(FillingProbe.class);
    for (int round = 1; round <= 3; round++) {
      String prefix = "round " + round + ": " + BackendOutOfMemoryException.class.getName()
          + " after many results: jgrad::add on cpu, inputs [FLOAT32[256, 256], FLOAT32[256, "
          + "256]], output FLOAT32[256, 256]: out of memory on the cpu backend allocating "
          + "FLOAT32[65536] (256.0 KiB): the Java heap holds at most ";
      assertTrue(output.lines().anyMatch(l -> l.startsWith(prefix)), prefix + "\n" + output);
      assertTrue(output.contains("round " + round + " next: 131072.0"), output);
    }
    assertFalse(output.contains("OutOfMemoryError"), output);
  }


  @Test
  void aKernelsScratchOutOfMemoryKeepsItsTypeWithTheOpInFront() {
    BackendOutOfMemoryException scratch =
        new BackendOutOfMemoryException("out of memory allocating scratch", 1 << 20, 5);
    RuntimeException e = OpFailure.of("jgrad::conv2d", "jgrad::conv2d: its cpu kernel failed",
        scratch);
    BackendOutOfMemoryException restated = (BackendOutOfMemoryException) e;
    assertEquals("jgrad::conv2d: its cpu kernel failed: out of memory allocating scratch",
        restated.getMessage());
    assertEquals(1 << 20, restated.requestedBytes());
    assertEquals(5, restated.bytesInUse());
    assertSame(scratch, restated.getCause());
  }
}
