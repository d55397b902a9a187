package dev.jgrad.examples.mnist;

import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.IoMessages;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Unflatten;
import dev.jgrad.train.Checkpoint;
import dev.jgrad.train.Model;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jgrad-mnist predict --model FILE IMAGE.png...}: classifies PNG digits with a model that
 * training saved, rebuilt by {@link Model#load} from the description in its checkpoint. One line
 * per image: the file, the class, its probability, the next two, and what was done to the image
 * to make it look like MNIST ({@link DigitImage}).
 */
@Command(name = "predict", sortOptions = false, usageHelpAutoWidth = true,
    header = "classify PNG digits with a saved model",
    customSynopsis = "java -jar jgrad-mnist.jar predict --model FILE IMAGE.png...",
    description = {"", "Classifies the handwritten digit in each PNG image with a model saved by"
        + " training (its checkpoint.safetensors). Images are best 28x28 greyscale, a light digit"
        + " on a dark background, as MNIST's; colour is turned grey, other sizes are resized to"
        + " 28x28 and a dark digit on a light background is inverted, and each line says so.", ""},
    optionListHeading = "Options:%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every image classified",
        "1:the model or an image cannot be read (the other images are still classified)",
        "2:a bad command line (the first line says which option and why)"})
final class PredictCommand {
  /** The values of the 28x28 grey images predict reads: what the model must take. */
  static final int PIXELS = DigitImage.SIZE * DigitImage.SIZE;

  @Option(names = "--model", required = true, paramLabel = "FILE",
      description = "a checkpoint written by training, e.g. out/mnist/checkpoint.safetensors")
  Path model;

  @Option(names = "--invert", paramLabel = "WHEN", converter = InvertConverter.class,
      description = {"auto (default): invert a mostly light image (a dark digit on paper), unless"
          + " the checkpoint says the model was trained on another data set than the MNIST digits"
          + " (Fashion-MNIST: never); always; never"})
  Invert invert = Invert.AUTO;

  @Parameters(paramLabel = "IMAGE.png", arity = "1..*", description = "PNG images, one digit each")
  List<Path> images;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
  boolean help;

  /** Classifies every image; the status is 1 if the model or any image could not be read. */
  int run(PrintStream out, PrintStream err) {
    Module net;
    TrainedOn trainedOn;
    try {
      net = Model.load(model);
      trainedOn = TrainedOn.of(Checkpoint.load(model).metadata());
    } catch (IOException e) {
      err.println("error: --model: " + message(e));
      return 1;
    }
    String other = otherInput(net);
    if (other != null) { // said once, not once per image
      err.println("error: --model " + model + ": predict reads 28x28 grey images, for models that"
          + " take " + PIXELS + " values a row, but this model takes " + other + "; load it with"
          + " Model.load and classify its images in your own code");
      return 1;
    }
    // MNIST's rule for dark-on-light photos would turn over a light garment of Fashion-MNIST
    Invert how = invert == Invert.AUTO && trainedOn != TrainedOn.MNIST
        && trainedOn != TrainedOn.UNKNOWN ? Invert.NEVER : invert;
    int failed = 0;
    for (Path image : images) {
      try {
        DigitImage digit = DigitImage.read(image, how);
        out.println(image + ": " + describe(classify(net, image, digit), trainedOn.classNames())
            + notes(digit));
      } catch (IOException e) {
        err.println("error: " + message(e));
        failed++;
      } catch (IllegalArgumentException e) { // the model does not take 28x28 rows
        err.println("error: " + image + ": the model cannot classify it: " + e.getMessage());
        failed++;
      }
    }
    return failed == 0 ? 0 : 1;
  }

  /**
   * What {@code net} takes where its first layer says so and it is not a 28x28 image's
   * {@value #PIXELS} values ({@code 3x32x32 images (3072 values a row)}, {@code rows of 3072
   * values}); null where it is, or where the first layer does not say (the forward pass then
   * fails naming the layer).
   */
  static String otherInput(Module net) {
    Module first = net;
    while (first instanceof Sequential s && !s.layers().isEmpty()) {
      first = s.layers().get(0);
    }
    if (first instanceof Unflatten u) {
      long values = Arrays.stream(u.shape()).asLongStream().reduce(1, (a, b) -> a * b);
      return values == PIXELS ? null : Arrays.stream(u.shape()).mapToObj(Integer::toString)
          .collect(Collectors.joining("x")) + " images (" + values + " values a row)";
    }
    if (first instanceof Linear l) {
      return l.inFeatures() == PIXELS ? null : "rows of " + l.inFeatures() + " values";
    }
    return null;
  }

  /** The class probabilities of {@code digit} under {@code net} (in eval mode). */
  static double[] classify(Module net, Path image, DigitImage digit) {
    double[] scores;
    try (NoGrad ignored = NoGrad.scope()) {
      Tensor y = net.forward(Tensor.of(digit.pixels(), 1, PIXELS));
      if (y.rank() != 2 || y.shape().dim(0) != 1) {
        throw new IllegalArgumentException("it gives " + y.shape() + ", not class scores"
            + " [1, classes]");
      }
      scores = y.toDoubleArray();
    }
    double max = Arrays.stream(scores).max().orElseThrow();
    double sum = 0;
    double[] p = new double[scores.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(scores[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** {@code 7 (probability 0.981; then 2 0.012, 3 0.004)}. */
  static String describe(double[] probabilities) {
    return describe(probabilities, List.of());
  }

  /**
   * {@link #describe(double[])} with each index followed by its name when {@code names} has one:
   * {@code 9 Ankle boot (probability 0.981; then 7 Sneaker 0.012, 5 Sandal 0.004)}.
   */
  static String describe(double[] probabilities, List<String> names) {
    Integer[] order = new Integer[probabilities.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(probabilities[b], probabilities[a]));
    StringJoiner next = new StringJoiner(", ", "; then ", ")");
    next.setEmptyValue(")");
    for (int k = 1; k < Math.min(3, order.length); k++) {
      next.add(String.format(Locale.ROOT, "%s %.3f", named(order[k], names),
          probabilities[order[k]]));
    }
    return String.format(Locale.ROOT, "%s (probability %.3f", named(order[0], names),
        probabilities[order[0]]) + next;
  }

  private static String named(int index, List<String> names) {
    return index < names.size() ? index + " " + names.get(index) : Integer.toString(index);
  }

  static final class InvertConverter implements CommandLine.ITypeConverter<Invert> {
    @Override
    public Invert convert(String value) {
      try {
        return Invert.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not auto, always or"
            + " never");
      }
    }
  }

  private static String notes(DigitImage digit) {
    return digit.notes().isEmpty() ? "" : "; " + String.join("; ", digit.notes());
  }

  private static String message(IOException e) {
    if (e instanceof NoSuchFileException missing) { // the model's loader says what to do
      return missing.getReason() != null ? missing.getMessage()
          : "no such file: " + missing.getFile();
    }
    return e instanceof FileNotFoundException || e instanceof dev.jgrad.io.FileFormatException
        ? e.getMessage() : IoMessages.describe(e);
  }
}
