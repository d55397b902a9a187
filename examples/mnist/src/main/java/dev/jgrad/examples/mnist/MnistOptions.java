package dev.jgrad.examples.mnist;

import dev.jgrad.nn.Activation;
import dev.jgrad.nn.HiddenActivation;
import dev.jgrad.optim.OptimizerKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The command line of {@link MnistMain}, parsed and checked. Unset options keep the defaults that
 * reach the main job's target (>= 93% test accuracy on the embedded subset within a minute on two
 * CPU cores).
 *
 * <pre>{@code
 * MnistOptions o = MnistOptions.parse("--epochs", "5", "--optimizer", "adam");
 * o.learningRate();   // 0.001, Adam's default, since --lr was not given
 * }</pre>
 */
public record MnistOptions(ModelKind model, int epochs, int batchSize, double learningRate,
    List<Integer> hidden, OptimizerKind optimizer, HiddenActivation activation, long seed,
    Path data, Path out, Path resume, int limit, boolean help) {

  public static final int DEFAULT_EPOCHS = 30;
  /** Epochs of {@code --model cnn} (97% target) and {@code deep} (docs/benchmarks.md). */
  public static final int DEFAULT_CNN_EPOCHS = 20;
  /** Adam's step for {@code --model cnn|deep}: the book's and the PyTorch runs' 0.001. */
  public static final double DEFAULT_CNN_ADAM_LR = 0.001;
  public static final int DEFAULT_BATCH = 100;
  public static final int DEFAULT_HIDDEN = 100;
  /** The affine layer of {@code --model deep}: the book's 50. */
  public static final int DEFAULT_DEEP_HIDDEN = 50;
  public static final long DEFAULT_SEED = 42;
  public static final Path DEFAULT_OUT = Path.of("out", "mnist");

  public static final String USAGE = String.join("\n",
      "Usage: java -jar examples/mnist/target/jgrad-mnist.jar [options]",
      "",
      "Trains an MLP or a CNN on MNIST (by default the embedded 8,000/2,000-image subset) and",
      "writes a chart, a CSV of the metrics and a checkpoint.",
      "",
      "Options:",
      "  --model NAME        mlp (default), cnn: the book's SimpleConvNet, conv 30 5x5, relu,",
      "                      2x2 max pool, affine --hidden (100), relu, affine 10; or deep: its",
      "                      DeepConvNet, 3x (conv 3x3, relu, conv 3x3, relu, 2x2 max pool) with",
      "                      16, 32, 64 filters, affine --hidden (" + DEFAULT_DEEP_HIDDEN
          + "), relu, dropout 0.5,",
      "                      affine 10, dropout 0.5; cnn and deep default to adam lr "
          + DEFAULT_CNN_ADAM_LR,
      "                      and " + DEFAULT_CNN_EPOCHS + " epochs",
      "  --epochs N          passes over the training set (default " + DEFAULT_EPOCHS
          + ", cnn and deep " + DEFAULT_CNN_EPOCHS + ")",
      "  --batch N           mini-batch size (default " + DEFAULT_BATCH + ")",
      "  --lr X              learning rate (default: per optimizer, sgd "
          + OptimizerKind.SGD.defaultLearningRate() + ", adam "
          + OptimizerKind.ADAM.defaultLearningRate() + ")",
      "  --hidden N[,N...]   hidden layer sizes (default " + DEFAULT_HIDDEN
          + "; cnn, deep: one size)",
      "  --optimizer NAME    " + names(OptimizerKind.values()) + " (default sgd, cnn and deep adam)",
      "  --activation NAME   " + names(Activation.values()) + " (default relu), or a plugin",
      "                      op on the classpath, e.g. swish (the op swish::swish); mlp only",
      "  --seed N            seed of the weights and the shuffling (default " + DEFAULT_SEED + ")",
      "  --data DIR          train on the four IDX files in DIR (train-images-idx3-ubyte[.gz],",
      "                      train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz],",
      "                      t10k-labels-idx1-ubyte[.gz]) instead of the embedded subset",
      "  --out DIR           where the chart, CSV and checkpoint go (default "
          + DEFAULT_OUT + ")",
      "  --resume FILE       continue from a checkpoint written by an earlier run",
      "  --limit N           use only the first N training images (quick runs)",
      "  --help              print this help",
      "",
      "Backend: -Djgrad.backend=cpu|cuda before -jar (default: the best available).");

  private static String names(Enum<?>[] values) {
    List<String> names = new ArrayList<>();
    for (Enum<?> v : values) {
      names.add(v.name().toLowerCase(Locale.ROOT));
    }
    return String.join("|", names);
  }

  /** Parses {@code args}; a {@link UsageException} says which argument is wrong and why. */
  public static MnistOptions parse(String... args) throws UsageException {
    ModelKind model = ModelKind.MLP;
    Integer epochs = null;
    int batch = DEFAULT_BATCH;
    Double lr = null;
    List<Integer> hidden = null;
    OptimizerKind optimizer = null;
    HiddenActivation activation = null;
    long seed = DEFAULT_SEED;
    Path data = null;
    Path out = DEFAULT_OUT;
    Path resume = null;
    int limit = 0;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) { // --epochs=5 works as well as --epochs 5
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (name.equals("--help") || name.equals("-h")) {
        help = true;
        continue;
      }
      if (!isKnown(name)) {
        throw new UsageException("unknown option '" + arg + "'" + (arg.startsWith("-") ? ""
            : " (options start with --)"));
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("option " + name + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "--model":
          model = parseName(name, value, ModelKind::parse);
          break;
        case "--epochs":
          epochs = positiveInt(name, value);
          break;
        case "--batch":
          batch = positiveInt(name, value);
          break;
        case "--lr":
          lr = positiveDouble(name, value);
          break;
        case "--hidden":
          hidden = sizes(name, value);
          break;
        case "--optimizer":
          optimizer = parseName(name, value, OptimizerKind::parse);
          break;
        case "--activation":
          activation = parseName(name, value, HiddenActivation::parse);
          break;
        case "--seed":
          seed = longValue(name, value);
          break;
        case "--data":
          data = Path.of(value);
          break;
        case "--out":
          out = Path.of(value);
          break;
        case "--resume":
          resume = Path.of(value);
          break;
        default: // --limit
          limit = positiveInt(name, value);
      }
    }
    boolean cnn = model.convolutional();
    if (hidden == null) {
      hidden = List.of(model == ModelKind.DEEP ? DEFAULT_DEEP_HIDDEN : DEFAULT_HIDDEN);
    }
    if (cnn && hidden.size() != 1) {
      throw new UsageException("--hidden: --model " + model.cliName() + " has one hidden affine "
          + "layer; give one size, got " + hidden);
    }
    if (cnn && activation != null && activation != Activation.RELU) {
      throw new UsageException("--activation applies to --model mlp; the " + model.cliName()
          + " uses relu");
    }
    if (optimizer == null) {
      optimizer = cnn ? OptimizerKind.ADAM : OptimizerKind.SGD;
    }
    double learningRate = lr != null ? lr : cnn && optimizer == OptimizerKind.ADAM
        ? DEFAULT_CNN_ADAM_LR : optimizer.defaultLearningRate();
    return new MnistOptions(model, epochs != null ? epochs : cnn ? DEFAULT_CNN_EPOCHS
        : DEFAULT_EPOCHS, batch, learningRate, hidden, optimizer,
        activation != null ? activation : Activation.RELU, seed, data, out, resume, limit, help);
  }

  private static final List<String> OPTIONS = List.of("--model", "--epochs", "--batch", "--lr",
      "--hidden", "--optimizer", "--activation", "--seed", "--data", "--out", "--resume", "--limit");

  private static boolean isKnown(String name) {
    return OPTIONS.contains(name);
  }

  private static <T> T parseName(String option, String value, Function<String, T> parser)
      throws UsageException {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  private static int positiveInt(String option, String value) throws UsageException {
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n <= 0 || n > Integer.MAX_VALUE) {
      throw new UsageException(option + " must be a positive whole number, got '" + value + "'");
    }
    return (int) n;
  }

  private static long longValue(String option, String value) throws UsageException {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a whole number, got '" + value + "'");
    }
  }

  private static double positiveDouble(String option, String value) throws UsageException {
    double d;
    try {
      d = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a number such as 0.1, got '" + value + "'");
    }
    if (!(d > 0) || Double.isInfinite(d)) {
      throw new UsageException(option + " must be a positive number, got '" + value + "'");
    }
    return d;
  }

  private static List<Integer> sizes(String option, String value) throws UsageException {
    List<Integer> sizes = new ArrayList<>();
    try {
      for (String part : value.split(",", -1)) {
        sizes.add(positiveInt(option, part));
      }
    } catch (UsageException e) {
      throw new UsageException(option + " takes layer sizes separated by commas, e.g. 100 or"
          + " 64,32; got '" + value + "'");
    }
    return List.copyOf(sizes);
  }

  @Override
  public String toString() {
    return "model " + model.cliName() + ", epochs " + epochs + ", batch " + batchSize + ", lr "
        + learningRate + ", hidden "
        + hidden + ", optimizer " + optimizer.cliName() + ", activation " + activation.cliName()
        + ", seed " + seed + (data == null ? ", embedded data" : ", data " + data)
        + (limit > 0 ? ", first " + limit + " training images" : "") + ", out " + out
        + (resume == null ? "" : ", resume " + resume);
  }

}
