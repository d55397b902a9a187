package dev.jgrad.examples.mnist;

import dev.jgrad.nn.Activation;
import dev.jgrad.nn.HiddenActivation;
import dev.jgrad.onnx.OnnxExporter;
import dev.jgrad.optim.OptimizerKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The main job's command line as picocli sees it: one typed field per option, each value checked
 * by its converter, so a bad one fails naming the option, the value and what is allowed.
 * Defaults that depend on {@code --model} (epochs, optimizer, learning rate, hidden size) stay
 * null here; {@link MnistOptions#parse} settles them and checks the options against each other.
 */
@Command(name = "jgrad-mnist", sortOptions = false, usageHelpAutoWidth = true,
    versionProvider = MnistCommand.Version.class,
    subcommands = PredictCommand.class,
    customSynopsis = "java -jar examples/mnist/target/jgrad-mnist.jar [OPTIONS]",
    description = {"", "Trains an MLP or a CNN on MNIST (by default the embedded 8,000/2,000-image"
        + " subset) or Fashion-MNIST and writes a chart, a CSV of the metrics and a checkpoint.",
        "'predict --model FILE IMAGE.png...' classifies PNG digits with such a checkpoint"
            + " ('predict --help' says more).", ""},
    optionListHeading = "Options:%n",
    commandListHeading = "%nCommands:%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:the data or a checkpoint cannot be read, --out cannot be written or is in use by"
            + " another run, or the model does not fit",
        "2:a bad command line (the first line says which option and why)"},
    footer = {"", "Backend: -Djgrad.backend=cpu|cuda before -jar (default: the best available).%n"})
final class MnistCommand {
  @Option(names = "--model", paramLabel = "NAME", converter = ModelConverter.class,
      completionCandidates = ModelNames.class,
      description = {"${COMPLETION-CANDIDATES} (default mlp). cnn: the book's SimpleConvNet,"
          + " conv 30 5x5, relu, 2x2 max pool, affine --hidden (100), relu, affine 10. deep: its"
          + " DeepConvNet, 3x (conv 3x3, relu, conv 3x3, relu, 2x2 max pool) with 16, 32, 64"
          + " filters, affine --hidden (" + MnistOptions.DEFAULT_DEEP_HIDDEN + "), relu, dropout"
          + " 0.5, affine 10, dropout 0.5. cnn and deep default to adam lr "
          + MnistOptions.DEFAULT_CNN_ADAM_LR + " and " + MnistOptions.DEFAULT_CNN_EPOCHS
          + " epochs"})
  ModelKind model = ModelKind.MLP;

  @Option(names = "--epochs", paramLabel = "N", converter = PositiveInt.class,
      description = "passes over the training set (default " + MnistOptions.DEFAULT_EPOCHS
          + ", cnn and deep " + MnistOptions.DEFAULT_CNN_EPOCHS + ")")
  Integer epochs;

  @Option(names = "--batch", paramLabel = "N", converter = PositiveInt.class,
      description = "mini-batch size (default ${DEFAULT-VALUE})")
  int batch = MnistOptions.DEFAULT_BATCH;

  @Option(names = "--lr", paramLabel = "X", converter = PositiveNumber.class,
      description = "learning rate (default: per optimizer, sgd 0.5, momentum 0.05, adagrad 0.05,"
          + " rmsprop 0.001, adam 0.002, adamw 0.002, adadelta 1.0, torch-adam 0.002; cnn and deep"
          + " with adam or torch-adam " + MnistOptions.DEFAULT_CNN_ADAM_LR + ")")
  Double lr;

  @Option(names = "--schedule", paramLabel = "NAME", converter = ScheduleConverter.class,
      description = "how the learning rate moves per epoch: " + ScheduleChoice.USAGE
          + "; cosine goes along half a cosine to near 0 at the last epoch (default constant)")
  ScheduleChoice schedule = ScheduleChoice.CONSTANT;

  @Option(names = "--weight-decay", paramLabel = "L", converter = NonNegativeNumber.class,
      description = "L2 weight decay: adds L * W to each gradient (adamw: decoupled, its default"
          + " 0.01); default 0")
  Double weightDecay;

  @Option(names = "--hidden", paramLabel = "N[,N...]", converter = SizesConverter.class,
      description = "hidden layer sizes (default " + MnistOptions.DEFAULT_HIDDEN
          + ", deep " + MnistOptions.DEFAULT_DEEP_HIDDEN + "; cnn and deep: one size)")
  LayerSizes hidden;

