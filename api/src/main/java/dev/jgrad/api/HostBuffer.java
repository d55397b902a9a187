package dev.jgrad.api;

/**
 * A buffer in host memory whose elements a Java kernel may read and write directly, as the CPU
 * backend's buffers are. Plugin CPU kernels use it instead of depending on backend classes.
 *
 * <pre>{@code
 * Kernel cpuKernel = call -> {
 *   float[] x = ((HostBuffer) call.input(0)).floatArray();
 *   float[] y = ((HostBuffer) call.output()).floatArray();
 *   for (int i = 0; i < y.length; i++) y[i] = Math.max(0f, x[i]);
 * };
 * }</pre>
 *
 * <p>That kernel handles FLOAT32 only; an op's kernel is called in FLOAT64 too (the test kit
 * checks gradients in FLOAT64), so branch on {@code call.outputSpec().dtype()} and use
 * {@link #doubleArray} there, as {@code examples/swish-plugin} does.
 */
public interface HostBuffer extends DeviceBuffer {
  /** The FLOAT32 storage itself (not a copy); fails if the buffer holds another dtype or is closed. */
  float[] floatArray();

  /** The FLOAT64 storage itself (not a copy); fails if the buffer holds another dtype or is closed. */
  double[] doubleArray();

  /** The INT32 storage itself (not a copy); fails if the buffer holds another dtype or is closed. */
  int[] intArray();

  /**
   * The UINT8 storage itself (not a copy), each byte an unsigned value ({@code b & 0xFF}); fails
   * if the buffer holds another dtype or is closed.
   */
  byte[] byteArray();
}
