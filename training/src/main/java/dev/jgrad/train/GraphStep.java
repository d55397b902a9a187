package dev.jgrad.train;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.data.Batch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Trainer}'s step replayed as a captured graph ({@link Trainer.Builder#captureSteps})
 * on a backend that captures ({@link GraphCapture}, CUDA graphs), from the batch's gather to the
 * update. For each batch size and learning rate: the first step runs eagerly on an index buffer
 * kept for that size, which creates what the step creates once (optimizer slots); the second is
 * captured; from then on a step copies its batch's indices into that buffer and launches the
 * capture, which gathers the samples, steps and copies the metric values out. The same operations
 * in the same order as an eager step, so the same bits. A new size (the last, smaller batch) gets
 * a capture of its own, the {@value #KEPT} most recently used kept; a new rate (a per-epoch
 * schedule) releases the captures of the old one, whose reserved memory would otherwise stay held,
 * unless the optimizer's captured step reads the rate at each launch (the built-in optimizers on a
 * backend with fused updates), when captures are per batch size only.
 */
final class GraphStep implements AutoCloseable {
  static final int KEPT = 4;

  private static final Logger log = LoggerFactory.getLogger(GraphStep.class);

  /** What a step is run on (its indices) and the learning rate it was captured with. */
  private record Kind(TensorSpec indices, double learningRate) {}

  /** One kind's buffers: the batch's indices go in, the step's metric values come out. */
  private static final class Fixed {
    final Tensor indices;
    Tensor[] outs; // one-element copies of the step's metric tensors (null where none)
    GraphCapture.Replay replay;

    Fixed(Backend backend, TensorSpec spec) {
      indices = Tensor.wrap(backend, backend.allocate(spec.dtype(), spec.shape().size()),
          spec.shape());
    }

    /** Releases the capture and the buffers; never throws (a failure is logged). */
    void close() {
      try {
        if (replay != null) {
          replay.close();
        }
      } catch (RuntimeException e) {
        log.warn("captureSteps: releasing a captured step failed: {}", e.getMessage());
      } finally {
        indices.buffer().close();
        if (outs != null) {
          for (Tensor t : outs) {
            if (t != null) {
              t.buffer().close();
            }
          }
        }
      }
    }
  }

  private final Backend backend;
  private final GraphCapture capture;
  private final Function<Tensor, Batch> gather;
  private final BiFunction<Tensor, Tensor, Tensor[]> step;
  /** The rate a capture replays, or null where the optimizer reads it at each launch. */
  private final DoubleSupplier learningRate;
  private final Runnable afterFailedCapture;
  private final Map<Kind, Fixed> kinds = new LinkedHashMap<>(8, 0.75f, true); // in use order

  /**
   * @param gather the samples at some indices (a 1-D INT32 tensor), as the data set gathers them
   * @param step the training step on (inputs, targets), returning its metric tensors (see
   *     {@code Evaluator.metricTensors}); it must only queue work on {@code backend}
   * @param learningRate the optimizer's rate, which a capture replays (a new one gets new
   *     captures), or null where the optimizer's captured step reads it at each launch
   * @param afterFailedCapture run when a capture fails (nothing was run): the model's gradients
   *     then refer to buffers the failed capture released, so the Trainer forgets them
   */
  GraphStep(Backend backend, GraphCapture capture, Function<Tensor, Batch> gather,
      BiFunction<Tensor, Tensor, Tensor[]> step, DoubleSupplier learningRate,
      Runnable afterFailedCapture) {
    this.backend = backend;
    this.capture = capture;
    this.gather = gather;
    this.step = step;
    this.learningRate = learningRate;
    this.afterFailedCapture = afterFailedCapture;
  }

  /**
   * Runs one step on the samples at {@code order[from .. from + size)} ({@code order} a dense
   * 1-D INT32 tensor on the backend); returns its metric values, valid until the next step.
   */
  Tensor[] run(Tensor order, int from, int size) {
    Kind kind = new Kind(new TensorSpec(Shape.of(size), DType.INT32),
        learningRate == null ? 0 : learningRate.getAsDouble());
    Fixed f = kinds.get(kind);
    if (f == null) {
      releaseOtherRates(kind.learningRate());
      f = new Fixed(backend, kind.indices());
      kinds.put(kind, f);
      evictBeyond(KEPT);
    }
    backend.copy(order.buffer(), from, f.indices.buffer(), 0, size);
    if (f.replay != null) {
      f.replay.launch();
    } else if (f.outs != null) { // run eagerly once already: capture it now
      Fixed fixed = f;
      try {
        f.replay = capture.capture(() -> runInto(fixed));
      } catch (RuntimeException | Error e) {
        afterFailedCapture.run();
        throw e;
      }
      f.replay.launch();
    } else {
      runInto(f);
    }
    return f.outs;
  }

  /** The step on the kind's indices, its metric values copied into the kind's outputs. */
  private void runInto(Fixed f) {
    try (TensorScope scope = TensorScope.open(); Batch batch = gather.apply(f.indices)) {
      Tensor[] values = step.apply(batch.inputs(), batch.targets());
      BatchMetrics.checkOneValue(values[0]);
      if (f.outs == null) { // the eager run, before any capture
        f.outs = new Tensor[values.length];
        for (int i = 0; i < values.length; i++) {
          if (values[i] != null) {
            f.outs[i] = Tensor.wrap(backend, backend.allocate(values[i].dtype(), 1),
                values[i].shape());
          }
        }
      }
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          f.outs[i].assign(values[i]);
        }
      }
    }
  }

  /** A new learning rate: the captures of other rates will not be launched again. */
  private void releaseOtherRates(double rate) {
    Iterator<Map.Entry<Kind, Fixed>> it = kinds.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Kind, Fixed> e = it.next();
      if (e.getKey().learningRate() != rate) {
        it.remove();
        e.getValue().close();
      }
    }
  }

  private void evictBeyond(int kept) {
    Iterator<Fixed> it = kinds.values().iterator();
    while (kinds.size() > kept && it.hasNext()) {
      Fixed eldest = it.next();
      it.remove();
      eldest.close();
    }
  }

  @Override
  public void close() {
    List<Fixed> all = new ArrayList<>(kinds.values());
    kinds.clear();
    for (Fixed f : all) {
      f.close();
    }
  }
}
