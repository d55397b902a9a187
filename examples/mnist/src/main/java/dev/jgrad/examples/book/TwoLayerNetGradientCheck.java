package dev.jgrad.examples.book;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.GradCheck;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The book's gradient_check.py (5.7.3): the two-layer net (784-50-10, ReLU, weights normal with std
 * 0.01, softmax cross-entropy) on the first three training images; for each parameter, the mean
 * absolute difference between the numerical gradient (central differences, h = 1e-4) and the
 * gradient from backpropagation. Both in FLOAT64, as NumPy computes; the differences come out
 * around 1e-10 to 1e-13, showing that backprop is right.
 *
 * <pre>{@code
 * java -cp "examples/mnist/target/jgrad-mnist.jar" dev.jgrad.examples.book.TwoLayerNetGradientCheck
 * }</pre>
 */
public final class TwoLayerNetGradientCheck {
  private TwoLayerNetGradientCheck() {}

  /** The book's names for the parameters of {@code Mlp}'s layers 0 and 2. */
  private static final Map<String, String> BOOK_NAMES =
      Map.of("0.weight", "W1", "0.bias", "b1", "2.weight", "W2", "2.bias", "b2");

  /** Mean absolute difference of numerical and backprop gradients, per parameter name. */
  static Map<String, Double> check(Tensor x, Tensor labels, int hidden, long seed) {
    checkArgument(x.rank() == 2, "x must be [samples, features], got %s", x.shape());
    Module net = Mlp.builder().input(x.shape().dim(1)).hidden(hidden).output(10)
        .init(Init.normal(0.01)).dtype(DType.FLOAT64).seed(seed).build();
    Map<String, Tensor> params = net.namedParameters();
    List<Tensor> leaves = new ArrayList<>(params.values());

    Losses.softmaxCrossEntropyLabels(net.forward(x), labels).backward();

    // The book perturbs each weight in place; here each perturbed copy is written into the net.
    List<Tensor> saved = new ArrayList<>();
    leaves.forEach(p -> saved.add(Tensor.of(p.toDoubleArray(), p.shape().dims())));
    List<Tensor> numerical = GradCheck.numericalGradient(values -> {
      for (int i = 0; i < leaves.size(); i++) {
        leaves.get(i).assign(values.get(i));
      }
      return Losses.softmaxCrossEntropyLabels(net.forward(x), labels);
    }, saved);
    for (int i = 0; i < leaves.size(); i++) {
      leaves.get(i).assign(saved.get(i));
    }

    Map<String, Double> diffs = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, Tensor> e : params.entrySet()) {
      double[] backprop = e.getValue().grad().toDoubleArray();
      double[] numeric = numerical.get(i++).toDoubleArray();
      double sum = 0;
      for (int k = 0; k < backprop.length; k++) {
        sum += Math.abs(backprop[k] - numeric[k]);
      }
      diffs.put(e.getKey(), sum / backprop.length);
    }
    return diffs;
  }

  static void print(Map<String, Double> diffs, PrintStream out) {
    diffs.forEach((name, d) ->
        out.printf(Locale.ROOT, "%s (%s):%s%n", BOOK_NAMES.getOrDefault(name, name), name, d));
  }

  /** The first {@code n} embedded training images as FLOAT64 [n, 784] and their labels. */
  static Tensor[] firstImages(int n) throws IOException {
    LabeledImages train = MnistFiles.loadResources("/mnist/").train().subset(0, n);
    float[] px = train.images();
    double[] x = new double[px.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = px[i];
    }
    return new Tensor[] {Tensor.of(x, n, train.pixelsPerImage()),
        Tensor.indices(train.labels())};
  }

  public static void main(String[] args) {
    BookArgs.main(TwoLayerNetGradientCheck.class, args, a -> {
      Tensor[] data = firstImages(3);
      print(check(data[0], data[1], 50, 42), System.out);
    });
  }
}
