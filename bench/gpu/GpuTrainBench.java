import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.api.Shape;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.cuda.CudaBackend;
import dev.jgrad.cuda.DeviceActivity;
import dev.jgrad.data.Batch;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.nn.Activation;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import dev.jgrad.train.Checkpoint;
import dev.jgrad.train.Evaluation;
import dev.jgrad.train.Evaluator;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.TrainingListener;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Training throughput, a memory soak and a checkpoint check on the current backend, for the GPU
 * device check (bench/gpu/device-check.sh); bench/gpu/torch_gpu_mlp.py is the PyTorch peer.
 *
 * <pre>
 *   java -Djgrad.backend=cuda -cp 'lib/*:bench' GpuTrainBench bench HIDDEN BATCH SAMPLES EPOCHS WARMUP [graph]
 *       e.g. bench 100 100 60000 20 2     and     bench 1000,1000 1000 60000 10 2
 *   java -Djgrad.backend=cuda -cp 'lib/*:bench' GpuTrainBench soak SAMPLES EPOCHS
 *   java -Djgrad.backend=cpu  -cp 'lib/*:bench' GpuTrainBench predict CHECKPOINT
 * </pre>
 *
 * <p>The embedded 8,000-image training split is tiled to SAMPLES images (the GPU machine has no
 * network, so no full MNIST), put on the backend once and trained on with the ReLU MLP
 * 784-HIDDEN-10 and SGD lr 0.1, shuffled and partitioned every epoch (full batches only). Each
 * epoch ends with {@code synchronize()}, so its time includes all queued GPU work; the step itself
 * reads nothing back. Printed: each epoch (on the GPU with what a step queued and waited for:
 * kernel launches, cuBLAS calls, memory ops, host waits and copies, and when the host had queued
 * the last step), then the median and best of
 * the epochs after WARMUP and the whole run, warm-up included (what a user waits for), and the
 * last step's loss exactly.
 *
 * <p>{@code graph}: the step, from the batch's gather to the SGD update, is captured once as a
 * CUDA graph ({@link GraphCapture}, the CUDA backend's) and replayed with one launch: each step copies the
 * batch's indices (the loader's order, uploaded once an epoch) into a fixed index buffer, then
 * launches; the step gathers its samples by those indices and copies its loss into a fixed
 * buffer. The first step runs eagerly. The same samples and computations in the same order as
 * the eager run, so the last loss must be its, bit for bit. On a backend without graphs (the
 * CPU) the same steps run eagerly.
 *
 * <p>{@code soak}: the {@link Trainer}'s whole path (device-side metrics, evaluation on the 2,000
 * test images, a checkpoint every epoch) on 784-100-10, batch 100; after every epoch the
 * allocator's statistics and the host heap after a GC. It ends with a verdict line: device bytes
 * in use at every epoch end from the second on equal to the second's, host heap within 16 MiB.
 *
 * <p>{@code predict}: loads a checkpoint of the main job (784-100-10 ReLU, e.g. trained on the
 * GPU) into a fresh model on the current backend and prints its accuracy on the embedded test
 * images, to compare with the accuracy the training run printed.
 *
 * <p>Output lines start with "bench:", "soak:" or "predict:" for the device script to grep.
 */
public final class GpuTrainBench {
  private static final long HEAP_SLACK = 16L << 20;

  private GpuTrainBench() {}

