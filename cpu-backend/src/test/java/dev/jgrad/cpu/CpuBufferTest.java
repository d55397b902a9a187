package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.HostBuffer;
import org.junit.jupiter.api.Test;

/** What only the CPU's buffers offer: their storage, for plugin kernels. */
class CpuBufferTest {
  @Test
  void hostBufferExposesTheStorageItself() {
    DeviceBuffer b = CPU.upload(new float[] {1, 2});
    HostBuffer host = (HostBuffer) b;
    host.floatArray()[1] = 5; // a plugin kernel writes straight into the buffer
    assertArrayEquals(new double[] {1, 5}, read(b));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, host::doubleArray);
    assertTrue(e.getMessage().contains("FLOAT32"), e.getMessage());
    b.close();
    assertThrows(IllegalStateException.class, host::floatArray);
  }

  @Test
  void int32BuffersHoldIntsExactly() {
    DeviceBuffer b = CPU.upload(new int[] {16_777_217, -3});
    HostBuffer host = (HostBuffer) b;
    assertArrayEquals(new int[] {16_777_217, -3}, host.intArray());
    assertThrows(IllegalArgumentException.class, host::floatArray);
    b.close();
    assertThrows(IllegalStateException.class, host::intArray);
  }
}
