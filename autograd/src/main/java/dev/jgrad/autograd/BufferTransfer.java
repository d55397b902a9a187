package dev.jgrad.autograd;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;

/** Copies a buffer from one backend to another through the host (the only common ground). */
final class BufferTransfer {
  private BufferTransfer() {}

  static DeviceBuffer copy(Backend from, DeviceBuffer buffer, Backend to) {
    int n = Math.toIntExact(buffer.length());
    if (buffer.dtype() == DType.INT32) {
      int[] host = new int[n];
      from.download(buffer, host);
      return to.upload(host);
    }
    if (buffer.dtype() == DType.UINT8) {
      float[] values = new float[n]; // 0..255, exact
      from.download(buffer, values);
      byte[] host = new byte[n];
      for (int i = 0; i < n; i++) {
        host[i] = (byte) values[i];
      }
      return to.upload(host);
    }
    if (buffer.dtype() == DType.FLOAT64) {
      double[] host = new double[n];
      from.download(buffer, host);
      return to.upload(host);
    }
    float[] host = new float[n];
    from.download(buffer, host);
    return to.upload(host);
  }
}
