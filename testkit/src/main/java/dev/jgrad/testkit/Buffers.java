package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The buffers of one check, on the backend under test, closed together when the check ends so
 * that a device backend's memory stays flat however many checks run.
 */
final class Buffers implements AutoCloseable {
  private final Backend backend;
  private final List<DeviceBuffer> owned = new ArrayList<>();

  Buffers(Backend backend) {
    this.backend = backend;
  }

  /**
   * A buffer of {@code dtype} holding {@code values} (rounded to float for FLOAT32; whole numbers
   * for INT32, and in 0..255 for UINT8).
   */
  DeviceBuffer upload(DType dtype, double... values) {
    if (dtype == DType.FLOAT64) {
      return keep(backend.upload(values.clone()));
    }
    if (dtype == DType.INT32) {
      return keep(backend.upload(ints(values)));
    }
    if (dtype == DType.UINT8) {
      return keep(backend.upload(bytes(values)));
    }
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return keep(backend.upload(f));
  }

  /** An INT32 buffer of indices (or any whole numbers in int range). */
  DeviceBuffer indices(double... values) {
    return upload(DType.INT32, values);
  }

  /** {@code values} as ints; each must be one exactly (a kit's own mistake otherwise). */
  static int[] ints(double... values) {
    int[] out = new int[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) values[i];
      if (out[i] != values[i]) {
        throw new IllegalArgumentException(values[i] + " is not an int");
      }
    }
    return out;
  }

  /** {@code values} as unsigned bytes; each must be a whole number in 0..255. */
  static byte[] bytes(double... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < out.length; i++) {
      if (values[i] != (int) values[i] || values[i] < 0 || values[i] > 255) {
        throw new IllegalArgumentException(values[i] + " is not an unsigned byte");
      }
      out[i] = (byte) values[i];
    }
    return out;
  }

  DeviceBuffer allocate(DType dtype, long length) {
    return keep(backend.allocate(dtype, length));
  }

  /** A buffer whose every element is {@code value}: stale contents a primitive must overwrite. */
  DeviceBuffer filled(DType dtype, long length, double value) {
    DeviceBuffer b = allocate(dtype, length);
    backend.fill(b, value);
    return b;
  }

  /** The buffer's contents, as doubles. */
  double[] read(DeviceBuffer buffer) {
    double[] out = new double[Math.toIntExact(buffer.length())];
    backend.download(buffer, out);
    return out;
  }

  <T extends DeviceBuffer> T keep(T buffer) {
    owned.add(buffer);
    return buffer;
  }

  @Override
  public void close() {
    RuntimeException failed = null;
    for (DeviceBuffer buffer : owned) { // closing twice is harmless, so closed ones may be here
      try {
        buffer.close();
      } catch (RuntimeException e) {
        failed = failed == null ? e : failed;
      }
    }
    owned.clear();
    if (failed != null) { // else reported as the check's own exception, with no word of close
      throw new Mismatch("closing the check's buffers threw " + failed + "; close() must be "
          + "harmless on any buffer, a closed one too (DeviceBuffer.close())");
    }
  }
}
