import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.data.Batch;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.Sgd;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * jgrad's side of the benchmark suite (bench/suite/run.sh): trains one workload for EPOCHS epochs
 * and prints, for suite.py, each epoch's seconds (load and set-up excluded, as for the peers in
 * peers.py, which do the same work: same model, batch 100, shuffle and partition every epoch,
 * last short batch dropped).
 *
 *   java -cp jgrad-mnist.jar:CLASSES JgradWorkload WORKLOAD DATA EPOCHS
 *
 * WORKLOAD: mlp-small (784-100-10, SGD 0.1), mlp-large (784-1000-1000-10, SGD 0.1), cnn (the
 * book's SimpleConvNet, Adam 0.001). DATA: embedded (the 8,000-image split in the jar) or a
 * directory of MNIST-format IDX files (Fashion-MNIST).
 */
public class JgradWorkload {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: JgradWorkload WORKLOAD DATA EPOCHS");
    }
    String workload = args[0];
    LabeledImages images = SuiteModels.images(args[1], false);
    int epochs = Integer.parseInt(args[2]);
    Dataset train = Dataset.ofImages(images);
    Module model = SuiteModels.model(workload, images);
    Optimizer optimizer = workload.startsWith("mlp")
        ? new Sgd(model.namedParameters(), 0.1)
        : new Adam(model.namedParameters(), 0.001);
    DataLoader loader = DataLoader.builder(train).batchSize(100).seed(0).dropLast(true).build();
    Backend backend = Backends.current();
    backend.synchronize();
    double[] seconds = new double[epochs];
    for (int epoch = 0; epoch < epochs; epoch++) {
      long start = System.nanoTime();
      for (Batch batch : loader.epoch(epoch)) {
        try (batch; TensorScope step = TensorScope.open()) {
          // as the Trainer does: SGD's weight updates inside the backward pass (same bits)
          optimizer.backwardStep(
              Losses.softmaxCrossEntropyLabels(model.forward(batch.inputs()), batch.targets()));
          optimizer.zeroGrad();
        }
      }
      backend.synchronize();
      seconds[epoch] = (System.nanoTime() - start) / 1e9;
    }
    StringJoiner s = new StringJoiner(",");
    Arrays.stream(seconds).forEach(v -> s.add(String.format(java.util.Locale.ROOT, "%.6f", v)));
    System.out.println("SAMPLES_PER_EPOCH " + loader.samplesPerEpoch());
    System.out.println("EPOCH_SECONDS " + s);
    long jitMs = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    System.out.println("JIT_MS " + jitMs);
    System.out.println("NAME jgrad (" + backend.name() + ", " + Runtime.version() + ")");
  }
}
