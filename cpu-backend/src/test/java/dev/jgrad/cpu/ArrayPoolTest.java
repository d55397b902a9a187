package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrayPoolTest {
  @Test
  void arraysComeBackForTheSameDtypeAndLengthOnly() {
    ArrayPool pool = new ArrayPool(1 << 20);
    float[] a = new float[100];
    pool.give(a);
    assertNull(pool.take(DType.FLOAT32, 99));
    assertNull(pool.take(DType.FLOAT64, 100));
    assertSame(a, pool.take(DType.FLOAT32, 100));
    assertNull(pool.take(DType.FLOAT32, 100), "each array is handed out once");
    int[] ints = new int[100];
    pool.give(ints);
    assertNull(pool.take(DType.FLOAT32, 100), "an int[] is not a float[] of the same size");
    assertSame(ints, pool.take(DType.INT32, 100));
  }

  @Test
  void theLimitBoundsWhatIsKept() {
    ArrayPool pool = new ArrayPool(1000);
    pool.give(new double[100]); // 800 bytes
    pool.give(new double[100]); // would make 1600: dropped
    assertEquals(800, pool.pooledBytes());
    pool.take(DType.FLOAT64, 100);
    assertEquals(0, pool.pooledBytes());
  }

  @Test
  void aClosedBufferGivesItsArrayBackOnceAndFailsWhenRead() {
    CpuBuffer first = CpuBuffer.allocate(DType.FLOAT32, 12345);
    float[] array = first.floatArray();
    first.close();
    first.close(); // a second close must not give the array back twice
    CpuBuffer second = CpuBuffer.allocate(DType.FLOAT32, 12345);
    CpuBuffer third = CpuBuffer.allocate(DType.FLOAT32, 12345);
    assertSame(array, second.floatArray(), "the closed buffer's array is reused");
    assertNotSame(second.floatArray(), third.floatArray(), "never shared by two live buffers");
    assertThrows(IllegalStateException.class, first::floatArray);
  }

  @Test
  void keptArraysNeverRunTheJvmOutOfMemory() throws Exception {
    // a service in a small heap: the pool's bound (256 MiB by default) is not the heap's, and
    // arrays of batch sizes that never come back stayed in it, strongly held, until the next
    // allocation failed
    Process child = new ProcessBuilder(List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        FullPool.class.getName())).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.waitFor(), output);
    assertTrue(output.contains("allocated 32 MiB"), output);
  }

  /** Fills a pool with 40 MiB of a 64 MiB heap, then needs 32 MiB more. */
  static final class FullPool {
    public static void main(String[] args) {
      ArrayPool pool = new ArrayPool(1L << 30);
      for (int i = 0; i < 10; i++) {
        pool.give(new float[1 << 20]);
      }
      float[] big = new float[8 << 20];
      System.out.println("allocated " + (big.length >> 18) + " MiB");
    }
  }
}
