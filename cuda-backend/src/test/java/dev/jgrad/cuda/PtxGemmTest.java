package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import org.junit.jupiter.api.Test;

/**
 * GPU: jgrad's own matrix products ({@code -Djgrad.cuda.gemm=ptx}) against the CPU backend's,
 * and against the product {@link CudaBackend#matmul} uses (cuBLAS by default); the same bits on
 * a second run. Row-major shapes with partial 64 x 64 tiles and partial 16-deep slices, every
 * transpose, and batches with a shared operand. gemm.cu's indexing is also checked without a GPU,
 * bit for bit, on the emulator ({@code KernelEmulationTest}).
 */
class PtxGemmTest {
  private static final int[][] SHAPES = { // m, n, k, batch, strideA 0?, strideB 0?
      {100, 10, 784, 1, 1, 1}, {784, 100, 100, 1, 1, 1}, {70, 90, 37, 1, 1, 1}, {1, 1, 1, 1, 1, 1},
      {64, 64, 16, 1, 1, 1}, {5, 130, 50, 3, 1, 1}, {33, 65, 17, 4, 0, 1}, {20, 7, 300, 2, 1, 0}};

  @Test
  void productsMatchTheCpuAndTheDefaultProductsAndRepeatBitForBit() {
    CudaBackend gpu = GpuFixture.backend();
    Backend cpu = Backends.byName("cpu");
    MatrixProducts ptx = gpu.ptxProducts();
    long seed = 1;
    for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      for (int[] s : SHAPES) {
        for (int t = 0; t < 4; t++) {
          boolean ta = (t & 1) != 0;
          boolean tb = (t & 2) != 0;
          int m = s[0];
          int n = s[1];
          int k = s[2];
          int batch = s[3];
          long strideA = s[4] * (long) m * k;
          long strideB = s[5] * (long) k * n;
          double[] a = GpuFixture.random(dt, (int) (strideA * (batch - 1) + (long) m * k), seed++,
              -1, 1);
          double[] b = GpuFixture.random(dt, (int) (strideB * (batch - 1) + (long) k * n), seed++,
              -1, 1);
          String what = dt + " " + m + "x" + n + "x" + k + " batch " + batch + " transA " + ta
              + " transB " + tb + " strides " + strideA + ", " + strideB;
          double[] want = product(cpu, dt, a, ta, b, tb, m, n, k, batch, strideA, strideB);
          double[] byDefault = product(gpu, dt, a, ta, b, tb, m, n, k, batch, strideA, strideB);
          double[] first = ptxProduct(gpu, ptx, dt, a, ta, b, tb, m, n, k, batch, strideA,
              strideB);
          GpuFixture.assertClose(want, first, GpuFixture.reductionTol(dt), "vs cpu: " + what);
          GpuFixture.assertClose(byDefault, first, GpuFixture.reductionTol(dt),
              "vs matmul's: " + what);
          assertArrayEquals(first, ptxProduct(gpu, ptx, dt, a, ta, b, tb, m, n, k, batch,
              strideA, strideB), "a second run: " + what);
        }
      }
    }
  }

  private static double[] product(Backend be, DType dt, double[] a, boolean ta, double[] b,
      boolean tb, int m, int n, int k, int batch, long strideA, long strideB) {
    try (DeviceBuffer x = GpuFixture.upload(be, dt, a);
        DeviceBuffer y = GpuFixture.upload(be, dt, b);
        DeviceBuffer out = be.allocate(dt, (long) batch * m * n)) {
      be.matmulBatched(x, ta, y, tb, out, batch, m, n, k, strideA, strideB);
      double[] result = new double[(int) out.length()];
      be.download(out, result);
      return result;
    }
  }

  private static double[] ptxProduct(CudaBackend gpu, MatrixProducts ptx, DType dt, double[] a,
      boolean ta, double[] b, boolean tb, int m, int n, int k, int batch, long strideA,
      long strideB) {
    try (CudaBuffer x = (CudaBuffer) GpuFixture.upload(gpu, dt, a);
        CudaBuffer y = (CudaBuffer) GpuFixture.upload(gpu, dt, b);
        CudaBuffer out = (CudaBuffer) gpu.allocate(dt, (long) batch * m * n)) {
      ptx.gemmStridedBatched(dt, GemmPlan.rowMajorBatched(ta, tb, batch, m, n, k, strideA,
          strideB), x.pointer(), y.pointer(), out.pointer());
      return GpuFixture.download(gpu, out);
    }
  }
}