  @Option(names = "--optimizer", paramLabel = "NAME", converter = OptimizerConverter.class,
      completionCandidates = OptimizerNames.class,
      description = "${COMPLETION-CANDIDATES} (default sgd, cnn and deep adam)")
  OptimizerKind optimizer;

  @Option(names = "--activation", paramLabel = "NAME", converter = ActivationConverter.class,
      completionCandidates = ActivationNames.class,
      description = "${COMPLETION-CANDIDATES} (default relu), or a plugin op on the classpath,"
          + " e.g. swish (the op swish::swish); mlp only")
  HiddenActivation activation;

  @Option(names = "--seed", paramLabel = "N", converter = WholeNumber.class,
      description = "seed of the weights and the shuffling (default ${DEFAULT-VALUE})")
  long seed = MnistOptions.DEFAULT_SEED;

  @Option(names = {"--dataset", "--data"}, paramLabel = "NAME|DIR",
      converter = DataSourceConverter.class,
      description = {DataSource.EMBEDDED_NAME + " (default): the 8,000/2,000-image MNIST subset"
          + " in the jar; " + DataSource.FASHION_NAME + ": Fashion-MNIST from "
          + "/usr/share/datasets/fashion-mnist (apt-get install " + DataSource.FASHION_PACKAGE
          + "); or a directory with the four IDX files train-images-idx3-ubyte[.gz],"
          + " train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz],"
          + " t10k-labels-idx1-ubyte[.gz]. --data is the older name"})
  DataSource dataset = DataSource.embedded();

  @Option(names = "--out", paramLabel = "DIR", converter = Folder.class,
      description = "where the chart, CSV and checkpoint go (default ${DEFAULT-VALUE})")
  Path out = MnistOptions.DEFAULT_OUT;

  @Option(names = "--resume", paramLabel = "FILE",
      description = "continue from a checkpoint written by an earlier run; give that run's"
          + " options again (a larger --epochs to train on): one that differs is named in a"
          + " warning")
  Path resume;

  @Option(names = "--overwrite",
      description = "start over in an --out that holds an unfinished run's checkpoint (refused"
          + " without it); an earlier run's checkpoint and best model are kept as *.old either"
          + " way")
  boolean overwrite;

  @Option(names = "--limit", paramLabel = "N", converter = PositiveInt.class,
      description = "use only the first N training images (quick runs)")
  int limit;

  @Option(names = "--augment", paramLabel = "N", converter = NonNegativeInt.class,
      description = "move each training image by a random offset of up to N pixels each way,"
          + " zeros filled in, new every epoch (data augmentation, the book's 8.1.2); the test"
          + " images are left as they are; default 0: none")
  int augment;

  @Option(names = "--rotate", paramLabel = "DEG", converter = NonNegativeNumber.class,
      description = "turn each training image about its centre by a random angle of up to DEG"
          + " degrees either way (0 to 180), nearest pixel, zeros filled in, new every epoch;"
          + " after --augment's shift when both are given; default 0: none")
  double rotate;

  @Option(names = "--validation", paramLabel = "N", converter = NonNegativeInt.class,
      description = "hold out N training images, drawn at random from the seed, as validation"
          + " data: evaluated after every epoch in place of the test set (val_loss, val_accuracy"
          + " in the CSV), the test set only once, at the end (the book's 6.5.1); default 0:"
          + " none, the test set every epoch")
  int validation;

  @Option(names = "--early-stopping", paramLabel = "P", converter = PositiveInt.class,
      description = "with --validation: stop once the validation loss has not improved for P"
          + " epochs, save the best epoch's model to " + MnistTraining.BEST_CHECKPOINT_FILE
          + " and test that one")
  Integer earlyStopping;

  @Option(names = "--export-onnx", paramLabel = "FILE",
      description = "after training, also write the model as ONNX (opset "
          + OnnxExporter.OPSET + "; input [N, pixels] of grey levels / 255, 784 for MNIST; output"
          + " [N, classes] scores) for ONNX Runtime and other runtimes")
  Path exportOnnx;

  @Option(names = "--capture-steps",
      description = "on a GPU, capture the training step as a CUDA graph and replay it: one"
          + " launch per step, the same results; elsewhere the steps run as usual")
  boolean captureSteps;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
  boolean help;

  @Option(names = {"-V", "--version"}, versionHelp = true,
      description = "print the version and exit")
  boolean version;

