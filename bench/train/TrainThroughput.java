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
import java.util.Arrays;

/**
 * jgrad's side of the training-throughput benchmark: the 784-100-10 ReLU MLP, batch 100, SGD with
 * learning rate 0.1, on the embedded 8,000-image MNIST training split, shuffled and partitioned
 * every epoch: the same work as numpy_twolayer.py and torch_mlp.py beside it. Run by run.sh.
 *
 *   java -cp examples/mnist/target/jgrad-mnist.jar bench/train/TrainThroughput.java [EPOCHS] [WARMUP]
 */
public class TrainThroughput {
  public static void main(String[] args) throws Exception {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    if (warmup < 0 || warmup >= epochs) {
      throw new IllegalArgumentException("need 0 <= WARMUP < EPOCHS, got " + warmup + ", " + epochs);
    }
    LabeledImages images = MnistFiles.loadResources("/mnist/").train();
    Tensor x = Tensor.of(images.images(), images.size(), images.pixelsPerImage());
    Dataset train = Dataset.of(x, Tensor.indices(images.labels(), x.dtype()));
    Sequential model = Mlp.builder().input(784).hidden(100).output(10)
        .activation(Activation.RELU).seed(0).build();
    Sgd sgd = new Sgd(model.namedParameters(), 0.1);
    DataLoader loader = DataLoader.builder(train).batchSize(100).seed(0).dropLast(true).build();
    double[] seconds = new double[epochs];
    for (int epoch = 0; epoch < epochs; epoch++) {
      long start = System.nanoTime();
      for (Batch b : loader.epoch(epoch)) {
        try (TensorScope step = TensorScope.open()) {
          Losses.softmaxCrossEntropyLabels(model.forward(b.inputs()), b.targets()).backward();
          sgd.step();
          sgd.zeroGrad();
        }
      }
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
  }
}
