package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One trained model shared by threads that predict at once (a multi-threaded server): each
 * prediction must be, bit for bit, the one a single thread gets. The batches are shared too, as
 * are the nonzero lists prepared on them and the pooling winners kept on them.
 */
class ConcurrentInferenceTest {
  private static final int THREADS = 8;
  private static final int CALLS = 300;
  private static final int BATCHES = 6;

  @Test
  void eightThreadsPredictingWithOneMlpGetTheBitsOfOneThread() throws Exception {
    Sequential mlp = Mlp.builder().input(64).hidden(48, 32).output(10).seed(5).build();
    Random random = new Random(6);
    List<Tensor> batches = new ArrayList<>();
    for (int b = 0; b < BATCHES; b++) {
      Tensor x = mostlyZeros(random, 16, 64);
      // the nonzero lists the CPU backend keeps on the buffer, read by every thread's product
      x.backend().prepareOperand(x.buffer(), 16, 64);
      batches.add(x);
    }
    train(mlp, batches, 10);
    assertSameAsAlone(mlp.eval(), batches);
  }

  @Test
  void eightThreadsPredictingWithOneConvNetInEvalModeGetTheBitsOfOneThread() throws Exception {
    Random random = new Random(7);
    // pooled first: every thread max-pools the shared input, whose buffer keeps the winners
    Sequential net = new Sequential(new MaxPool2d(2, 2, 0), new Conv2d(2, 4, 3, 1, 1, random),
        new BatchNorm2d(4), new ReLU(), new MaxPool2d(2, 2, 0), new Dropout(0.5, random),
        new Flatten(), new Linear(64, 10, Init.he(), random));
    List<Tensor> batches = new ArrayList<>();
    for (int b = 0; b < BATCHES; b++) {
      batches.add(Tensor.randn(random, 8, 2, 16, 16));
    }
    train(net, batches, 10); // running statistics of their own, not the initial 0 and 1
    assertSameAsAlone(net.eval(), batches);
  }

  /**
   * Evaluator used to switch the model to evaluation mode and back: a second thread evaluating
   * the same model (in training mode) found it in evaluation mode, kept it so, and the first
   * thread's switch back put the second one's remaining batches through dropout and the running
   * statistics' updates. Latches order the two passes so that they always overlap that way.
   */
  @Test
  void threadsEvaluatingOneModelInTrainingModeDoNotSwitchEachOthersMode() throws Exception {
    Random random = new Random(8);
    Sequential net = new Sequential(new Linear(2, 16, Init.he(), random),
        new BatchNorm1d(16), new ReLU(), new Dropout(0.5, random),
        new Linear(16, 3, Init.he(), random));
    Dataset data = Blobs.make(90, 9);
    LossFunction loss = Losses::softmaxCrossEntropyLabels;
    Evaluation alone = Evaluator.evaluate(net, data, loss, 30);
    CountDownLatch firstInside = new CountDownLatch(1);
    CountDownLatch secondInside = new CountDownLatch(1);
    CountDownLatch firstDone = new CountDownLatch(1);
    List<Evaluation> both = Threads.together(2, t -> {
      if (t == 1) {
        await(firstInside);
      }
      int[] batch = {0};
      LossFunction pausing = (output, targets) -> {
        if (batch[0]++ == 0) { // inside the first batch: wait for the other thread
          (t == 0 ? firstInside : secondInside).countDown();
          await(t == 0 ? secondInside : firstDone);
        }
        return loss.compute(output, targets);
      };
      Evaluation e = Evaluator.evaluate(net, data, pausing, 30, true);
      if (t == 0) {
        firstDone.countDown();
      }
      return e;
    });
    for (Evaluation e : both) {
      assertEquals(alone.loss(), e.loss(), "loss");
      assertEquals(alone.accuracy(), e.accuracy(), "accuracy");
    }
    assertTrue(net.isTraining(), "the model's own mode changed");
  }

  /**
   * Predicts every batch alone, then on {@link #THREADS} threads at once, each {@link #CALLS}
   * times in its own order, under no-grad as a server would, and compares the bits.
   */
  private static void assertSameAsAlone(Module model, List<Tensor> batches) throws Exception {
    List<int[]> alone = Threads.alone(batches.size(), b -> predict(model, batches.get(b)));
    List<Integer> checked = Threads.together(THREADS, t -> {
      for (int call = 0; call < CALLS; call++) {
        int b = (t + call * (t + 1)) % batches.size();
        assertArrayEquals(alone.get(b), predict(model, batches.get(b)),
            "thread " + t + ", call " + call + ", batch " + b);
      }
      return CALLS;
    });
    assertEquals(THREADS * CALLS, checked.stream().mapToInt(Integer::intValue).sum());
  }

  /** The model's output for {@code x} as raw float bits; its activations freed. */
  private static int[] predict(Module model, Tensor x) {
    try (NoGrad noGrad = NoGrad.scope(); TensorScope scope = TensorScope.open()) {
      return Threads.rawBits(model.forward(x));
    }
  }

  /** A few Adam steps towards class 0, so that the model is not its initialization. */
  private static void train(Module model, List<Tensor> batches, int steps) {
    Optimizer adam = new Adam(model.namedParameters(), 0.01);
    for (int s = 0; s < steps; s++) {
      Tensor x = batches.get(s % batches.size());
      int[] labels = new int[x.shape().dim(0)];
      try (TensorScope scope = TensorScope.open()) {
        adam.zeroGrad();
        Losses.softmaxCrossEntropyLabels(model.forward(x), Tensor.indices(labels)).backward();
        adam.step();
      }
    }
  }

  /** A {@code [rows, cols]} batch four fifths zeros, as images of digits are. */
  private static Tensor mostlyZeros(Random random, int rows, int cols) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextInt(5) == 0 ? random.nextFloat() : 0f;
    }
    return Tensor.of(v, rows, cols);
  }

  /** Waits for {@code latch}; unchecked, as a loss function may not throw checked exceptions. */
  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS), "the other thread never got there");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the other thread", e);
    }
  }
}
