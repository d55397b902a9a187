package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.data.Batch;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Module;

/**
 * Measures a model's loss and, for a classifier, its accuracy on a dataset, in batches, in
 * evaluation mode ({@link Module#evalScope()}: on this thread only, the model's mode unchanged,
 * so several threads may evaluate one model at once) and without recording a graph. Whether it
 * is a classifier the loss says ({@link LossFunction#isClassification}); accuracy then needs
 * scores {@code [n, classes >= 2]} and targets that are class labels {@code [n]} or one-hot rows
 * {@code [n, classes]} (rows that are not one-hot give NaN). For a regression it is NaN.
 *
 * <pre>{@code
 * Evaluation test = Evaluator.evaluate(model, testSet, Losses::softmaxCrossEntropyLabels, 1000);
 * System.out.printf("test accuracy %.2f%%%n", 100 * test.accuracy());
 * }</pre>
 */
public final class Evaluator {
  private Evaluator() {}

  /**
   * The mean loss and the accuracy of {@code model} on {@code data}. Each batch's values stay on
   * the device until the pass is over; then one read brings them all to the host. The loss is
   * the batches' losses weighted by their sizes, or by what the loss says its mean divided by
   * ({@link LossFunction#meanWeight}: {@link LossFunction#crossEntropy} with class weights or an
   * ignored label), so that it is the loss of the whole set at once, for any batch size, to
   * float rounding. A loss of its own whose mean is weighted and says nothing gives a figure
   * that depends on the batch size.
   */
  public static Evaluation evaluate(Module model, Dataset data, LossFunction loss, int batchSize) {
    checkNotNull(loss, "loss is null");
    return evaluate(model, data, loss, batchSize, loss.isClassification());
  }

  /**
   * {@link #evaluate(Module, Dataset, LossFunction, int)} measuring accuracy or not as
   * {@code accuracy} says, whatever the loss; fails naming the shapes when they make accuracy
   * meaningless.
   */
  public static Evaluation evaluate(Module model, Dataset data, LossFunction loss, int batchSize,
      boolean accuracy) {
    checkNotNull(model, "model is null");
    checkNotNull(loss, "loss is null");
    checkArgument(batchSize > 0, "batch size must be positive, got %s", batchSize);
    DataLoader inOrder = DataLoader.builder(data).batchSize(batchSize).shuffle(false).build();
    // inference behaviour (no dropout, running statistics) on this thread only: the model's own
    // mode is left alone, so threads evaluating one model at once do not switch each other's
    try (Module.EvalScope eval = Module.evalScope(); NoGrad ignored = NoGrad.scope();
        BatchMetrics metrics = new BatchMetrics(inOrder.batchCount(), (batch, value) -> { })) {
      for (Batch b : inOrder.epoch(0)) {
        try (b; TensorScope batchScope = TensorScope.open()) { // frees the batch and activations
          Tensor output = model.forward(b.inputs());
          Tensor[] v = metricTensors(loss.compute(output, b.targets()), output, b.targets(),
              accuracy);
          metrics.record(v[0], v[1], v[2], loss.meanWeight(output, b.targets()), b.size());
        }
      }
      int n = metrics.recorded(); // every sample: the in-order loader keeps the last batch
      return new Evaluation(metrics.meanLoss(n), metrics.accuracy(n), data.size());
    }
  }