  public static void main(String[] args) throws Exception {
    String usage = "usage: GpuTrainBench bench HIDDEN[,HIDDEN...] BATCH SAMPLES EPOCHS WARMUP"
        + " [graph] | soak SAMPLES EPOCHS | predict CHECKPOINT";
    if (args.length == 0) {
      System.err.println(usage);
      System.exit(2);
    }
    switch (args[0]) {
      case "bench" -> {
        check(args.length == 6 || (args.length == 7 && args[6].equals("graph")), usage);
        int epochs = Integer.parseInt(args[4]);
        int warmup = Integer.parseInt(args[5]);
        check(warmup >= 0 && warmup < epochs, "need 0 <= WARMUP < EPOCHS, got " + warmup + ", "
            + epochs);
        bench(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), epochs, warmup,
            args.length == 7);
      }
      case "soak" -> {
        check(args.length == 3, usage);
        soak(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      }
      case "predict" -> {
        check(args.length == 2, usage);
        predict(Path.of(args[1]));
      }
      default -> {
        System.err.println("unknown mode '" + args[0] + "'; " + usage);
        System.exit(2);
      }
    }
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      System.err.println(message);
      System.exit(2);
    }
  }

  static void bench(String hiddenList, int batch, int samples, int epochs, int warmup,
      boolean graph) throws IOException {
    long runStart = System.nanoTime();
    Backend backend = Backends.current();
    int[] hidden = Arrays.stream(hiddenList.split(",")).mapToInt(Integer::parseInt).toArray();
    Dataset train = tiled(samples);
    Sequential model = Mlp.builder().input(784).hidden(hidden).output(10)
        .activation(Activation.RELU).seed(0).build();
    Sgd sgd = new Sgd(model.namedParameters(), 0.1);
    DataLoader loader = DataLoader.builder(train).batchSize(batch).seed(0).dropLast(true).build();
    String name = "784-" + hiddenList.replace(',', '-') + "-10 batch " + batch
        + (graph ? " graph" : "");
    GraphCapture capture = graph && backend instanceof GraphCapture g ? g : null;
    System.out.printf(Locale.ROOT, "bench: jgrad %s on %s, %d samples, %d steps/epoch%s%n", name,
        describe(backend), samples, loader.batchCount(), graph && capture == null
            ? " (no CUDA graphs on " + backend.name() + ": the same steps, eagerly)" : "");
    // graph mode: the fixed buffers each step reads its batch's indices from and writes its loss to
    Tensor idx = graph ? Tensor.wrap(backend, backend.allocate(DType.INT32, batch),
        Shape.of(batch)) : null;
    DeviceBuffer lossOut = graph ? backend.allocate(DType.FLOAT32, 1) : null;
    Runnable fixedStep = () -> {
      try (TensorScope scope = TensorScope.open(); Batch b = train.gather(idx)) {
        Tensor loss = Losses.softmaxCrossEntropyLabels(model.forward(b.inputs()), b.targets());
        loss.backward();
        sgd.step();
        sgd.zeroGrad();
        backend.copy(loss.buffer(), 0, lossOut, 0, 1);
      }
    };
    GraphCapture.Replay captured = null;
    backend.synchronize();
    double setup = (System.nanoTime() - runStart) / 1e9;
    double[] seconds = new double[epochs];
    double[] queued = new double[epochs];
    String activity = "";
    double lastLoss = Double.NaN;
    int stepsRun = 0;
    for (int epoch = 0; epoch < epochs; epoch++) {
      long start = System.nanoTime();
      DeviceActivity before = activity(backend);
      int step = 0;
      if (graph) {
        Tensor order = Tensor.indices(loader.order(epoch)); // on the backend, once an epoch
        try {
          for (int s = 0; s < loader.batchCount(); s++) {
            backend.copy(order.buffer(), (long) s * batch, idx.buffer(), 0, batch);
            if (captured == null && capture != null && stepsRun > 0) { // after one eager step
              captured = capture.capture(fixedStep);
              System.out.printf(Locale.ROOT, "bench: captured the step as %s%n", captured);
            }
            if (captured != null) {
              captured.launch();
            } else {
              fixedStep.run();
            }
            stepsRun++;
          }
        } finally { // released in stream order: the queued copies read it first
          order.buffer().close();
        }
      }
      for (Batch b : graph ? List.<Batch>of() : loader.epoch(epoch)) {
        step++;
        try (b; TensorScope scope = TensorScope.open()) {
          Tensor loss = Losses.softmaxCrossEntropyLabels(model.forward(b.inputs()), b.targets());
          loss.backward();
          sgd.step();
          sgd.zeroGrad();
          if (step == loader.batchCount()) {
            lastLoss = loss.item(); // one host read per epoch: the last step's loss
          }
        }
      }
      queued[epoch] = (System.nanoTime() - start) / 1e9; // the host's part: all steps queued
      if (graph) {
        float[] l = new float[1];
        backend.download(lossOut, l);
        lastLoss = l[0];
      }
      backend.synchronize();
      seconds[epoch] = (System.nanoTime() - start) / 1e9;
      // the epoch's closing synchronize is one wait of the whole epoch, not of a step
      activity = before == null ? "(no device activity on " + backend.name() + ")"
          : activity(backend).since(before).perStep(loader.batchCount());
      System.out.printf(Locale.ROOT, "bench: epoch %d %.3f s (queued by %.3f s) %.0f samples/s "
          + "loss %.4f | %s | %s%n", epoch + 1, seconds[epoch], queued[epoch],
          loader.samplesPerEpoch() / seconds[epoch], lastLoss, activity, stats(backend));
    }
    if (captured != null) {
      captured.close();
    }
    double[] rates = Arrays.stream(seconds, warmup, epochs)
        .map(s -> loader.samplesPerEpoch() / s).sorted().toArray();
    double median = rates[rates.length / 2];
    double total = (System.nanoTime() - runStart) / 1e9;
    System.out.printf(Locale.ROOT, "bench: jgrad %s: median %,.0f samples/s, best %,.0f (epochs "
        + "%d-%d), %.1f us/step median; whole run %,.0f samples/s (%.2f s incl. %.2f s set-up); "
        + "last loss %s%n", name, median, rates[rates.length - 1], warmup + 1, epochs,
        1e6 * batch / median, (double) loader.samplesPerEpoch() * epochs / total, total, setup,
        Float.toString((float) lastLoss));
    // Host-bound when the GPU finishes right after the last step is queued: the host's launches
    // are the cost to cut. Device-bound when the GPU runs long after: the kernels are.
    double share = Arrays.stream(queued, warmup, epochs).sum()
        / Arrays.stream(seconds, warmup, epochs).sum();
    System.out.printf(Locale.ROOT, "bench: activity %s, last epoch: %s%s%n", name, activity,
        activity(backend) == null ? "" : String.format(Locale.ROOT, "; the host queued the "
            + "epochs' steps in %.0f%% of their time (%s)", 100 * share, share > 0.9
            ? "host-bound: launches and Java per step" : "the GPU's work is the cost"));
  }

  /** The backend's activity counts, or null where it keeps none (the CPU). */
  private static DeviceActivity activity(Backend backend) {
    return backend instanceof CudaBackend cuda ? cuda.activity() : null;
  }

  /** The embedded 8,000 training images tiled to {@code samples}, on the current backend. */
  static Dataset tiled(int samples) throws IOException {
    LabeledImages images = MnistFiles.loadResources("/mnist/").train();
    int pixels = images.pixelsPerImage();
    float[] src = images.images();
    int[] srcLabels = images.labels();
    float[] x = new float[Math.multiplyExact(samples, pixels)];
    int[] y = new int[samples];
    for (int i = 0; i < samples; i++) {
      int j = i % images.size();
      System.arraycopy(src, j * pixels, x, i * pixels, pixels);
      y[i] = srcLabels[j];
    }
    Tensor xs = Tensor.of(x, samples, pixels);
    return Dataset.of(xs, Tensor.indices(y));
  }

  static Dataset embeddedTest() throws IOException {
    LabeledImages images = MnistFiles.loadResources("/mnist/").test();
    Tensor x = Tensor.of(images.images(), images.size(), images.pixelsPerImage());
    return Dataset.of(x, Tensor.indices(images.labels()));
  }

  /** The Trainer's whole path for {@code epochs} epochs, with memory after every epoch. */
  static void soak(int samples, int epochs) throws IOException {
    Backend backend = Backends.current();
    Sequential model = Mlp.builder().input(784).hidden(100).output(10)
        .activation(Activation.RELU).seed(0).build();
    Path dir = Files.createTempDirectory("jgrad-soak");
    List<Long> device = new ArrayList<>();
    List<Long> heap = new ArrayList<>();
    long[] start = {System.nanoTime()};
    System.out.printf(Locale.ROOT, "soak: Trainer, 784-100-10 batch 100, %d samples, %d epochs "
        + "on %s%n", samples, epochs, describe(backend));
    Trainer trainer = Trainer.builder().model(model).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Sgd(model.namedParameters(), 0.1))
        .train(DataLoader.builder(tiled(samples)).batchSize(100).seed(0).build())
        .test(embeddedTest())
        .epochs(epochs).checkpointTo(dir.resolve("checkpoint.safetensors"))
        .listener(new TrainingListener() {
          @Override
          public void onEpochEnd(EpochMetrics m, MetricsHistory h) {
            backend.synchronize();
            double s = (System.nanoTime() - start[0]) / 1e9;
            long heapUsed = heapAfterGc();
            heap.add(heapUsed);
            if (backend instanceof CudaBackend cuda) {
              device.add(cuda.memoryStats().bytesInUse());
            }
            System.out.printf(Locale.ROOT, "soak: epoch %d %.2f s train loss %.4f test acc "
                + "%.2f%% | heap %.1f MiB | %s%n", m.epoch(), s, m.trainLoss(),
                100 * m.testAccuracy(), heapUsed / 1048576.0, stats(backend));
            start[0] = System.nanoTime();
          }
        }).build();
    trainer.fit();
    String deviceVerdict = "n/a (" + backend.name() + " has no device allocator)";
    if (device.size() >= 2) {
      boolean flat = device.subList(1, device.size()).stream().allMatch(device.get(1)::equals);
      deviceVerdict = (flat ? "flat" : "NOT FLAT") + " from epoch 2 (" + device + " bytes)";
    }
    String heapVerdict = heap.size() < 2 ? "n/a (fewer than 2 epochs)"
        : (heap.get(heap.size() - 1) <= heap.get(1) + HEAP_SLACK ? "flat" : "GROWING")
            + String.format(Locale.ROOT, " (epoch 2 %.1f MiB, last %.1f MiB)",
                heap.get(1) / 1048576.0, heap.get(heap.size() - 1) / 1048576.0);
    System.out.println("soak: verdict: device memory " + deviceVerdict + "; host heap "
        + heapVerdict);
  }

  /** A main-job checkpoint's test accuracy on the current backend. */
  static void predict(Path checkpoint) throws IOException {
    Checkpoint c = Checkpoint.load(checkpoint);
    Sequential model = Mlp.builder().input(784).hidden(100).output(10)
        .activation(Activation.RELU).seed(0).build();
    c.restoreModel(model);
    Evaluation e = Evaluator.evaluate(model, embeddedTest(), Losses::softmaxCrossEntropyLabels,
        1000);
    System.out.printf(Locale.ROOT, "predict: %s after epoch %d on %s: test accuracy %.2f%%, loss "
        + "%.4f on %d images%n", checkpoint, c.epoch(), Backends.current().name(),
        100 * e.accuracy(), e.loss(), e.samples());
  }

  private static long heapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static String describe(Backend backend) {
    return backend instanceof CudaBackend cuda ? cuda.deviceDescription() : backend.name();
  }

  private static String stats(Backend backend) {
    return backend instanceof CudaBackend cuda ? String.valueOf(cuda.memoryStats())
        : "(no device allocator on " + backend.name() + ")";
  }
}
