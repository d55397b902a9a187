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
 * Measures a classifier's loss and accuracy on a dataset, in batches and without recording a
 * graph. Targets may be class labels {@code [n]} or one-hot rows {@code [n, classes]}.
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
          metrics.record(loss.compute(output, b.targets()), countCorrectOnDevice(output,
              b.targets()), b.size());
        }
      }
      int n = metrics.recorded(); // every sample: the in-order loader keeps the last batch
      return new Evaluation(metrics.meanLoss(n), metrics.accuracy(n), data.size());
    }
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
    Tensor predicted = output.argmax(1);
    Tensor sameDtype = labels.dtype() == predicted.dtype() ? labels : labels.to(predicted.dtype());
    return predicted.eq(sameDtype).sum();
  }
}
