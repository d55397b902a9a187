import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.data.Batch;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.nn.Activation;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * jgrad's side of the training-throughput benchmark: the 784-100-10 ReLU MLP, batch 100, SGD with
 * learning rate 0.1, on the embedded 8,000-image MNIST training split, shuffled and partitioned
 * every epoch: the same work as numpy_twolayer.py and torch_mlp.py beside it. Run by run.sh.
 *
 *   java -cp examples/mnist/target/jgrad-mnist.jar bench/train/TrainThroughput.java [EPOCHS] [WARMUP] [--profile]
 *
 * With --profile the backend is wrapped in a timing proxy and the time per step spent in each
 * backend primitive after the warm-up is printed (any thread, so the batch prefetch counts too;
 * fused kernels that work on the arrays directly do not show). The proxy slows the step.
 * On an asynchronous backend (CUDA) the per-primitive times are launch times, not GPU times.
 */
public class TrainThroughput {
  private static final Map<String, long[]> PRIMITIVE_NANOS = new HashMap<>();

  public static void main(String[] args) throws Exception {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    boolean profile = Arrays.asList(args).contains("--profile");
    if (warmup < 0 || warmup >= epochs) {
      throw new IllegalArgumentException("need 0 <= WARMUP < EPOCHS, got " + warmup + ", " + epochs);
    }
    Backend backend = profile ? timed(Backends.current()) : Backends.current();
    try (Backends.Scope scope = Backends.use(backend)) {
      train(epochs, warmup, profile);
    }
  }

  private static void train(int epochs, int warmup, boolean profile) throws Exception {
    LabeledImages images = MnistFiles.loadResources("/mnist/").train();
    Tensor x = Tensor.of(images.images(), images.size(), images.pixelsPerImage());
    Dataset train = Dataset.of(x, Tensor.indices(images.labels()));
    Sequential model = Mlp.builder().input(784).hidden(100).output(10)
        .activation(Activation.RELU).seed(0).build();
    Sgd sgd = new Sgd(model.namedParameters(), 0.1);
    DataLoader loader = DataLoader.builder(train).batchSize(100).seed(0).dropLast(true).build();
    double[] seconds = new double[epochs];
    // The JIT's compile time within the ranked epochs: the compiler threads share the two cores
    // with the training and prefetch threads, so a warm-up too short for the JIT shows here.
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long jitMillisAtWarmup = 0;
    // An asynchronous backend (CUDA) returns once the kernels are queued: wait for the device
    // before each clock reading, or an epoch's time would be that of its launches only.
    Backend backend = Backends.current();
    backend.synchronize();
    for (int epoch = 0; epoch < epochs; epoch++) {
      if (epoch == warmup) {
        jitMillisAtWarmup = jit.getTotalCompilationTime();
        synchronized (PRIMITIVE_NANOS) {
          PRIMITIVE_NANOS.clear();
        }
      }
      long start = System.nanoTime();
      for (Batch b : loader.epoch(epoch)) {
        try (b; TensorScope step = TensorScope.open()) {
          Losses.softmaxCrossEntropyLabels(model.forward(b.inputs()), b.targets()).backward();
          sgd.step();
          sgd.zeroGrad();
        }
      }
      backend.synchronize();
      seconds[epoch] = (System.nanoTime() - start) / 1e9;
    }
    // The JIT compiles the step over the first epochs: rank only the epochs after the warm-up,
    // and give the whole run too, so the warm-up shows.
    double[] rates = Arrays.stream(seconds, warmup, epochs).map(s -> loader.samplesPerEpoch() / s)
        .sorted().toArray();
    double whole = (double) loader.samplesPerEpoch() * epochs / Arrays.stream(seconds).sum();
    System.out.printf("jgrad (%s backend): best %,.0f samples/s, median %,.0f samples/s over "
        + "epochs %d-%d; whole run %,.0f samples/s%n", Backends.current().name(),
        rates[rates.length - 1], rates[rates.length / 2], warmup + 1, epochs, whole);
    double rankedSeconds = Arrays.stream(seconds, warmup, epochs).sum();
    long jitMillis = jit.getTotalCompilationTime() - jitMillisAtWarmup;
    System.out.printf("  JIT compiling during epochs %d-%d: %,d ms (%.0f%% of their %.1f s)%n",
        warmup + 1, epochs, jitMillis, jitMillis / 10.0 / rankedSeconds, rankedSeconds);
    if (profile) {
      double steps = (double) loader.batchCount() * (epochs - warmup);
      double measured = Arrays.stream(seconds, warmup, epochs).sum();
      System.out.printf("step %.1f us (with the proxy), of which in primitives:%n",
          measured * 1e6 / steps);
      PRIMITIVE_NANOS.entrySet().stream()
          .sorted((p, q) -> Long.compare(q.getValue()[0], p.getValue()[0]))
          .forEach(e -> System.out.printf("  %-26s %7.1f us/step %5.1f calls/step%n", e.getKey(),
              e.getValue()[0] / 1e3 / steps, e.getValue()[1] / steps));
    }
  }

  /**
   * {@code backend} behind a proxy that adds up the time of each primitive (and matmul shape). The
   * proxy implements exactly the interfaces the backend does, so optional capabilities (FusedSgd,
   * PtxKernel.Launcher) stay visible to {@code instanceof} and none is claimed that it lacks.
   */
  private static Backend timed(Backend backend) {
    ClassLoader loader = backend.getClass().getClassLoader();
    return (Backend) Proxy.newProxyInstance(loader, interfaces(backend.getClass(), loader),
        (proxy, method, a) -> {
          long start = System.nanoTime();
          try {
            return method.invoke(backend, a);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          } finally {
            long nanos = System.nanoTime() - start;
            String key = method.getName();
            if (a != null && a.length > 0 && a[0] instanceof Enum) {
              key += "." + a[0];
            } else if (key.equals("matmul")) {
              key += " " + a[5] + "x" + a[6] + "x" + a[7] + ((Boolean) a[1] ? " tA" : "")
                  + ((Boolean) a[3] ? " tB" : "");
            }
            synchronized (PRIMITIVE_NANOS) {
              long[] v = PRIMITIVE_NANOS.computeIfAbsent(key, k -> new long[2]);
              v[0] += nanos;
              v[1]++;
            }
          }
        });
  }

  /**
   * The public interfaces {@code type} implements that {@code loader} sees, inherited ones too: a
   * public interface reached only through a non-public one (or a superclass) must be listed itself.
   */
  private static Class<?>[] interfaces(Class<?> type, ClassLoader loader) {
    Set<Class<?>> all = new LinkedHashSet<>();
    Deque<Class<?>> todo = new ArrayDeque<>();
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      todo.addAll(List.of(c.getInterfaces()));
    }
    while (!todo.isEmpty()) {
      Class<?> i = todo.pop();
      if (all.add(i)) {
        todo.addAll(List.of(i.getInterfaces()));
      }
    }
    all.removeIf(i -> !Modifier.isPublic(i.getModifiers()) || !visible(i, loader));
    return all.toArray(new Class<?>[0]);
  }

  private static boolean visible(Class<?> type, ClassLoader loader) {
    try {
      return Class.forName(type.getName(), false, loader) == type;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
