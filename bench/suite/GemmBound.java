import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DeviceBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * The GEMM-only bound of an MLP training step (bench/suite/run.sh): the step's matrix products
 * alone, through the backend's own matmul on dense random operands, timed back to back. A step
 * can be no faster than its products, so batch / (their time) is the most samples/s the step
 * could reach with that kernel. On the CPU, {@code -Djgrad.cpu.sgemm=openblas} times OpenBLAS's
 * sgemm (the suite's reference bound), the default jgrad's own float kernel.
 *
 *   java [-Djgrad.cpu.sgemm=openblas] -cp jgrad-mnist.jar:CLASSES GemmBound BATCH SIZES...
 *   (e.g. 100 784 1000 1000 10)
 *
 * Products per step for layer sizes n0..nL: forward X[b,n_i] @ W[n_i,n_{i+1}] for every layer;
 * backward dW = X^T @ dY for every layer and dX = dY @ W^T for every layer but the first.
 */
public class GemmBound {
  public static void main(String[] args) {
    int batch = Integer.parseInt(args[0]);
    int[] sizes = Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray();
    Backend b = Backends.current();
    Random rnd = new Random(0);
    int layers = sizes.length - 1;
    DeviceBuffer[] acts = new DeviceBuffer[layers + 1];
    DeviceBuffer[] weights = new DeviceBuffer[layers];
    for (int i = 0; i <= layers; i++) {
      acts[i] = random(b, rnd, batch * sizes[i]);
    }
    for (int i = 0; i < layers; i++) {
      weights[i] = random(b, rnd, sizes[i] * sizes[i + 1]);
    }
    DeviceBuffer[] gradW = new DeviceBuffer[layers];
    DeviceBuffer[] gradX = new DeviceBuffer[layers + 1];
    for (int i = 0; i < layers; i++) {
      gradW[i] = b.allocate(weights[i].dtype(), weights[i].length());
      gradX[i] = b.allocate(acts[i].dtype(), acts[i].length());
    }
    gradX[layers] = random(b, rnd, batch * sizes[layers]);
    double best = Double.MAX_VALUE;
    long deadline = System.nanoTime() + 6_000_000_000L; // 2 s warm-up, then 4 s of steps
    long measureFrom = System.nanoTime() + 2_000_000_000L;
    double[] times = new double[100_000];
    int n = 0;
    while (System.nanoTime() < deadline) {
      long start = System.nanoTime();
      for (int i = 0; i < layers; i++) {
        b.matmul(acts[i], false, weights[i], false, acts[i + 1], batch, sizes[i + 1], sizes[i]);
      }
      for (int i = layers - 1; i >= 0; i--) {
        b.matmul(acts[i], true, gradX[i + 1], false, gradW[i], sizes[i], sizes[i + 1], batch);
        if (i > 0) {
          b.matmul(gradX[i + 1], false, weights[i], true, gradX[i], batch, sizes[i], sizes[i + 1]);
        }
      }
      b.synchronize();
      long end = System.nanoTime();
      if (start >= measureFrom && n < times.length) {
        times[n++] = (end - start) / 1e9;
      }
    }
    double[] sorted = Arrays.copyOf(times, n);
    Arrays.sort(sorted);
    System.out.printf("GEMM_BOUND median %.1f samples/s, best %.1f samples/s over %d steps%n",
        batch / sorted[n / 2], batch / sorted[0], n);
  }

  private static DeviceBuffer random(Backend b, Random rnd, int length) {
    float[] data = new float[length];
    for (int i = 0; i < length; i++) {
      data[i] = (float) (rnd.nextGaussian() * 0.1);
    }
    return b.upload(data);
  }
}
