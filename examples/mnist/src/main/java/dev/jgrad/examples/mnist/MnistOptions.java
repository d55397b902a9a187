package dev.jgrad.examples.mnist;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Activation;
import dev.jgrad.nn.HiddenActivation;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.OptimizerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The command line of {@link MnistMain}, parsed by picocli ({@link MnistCommand}) and checked.
 * Unset options keep the defaults that reach the main job's target (>= 93% test accuracy on the
 * embedded subset within a minute on two CPU cores). {@code weightDecay} is null when not given
 * (each optimizer's default: none, AdamW's 0.01); {@code validation} and {@code earlyStopping}
 * are 0 when not given.
 *
 * <pre>{@code
 * MnistOptions o = MnistOptions.parse("--epochs", "5", "--optimizer", "adam");
 * o.learningRate();   // 0.001, Adam's default, since --lr was not given
 * }</pre>
 */
public record MnistOptions(ModelKind model, int epochs, int batchSize, double learningRate,
    ScheduleChoice schedule, Double weightDecay, List<Integer> hidden, OptimizerKind optimizer,
    HiddenActivation activation, long seed, DataSource dataset, Path out, Path resume,
    int limit, Path exportOnnx, boolean captureSteps, int augment, double rotate, int validation,
    int earlyStopping, boolean overwrite) {

  public static final int DEFAULT_EPOCHS = 30;
  /** Epochs of {@code --model cnn} (97% target) and {@code deep} (docs/benchmarks.md). */
  public static final int DEFAULT_CNN_EPOCHS = 20;
  /**
   * Adam's step (the book's and torch-adam) for {@code --model cnn|deep}: the book's and the
   * PyTorch runs' 0.001, and {@code torch.optim.Adam}'s default.
   */
  public static final double DEFAULT_CNN_ADAM_LR = 0.001;
  public static final int DEFAULT_BATCH = 100;
  public static final int DEFAULT_HIDDEN = 100;
  /** The affine layer of {@code --model deep}: the book's 50. */
  public static final int DEFAULT_DEEP_HIDDEN = 50;
  public static final long DEFAULT_SEED = 42;
  public static final Path DEFAULT_OUT = Path.of("out", "mnist");

  /** The options without {@code --overwrite} (the constructor before it existed). */
  public MnistOptions(ModelKind model, int epochs, int batchSize, double learningRate,
      ScheduleChoice schedule, Double weightDecay, List<Integer> hidden, OptimizerKind optimizer,
      HiddenActivation activation, long seed, DataSource dataset, Path out, Path resume,
      int limit, Path exportOnnx, boolean captureSteps, int augment, double rotate,
      int validation, int earlyStopping) {
    this(model, epochs, batchSize, learningRate, schedule, weightDecay, hidden, optimizer,
        activation, seed, dataset, out, resume, limit, exportOnnx, captureSteps, augment, rotate,
        validation, earlyStopping, false);
  }

  /** The generated {@code --help} text, without colours. */
  public static String usage() {
    return MnistCommand.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  /**
   * Parses {@code args}; a {@link ParameterException} (picocli's) says which argument is wrong and
   * why. {@code --help} and {@code --version} parse to the defaults; {@link MnistMain} prints them.
   */
  public static MnistOptions parse(String... args) {
    CommandLine cl = MnistCommand.commandLine();
    cl.parseArgs(args);
    return of(cl);
  }

  /**
   * The options {@code cl} (over a {@link MnistCommand}) parsed, with the defaults that depend on
   * {@code --model} settled and the options checked against each other.
   */
  static MnistOptions of(CommandLine cl) {
    MnistCommand c = cl.getCommand();
    ModelKind model = c.model;
    boolean cnn = model.convolutional();
    List<Integer> hidden = c.hidden != null ? c.hidden.sizes()
        : List.of(model == ModelKind.DEEP ? DEFAULT_DEEP_HIDDEN : DEFAULT_HIDDEN);
    if (cnn && hidden.size() != 1) {
      throw new ParameterException(cl, "--hidden: --model " + model.cliName() + " has one hidden"
          + " affine layer; give one size, got " + hidden);
    }
    if (cnn && c.activation != null && c.activation != Activation.RELU) {
      throw new ParameterException(cl, "--activation applies to --model mlp; the "
          + model.cliName() + " uses relu");
    }
    if (c.exportOnnx != null && Files.isDirectory(c.exportOnnx)) {
      throw new ParameterException(cl, "--export-onnx: " + c.exportOnnx + " is a directory; give"
          + " the file to write, such as " + c.exportOnnx.resolve("mnist.onnx"));
    }
    if (c.exportOnnx != null) {
      checkExportFolder(cl, c.exportOnnx);
    }
    if (c.rotate > 180) {
      throw new ParameterException(cl, "--rotate " + c.rotate + ": turn by 0 to 180 degrees");
    }
    if (c.schedule.plateau() != null && c.validation == 0) {
      throw new ParameterException(cl, "--schedule " + c.schedule + " watches the validation "
          + "loss; give --validation N too, e.g. --validation 1000");
    }
    if (c.earlyStopping != null && c.validation == 0) {
      throw new ParameterException(cl, "--early-stopping " + c.earlyStopping + " watches the "
          + "validation loss; give --validation N too, e.g. --validation 1000");
    }
    OptimizerKind optimizer = c.optimizer != null ? c.optimizer
        : cnn ? OptimizerKind.ADAM : OptimizerKind.SGD;
    // the book's Adam and torch.optim.Adam alike: switching between them keeps the rate
    double learningRate = c.lr != null ? c.lr
        : cnn && (optimizer == OptimizerKind.ADAM || optimizer == OptimizerKind.TORCH_ADAM)
        ? DEFAULT_CNN_ADAM_LR : optimizer.defaultLearningRate();
    return new MnistOptions(model, c.epochs != null ? c.epochs : cnn ? DEFAULT_CNN_EPOCHS
        : DEFAULT_EPOCHS, c.batch, learningRate, c.schedule, c.weightDecay, hidden, optimizer,
        c.activation != null ? c.activation : Activation.RELU, c.seed, c.dataset, c.out, c.resume,
        c.limit, c.exportOnnx, c.captureSteps, c.augment, c.rotate, c.validation,
        c.earlyStopping != null ? c.earlyStopping : 0, c.overwrite);
  }

  /**
   * Refuses an {@code --export-onnx} file whose folder cannot exist, a regular file on its way
   * (it would fail only after the whole training).
   */
  private static void checkExportFolder(CommandLine cl, Path export) {
    for (Path p = export.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        if (!Files.isDirectory(p)) {
          throw new ParameterException(cl, "--export-onnx: " + p + " is a file, not a folder;"
              + " give a file in a folder, such as " + MnistOptions.DEFAULT_OUT.resolve(
                  "mnist.onnx"));
        }
        return;
      }
    }
  }

  /**
   * The optimizer these options ask for over {@code parameters}: {@code --weight-decay} when
   * given, else the kind's own default (0, AdamW's 0.01).
   */
  public Optimizer createOptimizer(Map<String, Tensor> parameters) {
    return weightDecay == null ? optimizer.create(parameters, learningRate)
        : optimizer.create(parameters, learningRate, weightDecay);
  }

  @Override
  public String toString() {
    return "model " + model.cliName() + ", epochs " + epochs + ", batch " + batchSize + ", lr "
        + learningRate + (schedule == ScheduleChoice.CONSTANT ? "" : ", schedule " + schedule)
        + (weightDecay == null ? "" : ", weight decay " + weightDecay) + ", hidden "
        + hidden + ", optimizer " + optimizer.cliName() + ", activation " + activation.cliName()
        + ", seed " + seed + ", dataset " + dataset
        + (limit > 0 ? ", first " + limit + " training images" : "")
        + (augment > 0 ? ", images moved by up to " + augment + " pixels" : "")
        + (rotate > 0 ? ", images turned by up to " + rotate + " degrees" : "")
        + (validation > 0 ? ", " + validation + " images held out for validation" : "")
        + (earlyStopping > 0 ? ", early stopping after " + earlyStopping + " epochs without a better"
            + " validation loss" : "")
        + ", out " + out + (overwrite ? " (overwrite)" : "")
        + (resume == null ? "" : ", resume " + resume)
        + (exportOnnx == null ? "" : ", export ONNX to " + exportOnnx);
  }

}