  /** A command line over a fresh command object, options matched case-sensitively. */
  static CommandLine commandLine() {
    return new CommandLine(new MnistCommand());
  }

  /** The version from the jar's Maven properties; "development build" from class files. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws Exception {
      String version = "development build";
      var props = new java.util.Properties();
      try (var in = MnistCommand.class.getResourceAsStream(
          "/META-INF/maven/dev.jgrad/jgrad-example-mnist/pom.properties")) {
        if (in != null) {
          props.load(in);
          version = props.getProperty("version", version);
        }
      }
      return new String[] {"jgrad-mnist " + version,
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name")
              + ")"};
    }
  }

  // ---- converters: each failure is one line saying what the option accepts ------------------

  static final class ScheduleConverter implements ITypeConverter<ScheduleChoice> {
    @Override
    public ScheduleChoice convert(String value) {
      try {
        return ScheduleChoice.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** A folder's path; an empty one would put the run's files and lock in the working folder. */
  static final class Folder implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      if (value.isBlank()) {
        throw new TypeConversionException("'" + value + "' is not a folder; give one, e.g. "
            + MnistOptions.DEFAULT_OUT + " (or . for the working folder)");
      }
      return Path.of(value);
    }
  }

  static final class PositiveInt implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return wholeNumber(value, 1, "a positive whole number");
    }
  }

  /** {@code value} as an int from {@code min} up, or the failure saying it is not {@code what}. */
  private static int wholeNumber(String value, int min, String what) {
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      n = Long.MIN_VALUE;
    }
    if (n < min || n > Integer.MAX_VALUE) {
      throw new TypeConversionException("'" + value + "' is not " + what);
    }
    return (int) n;
  }

  /** {@code --hidden}'s sizes; one value (not picocli's split) so that "100," is an error. */
  record LayerSizes(List<Integer> sizes) {}

  static final class SizesConverter implements ITypeConverter<LayerSizes> {
    @Override
    public LayerSizes convert(String value) {
      List<Integer> sizes = new ArrayList<>();
      PositiveInt positive = new PositiveInt();
      try {
        for (String part : value.split(",", -1)) {
          sizes.add(positive.convert(part));
        }
      } catch (TypeConversionException e) {
        throw new TypeConversionException("'" + value + "' is not a list of layer sizes separated"
            + " by commas, such as 100 or 64,32");
      }
      return new LayerSizes(List.copyOf(sizes));
    }
  }

  static final class WholeNumber implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not a whole number");
      }
    }
  }

  static final class PositiveNumber implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      double d = number(value);
      if (!(d > 0) || Double.isInfinite(d)) {
        throw new TypeConversionException("'" + value + "' is not a positive number");
      }
      return d;
    }
  }

  static final class NonNegativeInt implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return wholeNumber(value, 0, "a whole number >= 0 (0: none)");
    }
  }

  static final class NonNegativeNumber implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      double d = number(value);
      if (!(d >= 0) || Double.isInfinite(d)) {
        throw new TypeConversionException("'" + value + "' is not a number >= 0 (0: none)");
      }
      return d;
    }
  }

  private static double number(String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is not a number such as 0.1");
    }
  }

  /** A parser of names whose IllegalArgumentException, which says what exists, becomes picocli's. */
  private abstract static class Named<T> implements ITypeConverter<T> {
    private final Function<String, T> parser;

    Named(Function<String, T> parser) {
      this.parser = parser;
    }

    @Override
    public final T convert(String value) {
      try {
        return parser.apply(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class ModelConverter extends Named<ModelKind> {
    ModelConverter() {
      super(ModelKind::parse);
    }
  }

  static final class OptimizerConverter extends Named<OptimizerKind> {
    OptimizerConverter() {
      super(OptimizerKind::parse);
    }
  }

  static final class ActivationConverter extends Named<HiddenActivation> {
    ActivationConverter() {
      super(HiddenActivation::parse);
    }
  }

  static final class DataSourceConverter extends Named<DataSource> {
    DataSourceConverter() {
      super(DataSource::parse);
    }
  }

  // ---- the names help lists ---------------------------------------------------------------

  private static Iterator<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).iterator();
  }

  static final class ModelNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return names(ModelKind.values());
    }
  }

  static final class OptimizerNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(OptimizerKind.values()).map(OptimizerKind::cliName).iterator();
    }
  }

  static final class ActivationNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return names(Activation.values());
    }
  }
}
