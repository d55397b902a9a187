import dev.jgrad.api.Backends;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.nn.Module;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * jgrad's side of the inference benchmark (bench/suite/infer.sh): the suite's models (random
 * weights, the training workloads' shapes) in evaluation mode, forward only, no graph, as the
 * README's serving snippet runs them: per call a {@code NoGrad} and a {@code TensorScope}, the
 * pixels uploaded with {@code Tensor.of}, the classes read back as ints. Prints for infer.py:
 *
 * <ul>
 *   <li>FIRST_CALL_US: the first prediction of one image in this fresh process (model built);
 *   <li>LAT_EARLY_US: the median of the next WARMUP calls of one image each;
 *   <li>LAT_US: after calls for 3 s in all, CALLS timed ones: median and p99;
 *   <li>BATCH_SPS: the test set (swept until 10,000 samples a pass) in batches of 100, then of
 *       1000, passes for a second's warm-up (at least two), then PASSES passes: the median
 *       pass's samples/s.
 * </ul>
 *
 *   java -cp jgrad-mnist.jar:CLASSES InferWorkload WORKLOAD DATA WARMUP CALLS PASSES
 */
public class InferWorkload {
  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      throw new IllegalArgumentException("usage: InferWorkload WORKLOAD DATA WARMUP CALLS PASSES");
    }
    String workload = args[0];
    LabeledImages test = SuiteModels.images(args[1], true);
    int warmup = Integer.parseInt(args[2]);
    int calls = Integer.parseInt(args[3]);
    int passes = Integer.parseInt(args[4]);
    Module model = SuiteModels.model(workload, test);
    model.eval();
    float[] images = test.images();
    int n = test.size();
    int pixels = test.pixelsPerImage();
    long sink = 0;

    long start = System.nanoTime();
    sink += predict(model, images, 0, 1, pixels)[0];
    System.out.println("FIRST_CALL_US " + (System.nanoTime() - start) / 1e3);

    // warm-up: WARMUP calls (their median is the service's first moments), then calls until 3 s
    // have gone, as the JIT compiles the path in the background (seconds on two busy cores)
    double[] early = new double[warmup];
    long warmStart = System.nanoTime();
    for (int i = 0; i < warmup || System.nanoTime() - warmStart < 3_000_000_000L; i++) {
      long t = System.nanoTime();
      sink += predict(model, images, i % n, 1, pixels)[0];
      if (i < warmup) {
        early[i] = (System.nanoTime() - t) / 1e3;
      }
    }
    Arrays.sort(early);
    System.out.println(String.format(Locale.ROOT, "LAT_EARLY_US %.1f", early[warmup / 2]));
    double[] us = new double[calls];
    for (int i = 0; i < calls; i++) {
      long t = System.nanoTime();
      sink += predict(model, images, (warmup + i) % n, 1, pixels)[0];
      us[i] = (System.nanoTime() - t) / 1e3;
    }
    Arrays.sort(us);
    System.out.println(String.format(Locale.ROOT, "LAT_US %.1f %.1f", us[calls / 2],
        us[(int) Math.ceil(0.99 * calls) - 1]));

    // a pass sweeps the test set until 10,000 samples: the 2,000 embedded images are two batches
    // of 1,000, and one garbage collection in a pass of two made its figure 20 times smaller
    int sweeps = (10_000 + n - 1) / n;
    StringBuilder perBatch = new StringBuilder("BATCH_SPS"); // batches of 100, then of 1000
    for (int batch : new int[] {100, 1000}) {
      double[] sps = new double[passes];
      // warm-up as the peers: passes until a second has gone, at least two (the JIT's compiles)
      long warm = System.nanoTime();
      for (int w = 0; w < 2 || System.nanoTime() - warm < 1_000_000_000L; w++) {
        for (int from = 0; from + batch <= n; from += batch) {
          sink += predict(model, images, from, batch, pixels)[0];
        }
      }
      for (int p = 0; p < passes; p++) {
        long t = System.nanoTime();
        for (int sweep = 0; sweep < sweeps; sweep++) {
          for (int from = 0; from + batch <= n; from += batch) {
            sink += predict(model, images, from, batch, pixels)[0];
          }
        }
        sps[p] = sweeps * (n / batch * batch) / ((System.nanoTime() - t) / 1e9);
      }
      Arrays.sort(sps);
      perBatch.append(String.format(Locale.ROOT, " %.1f", sps[passes / 2]));
    }
    System.out.println(perBatch);
    System.out.println("SINK " + sink);
    System.out.println("NAME jgrad (" + Backends.current().name() + ", " + Runtime.version()
        + ")");
  }

  /** The request's pixels, one array per batch size, refilled: as a batch prediction would. */
  private static final Map<Integer, float[]> REQUESTS = new HashMap<>();

  /**
   * One request as README's serving snippet makes it: classes of images [from, from + count). A
   * fresh copy per request made 3 MB of garbage a batch of 1,000, a humongous object in G1, and
   * the collections it set off, not the model, bounded the figure (245k against 1M samples/s).
   */
  static int[] predict(Module model, float[] images, int from, int count, int pixels) {
    float[] x = REQUESTS.computeIfAbsent(count, c -> new float[c * pixels]);
    System.arraycopy(images, from * pixels, x, 0, count * pixels);
    try (NoGrad noGrad = NoGrad.scope(); TensorScope request = TensorScope.open()) {
      return model.forward(request.own(Tensor.of(x, count, pixels))).argmax(1).toIntArray();
    }
  }
}
