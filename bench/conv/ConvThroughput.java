import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.data.Batch;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.examples.mnist.SimpleConvNet;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.optim.Adam;
import java.util.Arrays;

/**
 * jgrad's side of the SimpleConvNet training benchmark: conv 30 5x5, ReLU, 2x2 max pool, affine
 * 100, ReLU, affine 10; batch 100, Adam lr 0.001, on the embedded 8,000-image MNIST training
 * split, shuffled every epoch: the same work as torch_convnet.py beside it. Run by run.sh.
 *
 *   java -cp examples/mnist/target/jgrad-mnist.jar:CLASSES ConvThroughput [EPOCHS] [WARMUP]
 *
 * Prints the best and median samples/s over the epochs after WARMUP, and the whole run's.
 */
public class ConvThroughput {
  public static void main(String[] args) throws Exception {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    if (warmup < 0 || warmup >= epochs) {
      throw new IllegalArgumentException("need 0 <= WARMUP < EPOCHS, got " + warmup + ", " + epochs);
    }
    LabeledImages images = MnistFiles.loadResources("/mnist/").train();
    Tensor x = Tensor.of(images.images(), images.size(), images.pixelsPerImage());
    Dataset train = Dataset.of(x, Tensor.indices(images.labels()));
    SimpleConvNet model = new SimpleConvNet(images.rows(), images.cols(), 100, 10, 0);
    Adam adam = new Adam(model.namedParameters(), 0.001);
    DataLoader loader = DataLoader.builder(train).batchSize(100).seed(0).dropLast(true).build();
    double[] seconds = new double[epochs];
    Backend backend = Backends.current();
    backend.synchronize();
    for (int epoch = 0; epoch < epochs; epoch++) {
      long start = System.nanoTime();
      for (Batch b : loader.epoch(epoch)) {
        try (b; TensorScope step = TensorScope.open()) {
          Losses.softmaxCrossEntropyLabels(model.forward(b.inputs()), b.targets()).backward();
          adam.step();
          adam.zeroGrad();
        }
      }
      backend.synchronize();
      seconds[epoch] = (System.nanoTime() - start) / 1e9;
    }
    double[] rates = Arrays.stream(seconds, warmup, epochs).map(s -> loader.samplesPerEpoch() / s)
        .sorted().toArray();
    double whole = (double) loader.samplesPerEpoch() * epochs / Arrays.stream(seconds).sum();
    System.out.printf("jgrad (%s backend): best %,.0f samples/s, median %,.0f samples/s over "
        + "epochs %d-%d; whole run %,.0f samples/s; first epoch %,.0f samples/s%n",
        backend.name(), rates[rates.length - 1], rates[rates.length / 2], warmup + 1, epochs,
        whole, loader.samplesPerEpoch() / seconds[0]);
  }
}
