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
 * Measures a model's loss and, for a classifier, its accuracy on a dataset, in batches and without
 * recording a graph. Accuracy is measured where targets are class labels {@code [n]} or one-hot
 * rows {@code [n, classes]} for scores {@code [n, classes >= 2]}, and NaN otherwise (a regression).
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
   * the device until the pass is over; then one read brings them all to the host.
   */
  public static Evaluation evaluate(Module model, Dataset data, LossFunction loss, int batchSize) {
    checkNotNull(model, "model is null");
    checkNotNull(loss, "loss is null");
    checkArgument(batchSize > 0, "batch size must be positive, got %s", batchSize);
    DataLoader inOrder = DataLoader.builder(data).batchSize(batchSize).shuffle(false).build();
    try (NoGrad ignored = NoGrad.scope();
        BatchMetrics metrics = new BatchMetrics(inOrder.batchCount(), (batch, value) -> { })) {
      for (Batch b : inOrder.epoch(0)) {
        try (b; TensorScope batchScope = TensorScope.open()) { // frees the batch and activations
          Tensor output = model.forward(b.inputs());
          record(metrics, loss.compute(output, b.targets()), output, b.targets(), b.size());
        }
      }
      int n = metrics.recorded(); // every sample: the in-order loader keeps the last batch
      return new Evaluation(metrics.meanLoss(n), metrics.accuracy(n), data.size());
    }
  }

  /**
   * Records a batch's loss and, where accuracy means something, its correct count: class scores
   * {@code [n, classes >= 2]} against labels {@code [n]} or rows {@code [n, classes]} that are
   * one-hot (checked on the device, so a regression with as many outputs is not scored either).
   * A regression's "accuracy" (say an MSE on [n, 1]) would otherwise read 1.0.
   */
  static void record(BatchMetrics metrics, Tensor loss, Tensor output, Tensor targets,
      int size) {
    boolean scores = output.rank() == 2 && output.shape().dim(1) >= 2;
    boolean labels = targets.rank() == 1 && targets.shape().dim(0) == output.shape().dim(0);
    boolean rows = targets.rank() == 2 && targets.shape().equals(output.shape());
    if (!scores || !(labels || rows)) {
      metrics.record(loss, null, null, size);
      return;
    }
    metrics.record(loss, countCorrectOnDevice(output, targets),
        rows ? notOneHotOnDevice(targets) : null, size);
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
    Tensor labels = targets.rank() == 2 ? targets.argmax(1) : targets;
    checkArgument(labels.rank() == 1 && labels.shape().dim(0) == output.shape().dim(0),
        "accuracy needs one label or one-hot row per output row: output %s, targets %s",
        output.shape(), targets.shape());
    // argmax gives INT32 indices; compared, and counted, in the scores' float dtype
    Tensor predicted = output.argmax(1).to(output.dtype());
    return predicted.eq(labels.to(output.dtype())).sum();
  }
}
