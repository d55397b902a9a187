import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.nn.Activation;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Locale;

/**
 * The host's share of an eager GPU training step, measured without a GPU: GpuTrainBench's step
 * (784-HIDDEN-10 ReLU MLP, softmax cross-entropy, SGD) on a backend whose device work is nothing.
 * Every primitive returns at once and counts one call; the ops the CUDA backend runs as fused
 * kernels (bias + activation, ReLU's gradient, the loss and its gradient) get kernels here that
 * make the CUDA kernels' backend calls and nothing else. What is timed is jgrad's Java per step:
 * autograd, op dispatch, buffer bookkeeping. On a GPU each call adds the driver's launch cost (JCuda
 * and cuLaunchKernel, a few microseconds) and the step adds the GPU's time.
 *
 * <pre>
 *   bench/gpu/host/run.sh [HIDDEN] [BATCH] [STEPS] [ROUNDS]     defaults 100 100 5000 10
 * </pre>
 */
public final class HostStepBench implements OpProvider {
  static final String NAME = "nodevice";
  private static long calls;

  /** A buffer with a dtype and a length and no memory. */
  private static final class NoMemory implements DeviceBuffer {
    private final DType dtype;
    private final long length;
    private boolean closed;

    NoMemory(DType dtype, long length) {
      this.dtype = dtype;
      this.length = length;
    }

    @Override
    public DType dtype() {
      return dtype;
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public String backendName() {
      return NAME;
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** A backend whose primitives do nothing but count; FusedSgd's one call too. */
  static Backend noDevice() {
    InvocationHandler h = (proxy, m, args) -> {
      switch (m.getName()) {
        case "name":
          return NAME;
        case "allocate":
          return new NoMemory((DType) args[0], (Long) args[1]);
        case "upload":
          return new NoMemory(args[0] instanceof float[] ? DType.FLOAT32
              : args[0] instanceof double[] ? DType.FLOAT64 : args[0] instanceof int[]
              ? DType.INT32 : DType.UINT8, java.lang.reflect.Array.getLength(args[0]));
        case "toString":
          return NAME + " backend";
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        default:
          if (m.getName().equals("sgdUpdateAll") || m.getReturnType() == void.class
              && !m.isDefault()) {
            calls++;
            return null;
          }
          if (m.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, m, args);
          }
          throw new UnsupportedOperationException(NAME + " backend: " + m.getName());
      }
    };
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class, FusedSgd.class}, h);
  }

  /** The CUDA backend's fused kernels' backend calls (CudaLossKernels and FusedKernels). */
  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(OpNames.BIAS_ACTIVATION, NAME, c -> calls++);
    r.kernel(OpNames.RELU_GRAD, NAME, c -> calls++);
    r.kernel(OpNames.SOFTMAX_CROSS_ENTROPY_LABELS, NAME, HostStepBench::loss);
    r.kernel(OpNames.SOFTMAX_CROSS_ENTROPY_LABELS_GRAD, NAME, c -> {
      try (DeviceBuffer rowLoss = c.backend().allocate(c.outputSpec().dtype(),
          c.inputSpec(0).shape().dim(0))) {
        calls++;
      }
    });
  }

  /** A batch's mean loss: one launch (jg_softmax_xent_mean), as CudaLossKernels for a batch. */
  private static void loss(KernelCall c) {
    calls++;
  }

  public static void main(String[] args) {
    int hidden = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    Backend b = noDevice();
    try (Backends.Scope ignored = Backends.use(b)) {
      Sequential model = Mlp.builder().input(784).hidden(hidden).output(10)
          .activation(Activation.RELU).seed(0).build();
      Sgd sgd = new Sgd(model.namedParameters(), 0.1);
      Tensor x = Tensor.wrap(b, b.allocate(DType.FLOAT32, (long) batch * 784),
          Shape.of(batch, 784));
      Tensor y = Tensor.wrap(b, b.allocate(DType.INT32, batch), Shape.of(batch));
      double[] us = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        long c0 = calls;
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          try (TensorScope scope = TensorScope.open()) {
            Tensor loss = Losses.softmaxCrossEntropyLabels(model.forward(x), y);
            loss.backward();
            sgd.step();
            sgd.zeroGrad();
          }
        }
        us[round] = (System.nanoTime() - t0) / 1e3 / steps;
        System.out.printf(Locale.ROOT, "host-step: round %d: %.2f us/step, %.1f device calls/step%n",
            round + 1, us[round], (calls - c0) / (double) steps);
      }
      double[] late = Arrays.copyOfRange(us, rounds / 2, rounds);
      Arrays.sort(late);
      System.out.printf(Locale.ROOT, "host-step: 784-%d-10 batch %d: median %.2f us/step over "
          + "rounds %d-%d (%d steps each); first round %.2f us/step%n", hidden, batch,
          late[late.length / 2], rounds / 2 + 1, rounds, steps, us[0]);
    }
  }
}
