package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.api.DType;
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
}
