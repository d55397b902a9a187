import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.Random;

/**
 * Microseconds per call of the backend's matmul on each shape, after a warm-up of the same
 * length, products back to back on dense random operands (bench/gemm/own-vs-openblas.sh).
 *
 *   java -cp jgrad-mnist.jar bench/gemm/ShapeTimes.java "M,N,K,TA,TB;..." [MILLIS]
 *
 * TA, TB: N or T. Prints one line per shape: "SHAPE M,N,K,TA,TB MICROSECONDS".
 */
public class ShapeTimes {
  public static void main(String[] args) {
    Backend backend = Backends.current();
    long millis = args.length > 1 ? Long.parseLong(args[1]) : 700;
    Random random = new Random(0);
    for (String spec : args[0].split(";")) {
      String[] f = spec.split(",");
      int m = Integer.parseInt(f[0]);
      int n = Integer.parseInt(f[1]);
      int k = Integer.parseInt(f[2]);
      boolean transA = f[3].equals("T");
      boolean transB = f[4].equals("T");
      DeviceBuffer a = random(backend, random, m * k);
      DeviceBuffer b = random(backend, random, k * n);
      DeviceBuffer c = backend.allocate(DType.FLOAT32, (long) m * n);
      for (int phase = 0; phase < 2; phase++) { // warm-up, then timed
        long start = System.nanoTime();
        int calls = 0;
        while (System.nanoTime() - start < millis * 1_000_000L) {
          backend.matmul(a, transA, b, transB, c, m, n, k);
          calls++;
        }
        backend.synchronize();
        if (phase == 1) {
          System.out.printf("SHAPE %s %.1f%n", spec, (System.nanoTime() - start) / 1e3 / calls);
        }
      }
    }
  }

  private static DeviceBuffer random(Backend backend, Random random, int length) {
    float[] data = new float[length];
    for (int i = 0; i < length; i++) {
      data[i] = (float) (random.nextGaussian() * 0.1);
    }
    return backend.upload(data);
  }
}
