package dev.jgrad.snippets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.autograd.GradCheck;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.data.Augmentation;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.io.MnistDataset;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Sequential;
import dev.jgrad.onnx.OnnxExporter;
import dev.jgrad.onnx.OnnxRuntimeCheck;
import dev.jgrad.optim.Adadelta;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.Sgd;
import dev.jgrad.optim.schedule.LearningRateScheduler;
import dev.jgrad.optim.schedule.StepDecay;
import dev.jgrad.nn.Dropout;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.ReLU;
import dev.jgrad.train.Checkpoint;
import dev.jgrad.train.EpochLogger;
import dev.jgrad.train.Model;
import dev.jgrad.train.TorchStateDict;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import dev.jgrad.data.Batch;
import dev.jgrad.data.Normalization;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Unflatten;
import dev.jgrad.io.FilterPicture;
import dev.jgrad.io.ImageFolder;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.data.RandomHorizontalFlip;
import dev.jgrad.data.RandomShift;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import dev.jgrad.data.WeightedRandomSampler;
import dev.jgrad.io.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the examples in the class comments of the main entry points (Tensor, Module, Trainer,
 * OpProvider) and README's marked ones as written, between {@code // snippet:NAME} and
 * {@code // end-snippet}, checks what they compute, and fails when a comment's first
 * {@code <pre>{@code ...}</pre>} block, or README's {@code ```java} block after
 * {@code <!-- snippet:NAME}, and the code here differ (so an example cannot rot: change both
 * together).
 */
class DocSnippetsTest {
  /** Where each snippet's comment lives, from this module's directory (the tests' working one). */
  private static final List<String[]> SOURCES = List.of(
      new String[] {"Tensor", "../autograd/src/main/java/dev/jgrad/autograd/Tensor.java"},
      new String[] {"Module", "src/main/java/dev/jgrad/nn/Module.java"},
      new String[] {"Trainer", "src/main/java/dev/jgrad/train/Trainer.java"},
      new String[] {"OpProvider", "../api/src/main/java/dev/jgrad/api/op/OpProvider.java"},
      new String[] {"OpProvider", "../ARCHITECTURE.md"},
      new String[] {"Readme", "../README.md"},
      new String[] {"ReadmeData", "../README.md"},
      new String[] {"ReadmeImageFolder", "../README.md"},
      new String[] {"ReadmeTabular", "../README.md"},
      new String[] {"ReadmeTorch", "../README.md"},
      new String[] {"ReadmeOnnx", "../README.md"},
      new String[] {"ReadmeServe", "../README.md"},
      new String[] {"ReadmeServeColour", "../README.md"},
      new String[] {"BookWeightDecay", "../docs/book.md"},
      new String[] {"BookConvNet", "../docs/book.md"},
      new String[] {"PytorchMnist", "../docs/pytorch.md"});
  /** The files holding the snippets' code, in the order their pieces join. */
  private static final List<String> CODE = List.of(
      "src/test/java/dev/jgrad/snippets/SwishOps.java",
      "src/test/java/dev/jgrad/snippets/DocSnippetsTest.java");

  @TempDir
  Path outDir;

  @Test
  void tensorExample() {
    // snippet:Tensor
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor w = Tensor.randn(new Random(0), 2, 3).requiresGrad(true);
    Tensor b = Tensor.zeros(3).requiresGrad(true);
    Tensor loss = x.matmul(w).add(b).relu().sum();
    loss.backward();
    float[] dw = w.grad().toFloatArray();
    // end-snippet
    // d sum(relu(x w + b)) / dw[i][j] = sum of x[r][i] over the rows r where (x w + b)[r][j] > 0
    float[] xs = x.toFloatArray();
    float[] ws = w.toFloatArray();
    float[] expected = new float[6];
    for (int r = 0; r < 2; r++) {
      for (int j = 0; j < 3; j++) {
        double pre = xs[2 * r] * ws[j] + xs[2 * r + 1] * ws[3 + j];
        if (pre > 0) {
          expected[j] += xs[2 * r];
          expected[3 + j] += xs[2 * r + 1];
        }
      }
    }
    assertArrayEquals(expected, dw, 1e-6f);
  }

  @Test
  void readmeExample() {
    // snippet:Readme
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor w = Tensor.randn(new Random(0), 2, 3).requiresGrad(true);
    Tensor b = Tensor.zeros(3).requiresGrad(true);
    Tensor t = Tensor.indices(new int[] {2, 0}).oneHot(3);  // INT32 labels, FLOAT32 rows

    Tensor loss = Losses.softmaxCrossEntropy(x.matmul(w).add(b).relu(), t);
    loss.backward();                 // reverse-mode over the recorded graph
    Tensor dW = w.grad();            // dLoss/dW, same shape as w
    // end-snippet
    assertArrayEquals(new int[] {2, 3}, dW.shape().dims());
    assertTrue(loss.item() > 0, loss.toString());
  }

  @Test
  void readmeDataExample() throws IOException {
    Path mnistDir = Path.of("../examples/mnist/src/main/resources/mnist");
    Sequential model = Mlp.builder().input(784).hidden(10).output(10).seed(1).build();
    // snippet:ReadmeData
    MnistDataset mnist = MnistFiles.load(mnistDir);       // e.g. Path.of("data/mnist")
    Dataset trainSet = Dataset.ofImages(mnist.train());   // [8000, 784] in [0, 1]; labels
    Dataset testSet = Dataset.ofImages(mnist.test());
    Tensor scores = model.forward(testSet.modelInputs());  // all 2,000 at once: [2000, 10]
    // end-snippet
    assertEquals(8000, trainSet.size());
    assertArrayEquals(new int[] {2000, 10}, scores.shape().dims());
    float[] first = testSet.gather(Tensor.indices(new int[] {0})).inputs().toFloatArray();
    assertArrayEquals(mnist.test().image(0), first);
  }
  @Test
  void readmeTabular() throws IOException {
    StringBuilder csv = new StringBuilder("age,visits,churned\n");
    for (int i = 0; i < 200; i++) { // 5% churned
      csv.append(20 + i % 50).append(',').append(i % 7).append(',')
          .append(i % 20 == 3 ? 1 : 0).append('\n');
    }
    Path customersCsv = outDir.resolve("customers.csv");
    Files.writeString(customersCsv, csv);
    // snippet:ReadmeTabular
    CsvTable table = CsvTable.read(customersCsv);                // e.g. Path.of("data/customers.csv")
    Dataset all = Dataset.of(table.floats(table.columnsExcept("churned")), table.labels("churned"));
    List<Dataset> parts = all.stratifiedSplit(7, 0.8, 0.2);      // randomSplit(7, 0.8, 0.2) for any
    Tensor x = parts.get(0).inputs();
    double[] means = x.mean(0, false).toDoubleArray();
    double[] stds = x.std(0, false).toDoubleArray();             // PyTorch's unbiased x.std(0)
    Dataset train = parts.get(0).normalized(means, stds);
    Dataset test = parts.get(1).normalized(means, stds);         // the training part's numbers
    DataLoader loader = DataLoader.builder(train).batchSize(64).seed(1)
        .sampler(WeightedRandomSampler.balancingClasses(train.targets())) // optional: oversample
        .dropLast(true).build();    // with BatchNorm: no last batch of one row
    // end-snippet
    assertEquals(160, train.size());
    assertEquals(2, test.targets().toIntArray().length - java.util.Arrays.stream(
        test.targets().toIntArray()).filter(l -> l == 0).count(), "2 of 40 churned");
    assertEquals(2, loader.batchCount());
    float[] standard = train.modelInputs().toFloatArray();
    double sum = 0;
    for (int r = 0; r < 160; r++) {
      sum += standard[2 * r];
    }
    assertEquals(0, sum / 160, 1e-5, "feature 0 centred on the training part");
  }


  @Test
  void readmeImageFolderExample() throws IOException {
    Path imagesDir = outDir.resolve("pets");
    Random random = new Random(9);
    for (int i = 0; i < 8; i++) {   // cats bright, dogs dark: 8x6 RGB PNGs
      writeImage(imagesDir.resolve("cat/" + i + ".png"), random, 160);
      writeImage(imagesDir.resolve("dog/" + i + ".png"), random, 0);
    }
    Path newImage = outDir.resolve("new.png");
    writeImage(newImage, random, 160);
    PrintStream console = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      // snippet:ReadmeImageFolder
      ImageFolder folder = ImageFolder.load(imagesDir);      // e.g. Path.of("data/pets"): cat/, dog/
      Dataset trainSet = Dataset.ofImages(folder.images());  // [n, 3 * rows * cols] in [0, 1]; labels
      LabeledImages im = folder.images();  // RandomHorizontalFlip(), then RandomCrop(padding=1):
      Augmentation flipAndShift = new RandomHorizontalFlip(im.channels(), im.rows(), im.cols())
          .andThen(new RandomShift(im.channels(), im.rows(), im.cols(), 1));
      Sequential net = Mlp.builder().input(folder.images().pixelsPerImage()).hidden(32)
          .output(folder.classes().size()).seed(1).build();
      Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
          .optimizer(new Sgd(net.namedParameters(), 0.1))
          .train(DataLoader.builder(trainSet).batchSize(4).seed(1).augment(flipAndShift).build())
          .epochs(1).build().fit();
      float[] pixels = folder.readImage(newImage);           // read as the folder's images were
      int label = net.eval().forward(Tensor.of(pixels, 1, pixels.length)).argmax(1).toIntArray()[0];
      System.out.println(newImage + ": " + folder.className(label));   // e.g. "new.png: cat"
      // end-snippet
      assertEquals(List.of("cat", "dog"), folder.classes());
      assertEquals(16, trainSet.size());
      assertEquals(3 * 6 * 8, pixels.length);
    } finally {
      System.setOut(console);
    }
    assertEquals(newImage + ": cat", printed.toString(StandardCharsets.UTF_8).strip());
  }

  /** An 8 wide, 6 high RGB PNG of random levels in {@code [lo, lo + 95]}. */
  private static void writeImage(Path file, Random random, int lo) throws IOException {
    BufferedImage image = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 8; x++) {
        image.setRGB(x, y, (lo + random.nextInt(96)) * 0x010101);
      }
    }
    Files.createDirectories(file.getParent());
    assertTrue(ImageIO.write(image, "png", file.toFile()));
  }

  @Test
  void readmeTorchExample() throws IOException {
    Random random = new Random(3);
    Sequential trained = new Sequential(new Linear(6, 4, random), new BatchNorm1d(4), new ReLU(),
        new Linear(4, 2, random));
    trained.forward(Tensor.randn(random, 8, 6)); // moves the running statistics
    trained.eval();
    Path checkpoint = outDir.resolve("checkpoint.safetensors");
    Model.save(checkpoint, trained);
    Path forTorch = outDir.resolve("torch.safetensors");
    Path fromTorch = forTorch;   // a round trip: PyTorch's own files are TorchStateDictTest's
    // snippet:ReadmeTorch
    Module net = Model.load(checkpoint);      // e.g. out/cnn/checkpoint.safetensors
    TorchStateDict.save(forTorch, net);       // e.g. out/cnn/torch.safetensors
    TorchStateDict.load(fromTorch, net);      // what PyTorch's save_file wrote
    // end-snippet
    assertEquals("[2, 4]", SafeTensors.read(forTorch).get("3.weight").shape().toString());
    Tensor x = Tensor.randn(random, 5, 6);
    assertArrayEquals(trained.forward(x).toFloatArray(), net.forward(x).toFloatArray());
  }

  @Test
  void readmeServeExample() throws IOException {
    Sequential trained = Mlp.builder().input(784).hidden(16).output(10).seed(3).build();
    Path modelFile = outDir.resolve("model.safetensors");
    Model.save(modelFile, trained);
    int n = 3;
    float[] pixels = Tensor.uniform(new Random(5), 0, 1, DType.FLOAT32, n, 784).toFloatArray();
    // snippet:ReadmeServe
    Module net = Model.load(modelFile);     // once, at start-up: in evaluation mode
    float[] scores;                         // per request, on any thread: pixels [n * 784] in 0..1
    try (NoGrad noGrad = NoGrad.scope(); TensorScope request = TensorScope.open()) {
      scores = net.forward(request.own(Tensor.of(pixels, n, 784))).toFloatArray();   // [n, 10]
    }
    // end-snippet
    assertArrayEquals(trained.eval().forward(Tensor.of(pixels, n, 784)).toFloatArray(), scores);
  }

  /**
   * Serving a colour model trained on normalised inputs: one new image read without its folder
   * and normalised as the training batches were gives the scores of those batches' values.
   */
  @Test
  void readmeServeColourExample() throws IOException {
    Random random = new Random(9);
    Path imagesDir = outDir.resolve("colour");
    writeImage(imagesDir.resolve("cat/1.png"), random, 0);
    writeImage(imagesDir.resolve("dog/1.png"), random, 160);
    Path file = imagesDir.resolve("dog/1.png");
    double[] means = {0.4914, 0.4822, 0.4465};
    double[] stds = {0.2470, 0.2435, 0.2616};
    Dataset trainSet = Dataset.ofImages(ImageFolder.load(imagesDir).images())
        .normalized(means, stds);
    Sequential trained = Mlp.builder().input(3 * 6 * 8).hidden(8).output(2).seed(3).build();
    Path modelFile = outDir.resolve("colour.safetensors");
    Model.save(modelFile, trained);
    // snippet:ReadmeServeColour
    Module net = Model.load(modelFile);                      // once, at start-up
    Normalization norm = Normalization.of(means, stds);      // the training set's normalized(...)
    ImageFolder.Loader reader = ImageFolder.loader().size(6, 8);   // its rows, cols; RGB
    float[] pixels = reader.readImage(file);                 // per request: [3 * 6 * 8] in 0..1
    float[] scores;
    try (NoGrad noGrad = NoGrad.scope(); TensorScope request = TensorScope.open()) {
      Tensor x = request.own(norm.apply(Tensor.of(pixels, 1, pixels.length)));
      scores = net.forward(x).toFloatArray();                // [1, 2]
    }
    // end-snippet
    try (Batch batch = trainSet.gather(Tensor.indices(new int[] {1}))) {
      assertArrayEquals(trained.eval().forward(batch.inputs()).toFloatArray(), scores);
    }
  }

  /** The README's custom layer for ONNX export: {@code y = x * factor}. */
  static final class Scale extends Module {
    private final Tensor factor;

    Scale(int features) {
      factor = registerParameter("factor", Tensor.full(1.5, DType.FLOAT32, features));
    }

    Tensor factor() {
      return factor;
    }

    @Override
    public Tensor forward(Tensor x) {
      return x.mul(factor);
    }
  }

  @Test
  void readmeOnnxExample() throws IOException, OrtException {
    Sequential model = new Sequential(new Linear(784, 10, new Random(4)), new Scale(10));
    Path file = outDir.resolve("model.onnx");
    // snippet:ReadmeOnnx
    // Scale, a custom Module: y = x * factor, its learned [features] tensor
    OnnxExporter.builder()
        .lower(Scale.class, (layer, onnx) -> onnx.node("Mul",
            List.of(onnx.input(), onnx.initializer("factor", layer.factor())),   // "1.factor"
            onnx.name("out")).output())
        .export(model, new int[] {784}, file);   // e.g. Path.of("model.onnx")
    // end-snippet
    OnnxRuntimeCheck.assertFileMatches(file, model,
        Tensor.uniform(new Random(5), 0, 1, DType.FLOAT32, 2, 784));
    String names = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertTrue(names.contains("1.factor"), "the initializer's name");
  }

  @Test
  void moduleExample() {
    // snippet:Module
    final class TwoLayerNet extends Module {
      private final Linear fc1;
      private final Linear fc2;

      TwoLayerNet(Random random) {
        fc1 = registerModule("fc1", new Linear(784, 50, Init.he(), random));
        fc2 = registerModule("fc2", new Linear(50, 10, Init.xavier(), random));
      }

      @Override
      public Tensor forward(Tensor x) {
        return fc2.forward(fc1.forward(x).relu());
      }
    }
    Set<String> names = new TwoLayerNet(new Random(42)).namedParameters().keySet();
    // [fc1.weight, fc1.bias, fc2.weight, fc2.bias]
    // end-snippet
    assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), List.copyOf(names));
    int[] out = new TwoLayerNet(new Random(42)).forward(Tensor.zeros(3, 784)).shape().dims();
    assertArrayEquals(new int[] {3, 10}, out);
  }

  @Test
  void trainerExample() throws IOException {
    Dataset trainSet = randomImages(200, 1);
    Dataset testSet = randomImages(100, 2);
    // snippet:Trainer
    // trainSet, testSet: images [n, 784] and INT32 labels [n], e.g. Dataset.ofImages(...)
    // outDir: a directory of this run's own, e.g. Path.of("out/mnist")
    Sequential model = Mlp.builder().input(784).hidden(100).output(10).seed(42).build();
    Trainer trainer = Trainer.builder()
        .model(model)
        .loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Sgd(model.namedParameters(), 0.1))
        .train(DataLoader.builder(trainSet).batchSize(100).seed(42).build())
        .test(testSet)
        .epochs(10)
        .reportTo(outDir, "MNIST 784-100-10")   // outDir/metrics.csv, outDir/training.png
        .checkpointTo(outDir.resolve("checkpoint.safetensors"))
        .listener(new EpochLogger())
        .build();
    MetricsHistory history = trainer.fit();   // one EpochMetrics per epoch
    // end-snippet
    assertEquals(10, history.size());
    // 200 samples of noise, 784 features each: an MLP fits its training set within 10 epochs
    assertTrue(history.epochs().get(9).trainLoss() < history.epochs().get(0).trainLoss(),
        history.epochs().toString());
    assertTrue(Files.size(outDir.resolve(Trainer.CSV_FILE)) > 0);
    assertTrue(Files.size(outDir.resolve(Trainer.CHART_FILE)) > 0);
    assertEquals(10, Checkpoint.load(outDir.resolve("checkpoint.safetensors")).epoch());
  }

  @Test
  void opProviderExample() {
    Tensor x = Tensor.of(new double[] {-1, 0, 2}, DType.FLOAT64, 3);
    // snippet:OpProvider
    // with the class listed in META-INF/services/dev.jgrad.api.op.OpProvider:
    Tensor y = Ops.call("acme::swish", Attrs.of("beta", 1.0), x);
    // end-snippet
    double[] ys = y.toDoubleArray();
    double[] xs = {-1, 0, 2};
    for (int i = 0; i < 3; i++) {
      assertEquals(xs[i] / (1 + Math.exp(-xs[i])), ys[i], 1e-12);
    }
    GradCheck.Result r = GradCheck.gradCheck(
        in -> Ops.call("acme::swish", Attrs.of("beta", 1.5), in.get(0)),
        List.of(Tensor.of(new double[] {-1.3, 0.2, 0.7, 2.1}, DType.FLOAT64, 4)));
    assertTrue(r.passed(), r.toString());
  }

  @Test
  void bookWeightDecayExample() {
    double lambda = 0.1;
    Sequential net = Mlp.builder().input(4).hidden(3).output(2).seed(5).build();
    Dataset data = Dataset.of(Tensor.of(new float[] {1, 2, 3, 4, -1, 0, 2, 1}, 2, 4),
        Tensor.indices(new int[] {1, 0}));
    Batch batch = data.gather(Tensor.indices(new int[] {0, 1}));
    Losses.softmaxCrossEntropyLabels(net.forward(batch.inputs()), batch.targets()).backward();
    Map<String, float[]> plain = new LinkedHashMap<>();
    net.namedParameters().forEach((name, p) -> plain.put(name, p.grad().toFloatArray()));
    net.zeroGrad();
    // snippet:BookWeightDecay
    Tensor loss = Losses.softmaxCrossEntropyLabels(net.forward(batch.inputs()), batch.targets());
    for (Map.Entry<String, Tensor> p : net.namedParameters().entrySet()) {
      if (p.getKey().endsWith("weight")) {   // the book decays each W, never a bias
        loss = loss.add(p.getValue().mul(p.getValue()).sum().mul(0.5 * lambda));
      }
    }
    loss.backward();                         // each W's gradient gains lambda * W
    // end-snippet
    net.namedParameters().forEach((name, p) -> {
      float[] expected = plain.get(name).clone();
      float[] w = p.toFloatArray();
      for (int i = 0; i < expected.length; i++) {
        expected[i] += name.endsWith("weight") ? (float) (lambda * w[i]) : 0;
      }
      assertArrayEquals(expected, p.grad().toFloatArray(), 1e-6f, name);
    });
  }

  @Test
  void bookConvNetExample() throws IOException {
    Path pictureFile = outDir.resolve("filters.png");
    // snippet:BookConvNet
    Random random = new Random(42);
    Conv2d conv = new Conv2d(1, 30, 5, 1, 0, Init.normal(0.01), random);   // [30, 1, 5, 5]
    Sequential simpleConvNet = new Sequential(new Unflatten(1, 28, 28),   // rows [N, 784] as images
        conv, new ReLU(), new MaxPool2d(2, 2, 0), new Flatten(),           // [N, 30 * 12 * 12]
        new Linear(30 * 12 * 12, 100, Init.normal(0.01), random), new ReLU(),
        new Linear(100, 10, Init.normal(0.01), random));
    FilterPicture.write(conv.weight(), pictureFile);   // e.g. Path.of("filters.png")
    // end-snippet
    assertArrayEquals(new int[] {2, 10},
        simpleConvNet.forward(Tensor.zeros(2, 784)).shape().dims());
    assertArrayEquals(new int[] {30, 1, 5, 5}, conv.weight().shape().dims());
    assertEquals(6 * (40 + 4) + 4, ImageIO.read(pictureFile.toFile()).getWidth());
    // the summary table book.md shows for this network, as ModelSummary prints it
    String book = Files.readString(Path.of("../docs/book.md"));
    int from = book.indexOf("```\nlayer  type") + 4;
    assertTrue(from > 4, "book.md shows SimpleConvNet's summary");
    assertEquals(book.substring(from, book.indexOf("\n```", from)),
        dev.jgrad.nn.ModelSummary.of(simpleConvNet, 784).toString());
  }

  /**
   * docs/pytorch.md's port of pytorch/examples' mnist/main.py, as written, on part of the
   * embedded MNIST subset: it learns, logs as the original does, and saves a state dict in
   * PyTorch's layout.
   */
  @Test
  void pytorchMnistExample() throws IOException {
    Path mnistDir = Path.of("../examples/mnist/src/main/resources/mnist");
    int epochs = 1;
    int limit = 1280;   // images to train on; a test set of limit / 4
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out = new java.io.PrintStream(printed, true, StandardCharsets.UTF_8);
    Path stateDict = outDir.resolve("mnist_cnn.safetensors");
    // snippet:PytorchMnist
    final class Net extends Module {
      final Conv2d conv1, conv2;
      final Dropout dropout1, dropout2;
      final Linear fc1, fc2;
      final MaxPool2d maxPool = new MaxPool2d(2, 2, 0);   // F.max_pool2d(x, 2)

      Net(Random random) {
        conv1 = registerModule("conv1", new Conv2d(1, 32, 3, 1, 0, random));
        conv2 = registerModule("conv2", new Conv2d(32, 64, 3, 1, 0, random));
        dropout1 = registerModule("dropout1", new Dropout(0.25, random));
        dropout2 = registerModule("dropout2", new Dropout(0.5, random));
        fc1 = registerModule("fc1", new Linear(9216, 128, random));
        fc2 = registerModule("fc2", new Linear(128, 10, random));
      }

      @Override
      public Tensor forward(Tensor x) {
        x = x.reshape(-1, 1, 28, 28);          // the data set's rows [N, 784] as images
        x = conv1.forward(x).relu();
        x = conv2.forward(x).relu();
        x = maxPool.forward(x);
        x = dropout1.forward(x);
        x = x.reshape(x.shape().dim(0), -1);   // torch.flatten(x, 1)
        x = fc1.forward(x).relu();
        x = dropout2.forward(x);
        x = fc2.forward(x);
        return x.logSoftmax(1);
      }
    }

    Random random = new Random(1);   // torch.manual_seed(1)
    MnistDataset mnist = MnistFiles.load(mnistDir);   // four IDX files; grey levels / 255
    Dataset train = Dataset.ofImages(mnist.train()).head(limit)
        .normalized(0.1307, 0.3081);   // transforms.Normalize((0.1307,), (0.3081,)), per batch
    Dataset test = Dataset.ofImages(mnist.test()).head(limit / 4).normalized(0.1307, 0.3081);
    DataLoader trainLoader = DataLoader.builder(train).batchSize(64).seed(1).build();
    DataLoader testLoader = DataLoader.builder(test).batchSize(1000).shuffle(false).build();

    Net model = new Net(random);
    Optimizer optimizer = new Adadelta(model.namedParameters(), 1.0);
    LearningRateScheduler scheduler = new LearningRateScheduler(optimizer, new StepDecay(1, 0.7));
    for (int epoch = 1; epoch <= epochs; epoch++) {
      model.train();
      int batchIdx = 0;
      for (Batch batch : trainLoader.epoch(epoch - 1)) {   // shuffled from the seed, per epoch
        try (batch; TensorScope step = TensorScope.open()) {   // frees the step's buffers
          optimizer.zeroGrad();
          Tensor output = model.forward(batch.inputs());
          Tensor loss = Losses.nllLoss(output, batch.targets());
          loss.backward();
          optimizer.step();
          if (batchIdx % 10 == 0) {
            out.printf("Train Epoch: %d [%d/%d (%.0f%%)]\tLoss: %.6f%n", epoch,
                batchIdx * 64, train.size(), 100.0 * batchIdx / trainLoader.batchCount(),
                loss.item());
          }
          batchIdx++;
        }
      }
      model.eval();
      double testLoss = 0;
      long correct = 0;
      try (NoGrad noGrad = NoGrad.scope()) {   // with torch.no_grad()
        for (Batch batch : testLoader.epoch(0)) {
          try (batch; TensorScope step = TensorScope.open()) {
            Tensor output = model.forward(batch.inputs());
            testLoss += Losses.nllLossSum(output, batch.targets()).item();
            correct += (long) output.argmax(1).eq(batch.targets()).sum().item();
          }
        }
      }
      testLoss /= test.size();
      out.printf("%nTest set: Average loss: %.4f, Accuracy: %d/%d (%.0f%%)%n%n", testLoss,
          correct, test.size(), 100.0 * correct / test.size());
      scheduler.apply(epoch);   // scheduler.step(): the rate of epoch `epoch`, 1.0 * 0.7^epoch
    }
    TorchStateDict.save(stateDict, model);   // torch.save(model.state_dict(), "mnist_cnn.pt")
    // end-snippet
    String log = printed.toString(StandardCharsets.UTF_8);
    assertTrue(log.startsWith("Train Epoch: 1 [0/1280 (0%)]\tLoss: 2."), log);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "Test set: Average loss: ([0-9.]+), Accuracy: (\\d+)/320").matcher(log);
    assertTrue(m.find(), log);
    assertTrue(Double.parseDouble(m.group(1)) < 1.0 && Integer.parseInt(m.group(2)) > 240, log);
    assertEquals(0.7, optimizer.learningRate(), 1e-12);
    Map<String, String> shapes = new LinkedHashMap<>();
    dev.jgrad.io.SafeTensorsFile saved = SafeTensors.read(stateDict);
    saved.names().forEach(n -> shapes.put(n, saved.get(n).shape().toString()));
    assertEquals("{conv1.bias=[32], conv1.weight=[32, 1, 3, 3], conv2.bias=[64], conv2.weight="
        + "[64, 32, 3, 3], fc1.bias=[128], fc1.weight=[128, 9216], fc2.bias=[10], fc2.weight="
        + "[10, 128]}", shapes.toString());   // PyTorch's layouts
  }

  @Test
  void everyExampleIsTheCodeItsCommentShows() throws IOException {
    for (String[] source : SOURCES) {
      List<String> shown = source[1].endsWith(".md")
          ? markdownBlock(Path.of(source[1]), source[0]) : firstCodeBlock(Path.of(source[1]));
      List<String> run = snippet(source[0]);
      assertFalse(run.isEmpty(), "no // snippet:" + source[0] + " in " + CODE);
      assertEquals(String.join("\n", shown), String.join("\n", run), source[1]
          + ": the class comment's example and the code DocSnippetsTest runs differ; change both");
    }
  }

  private static Dataset randomImages(int n, long seed) {
    Random random = new Random(seed);
    float[] pixels = new float[n * 784];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat();
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(10);
    }
    return Dataset.of(Tensor.of(pixels, n, 784), Tensor.indices(labels));
  }

  /** The lines of the first {@code <pre>{@code ...}</pre>} block, without the comment's stars. */
  private static List<String> firstCodeBlock(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : Files.readAllLines(file)) {
      String text = line.replaceFirst("^\\s*\\* ?", "");
      if (in && text.strip().equals("}</pre>")) {
        return dedent(out);
      }
      if (in) {
        out.add(text);
      }
      in |= text.strip().equals("<pre>{@code");
    }
    throw new AssertionError(file + " has no <pre>{@code ... }</pre> block");
  }

  /** The lines of the {@code ```java} block after the line {@code <!-- snippet:NAME ...}. */
  private static List<String> markdownBlock(Path file, String name) throws IOException {
    List<String> out = new ArrayList<>();
    boolean marked = false;
    boolean in = false;
    for (String line : Files.readAllLines(file)) {
      if (in && line.equals("```")) {
        return out;
      }
      if (in) {
        out.add(line.stripTrailing());
      }
      in |= marked && line.equals("```java");
      marked |= line.startsWith("<!-- snippet:" + name + " ");
    }
    throw new AssertionError(file + " has no ```java block after <!-- snippet:" + name);
  }

  /** The code between every {@code // snippet:NAME} and {@code // end-snippet}, joined. */
  private static List<String> snippet(String name) throws IOException {
    List<String> out = new ArrayList<>();
    for (String f : CODE) {
      List<String> piece = new ArrayList<>();
      boolean in = false;
      for (String line : Files.readAllLines(Path.of(f))) {
        if (line.strip().equals("// end-snippet")) {
          in = false;
          out.addAll(dedent(piece));
          piece.clear();
        }
        if (in) {
          piece.add(line);
        }
        in |= line.strip().startsWith("// snippet:" + name + " ") || line.strip()
            .equals("// snippet:" + name);
      }
    }
    return out;
  }

  private static List<String> dedent(List<String> lines) {
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.isBlank() ? "" : l.substring(indent).stripTrailing());
    }
    return out;
  }
}