  /**
   * Each sample's predicted class: the index of its highest score ({@code argmax} over
   * {@code [n, classes]}, first on ties), in {@code data}'s order, in evaluation mode and without
   * a graph, as {@link #evaluate} measures. With the labels it gives a {@link ConfusionMatrix} and
   * the misclassified samples (the book's 8.1 inspection):
   *
   * <pre>{@code
   * int[] predicted = Evaluator.predict(model, test, 1000);
   * ConfusionMatrix m = ConfusionMatrix.of(test.targets().toIntArray(), predicted, 10);
   * int[] wrong = m.misclassified();   // indices into test
   * }</pre>
   */
  public static int[] predict(Module model, Dataset data, int batchSize) {
    checkNotNull(model, "model is null");
    checkNotNull(data, "data is null");
    checkArgument(batchSize > 0, "batch size must be positive, got %s", batchSize);
    DataLoader inOrder = DataLoader.builder(data).batchSize(batchSize).shuffle(false).build();
    int[] predicted = new int[data.size()];
    int at = 0;
    try (Module.EvalScope eval = Module.evalScope(); NoGrad ignored = NoGrad.scope()) {
      for (Batch b : inOrder.epoch(0)) {
        try (b; TensorScope batchScope = TensorScope.open()) {
          Tensor output = model.forward(b.inputs());
          checkArgument(output.rank() == 2 && output.shape().dim(1) >= 2, "predict needs class "
              + "scores [n, classes >= 2] from the model, got %s; it is for classifiers",
              output.shape());
          int[] classes = output.argmax(1).toIntArray();
          System.arraycopy(classes, 0, predicted, at, classes.length);
          at += classes.length;
        }
      }
    }
    return predicted;
  }

  /**
   * What a batch records, as one-element tensors computed on the device: the loss, the correct
   * count (null without accuracy) and the one-hot misfit (null unless the targets are rows).
   * With {@code accuracy} (a classification loss), class scores {@code [n, classes >= 2]}
   * against labels {@code [n]} or rows {@code [n, classes]} that are one-hot (checked on the
   * device: soft targets are not scored); the loss decides, not the shapes, and where the shapes
   * make accuracy meaningless it fails naming them. Separate so that a captured training step
   * can compute them inside its graph.
   */
  static Tensor[] metricTensors(Tensor loss, Tensor output, Tensor targets, boolean accuracy) {
    if (!accuracy) {
      return new Tensor[] {loss, null, null};
    }
    boolean scores = output.rank() == 2 && output.shape().dim(1) >= 2;
    boolean labels = targets.rank() == 1 && targets.shape().dim(0) == output.shape().dim(0);
    boolean rows = targets.rank() == 2 && targets.shape().equals(output.shape());
    checkArgument(scores && (labels || rows), "accuracy needs class scores [n, classes >= 2] and"
        + " targets of class labels [n] or one-hot rows [n, classes], got output %s and targets"
        + " %s; for a loss that is not a classification's, turn accuracy off (accuracy(false))",
        output.shape(), targets.shape());
    return new Tensor[] {loss, countCorrectOnDevice(output, targets),
        rows ? notOneHotOnDevice(targets) : null};
  }

  /** Zero if every row of {@code targets} is one-hot (zeros and a single one), else positive. */
  private static Tensor notOneHotOnDevice(Tensor targets) {
    Tensor offValues = targets.mul(targets.sub(1.0)); // zero only for 0 and 1
    Tensor rowSums = targets.sum(1, false).sub(1.0); // zero only where a row sums to 1
    return offValues.mul(offValues).sum().add(rowSums.mul(rowSums).sum());
  }

  /** How many rows of {@code output} have their highest score at the target class. */
  public static long countCorrect(Tensor output, Tensor targets) {
    return Math.round(countCorrectOnDevice(output, targets).item());
  }

  /**
   * {@link #countCorrect} as a one-element tensor on the output's backend, so that it can be
   * summed or stored there without waiting for the device.
   */
  public static Tensor countCorrectOnDevice(Tensor output, Tensor targets) {
    checkArgument(output.rank() == 2, "accuracy needs scores [batch, classes], got %s",
        output.shape());
    checkArgument(targets.rank() != 2 || targets.shape().equals(output.shape()),
        "accuracy needs one-hot rows as wide as the scores: output %s, targets %s",
        output.shape(), targets.shape());
    Tensor labels = targets.rank() == 2 ? targets.argmax(1) : targets;
    checkArgument(labels.rank() == 1 && labels.shape().dim(0) == output.shape().dim(0),
        "accuracy needs one label or one-hot row per output row: output %s, targets %s",
        output.shape(), targets.shape());
    // argmax gives INT32 indices; compared, and counted, in the scores' float dtype
    Tensor predicted = output.argmax(1).to(output.dtype());
    return predicted.eq(labels.to(output.dtype())).sum();
  }
}
