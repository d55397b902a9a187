package dev.jgrad.data;

import dev.jgrad.autograd.Tensor;

/**
 * One mini-batch: inputs and targets whose first dimension is the batch size.
 *
 * <p>A batch owns memory on its backend (a {@link DataLoader} gathers a fresh copy of its
 * samples). Closing it once the step is done hands that memory back for the next batch, on the
 * CPU without the garbage collector and on a GPU without waiting for it:
 *
 * <pre>{@code
 * for (Batch batch : loader.epoch(epoch)) {
 *   try (batch; TensorScope step = TensorScope.open()) {
 *     Losses.softmaxCrossEntropyLabels(model.forward(batch.inputs()), batch.targets()).backward();
 *     sgd.step();
 *     sgd.zeroGrad();
 *   }
 * }
 * }</pre>
 *
 * @param inputs e.g. images {@code [batch, 784]}
 * @param targets e.g. class labels {@code [batch]} or one-hot rows {@code [batch, 10]}
 */
public record Batch(Tensor inputs, Tensor targets) implements AutoCloseable {
  /** Number of samples in this batch. */
  public int size() {
    return inputs.shape().dim(0);
  }

  /**
   * Releases the memory of both tensors; using them afterwards fails. Closing twice is harmless.
   * A non-contiguous view's buffer belongs to the tensor it views, so it is left open.
   */
  @Override
  public void close() {
    for (Tensor t : new Tensor[] {inputs, targets}) {
      if (t.isContiguous()) {
        t.buffer().close();
      }
    }
  }
}
