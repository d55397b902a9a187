package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Activation;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.OptimizerState;
import dev.jgrad.optim.Sgd;
import dev.jgrad.optim.schedule.ExponentialDecay;
import dev.jgrad.optim.schedule.LearningRateScheduler.Interval;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Trainer.Builder#captureSteps}: which steps run eagerly, which are captured and which
 * replayed, when captures are released, and when the Trainer does not capture at all, with the
 * CPU backend posing as one that captures (its "capture" keeps the work, each launch reruns it,
 * Java code included); and what a replay repeats, with {@link RecordingCaptureBackend}, which
 * replays only the primitive calls recorded during the capture, as a CUDA graph does. On a GPU,
 * CudaGraphTest and the device check (the main job's checkpoint with and without captures) check
 * the CUDA side.
 */
class CaptureStepsTest {
  private final List<String> events = new ArrayList<>();

  /** Captures that fail (the first {@code n}), as a step that reads a value on the host would. */
  private int failingCaptures;

  /** The CPU backend with a GraphCapture whose replays rerun the captured work. */
  private Backend capturingCpu() {
    Backend cpu = Backends.byName("cpu");
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class, GraphCapture.class}, (p, m, args) -> {
          switch (m.getName()) {
            case "isCapturing" -> {
              return false;
            }
            case "capture" -> {
              if (failingCaptures > 0) {
                failingCaptures--;
                events.add("failed capture");
                throw new IllegalStateException("cuda backend: download while capturing a CUDA "
                    + "graph: the host cannot read results inside the captured work");
              }
              events.add("capture");
              Runnable work = (Runnable) args[0];
              return new GraphCapture.Replay() {
                @Override
                public void launch() {
                  events.add("launch");
                  work.run();
                }

                @Override
                public void close() {
                  events.add("close");
                }
              };
            }
            default -> {
              try {
                return m.invoke(cpu, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            }
          }
        });
  }

  /** 3 epochs of 2-16-3 on 250 blobs, batch 100 (two full batches and one of 50). */
  private static double[] train(Backend backend, boolean capture, boolean perEpochSchedule,
      List<MetricsHistory> history) throws IOException {
    try (Backends.Scope ignored = Backends.use(backend)) {
      Dataset data = Blobs.make(250, 4);
      Dataset onBackend = Dataset.of(data.inputs().to(backend), data.targets().to(backend));
      Sequential model = Mlp.builder().input(2).hidden(16).output(3)
          .activation(Activation.RELU).seed(5).build();
      Trainer.Builder b = Trainer.builder().model(model)
          .loss(Losses::softmaxCrossEntropyLabels)
          .optimizer(new Sgd(model.namedParameters(), 0.1, 0.9, 1e-4))
          .train(DataLoader.builder(onBackend).batchSize(100).seed(3).build())
          .epochs(3).captureSteps(capture);
      if (perEpochSchedule) {
        b.schedule(new ExponentialDecay(0.5), Interval.EPOCH);
      }
      history.add(b.build().fit());
      List<Double> all = new ArrayList<>();
      model.namedParameters().values().forEach(t -> {
        for (double v : t.toDoubleArray()) {
          all.add(v);
        }
      });
      return all.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  @Test
  void capturedStepsGiveTheEagerRunsBitsAndEachKindOfBatchIsCapturedOnce() throws IOException {
    List<MetricsHistory> h = new ArrayList<>();
    double[] eager = train(capturingCpu(), false, false, h); // the same backend, not captured
    assertEquals(List.of(), events);
    double[] captured = train(capturingCpu(), true, false, h);
    assertArrayEquals(eager, captured, "parameters after 3 epochs");
    assertEquals(lossesAndAccuracies(h.get(0)), lossesAndAccuracies(h.get(1)));
    // Epoch 1: batch 1 eager, batch 2 captured and launched, the last (50) eager.
    // Epoch 2: two launches, the 50 captured and launched. Epoch 3: three launches.
    assertEquals(List.of("capture", "launch", "launch", "launch", "capture", "launch", "launch",
        "launch", "launch", "close", "close"), events);
  }

  private static List<String> lossesAndAccuracies(MetricsHistory h) {
    return h.epochs().stream().map(m -> m.trainLoss() + " " + m.trainAccuracy()).toList();
  }

  @Test
  void aNewLearningRateIsANewCapture() throws IOException {
    List<MetricsHistory> h = new ArrayList<>();
    double[] eager = train(capturingCpu(), false, true, h);
    double[] captured = train(capturingCpu(), true, true, h);
    assertArrayEquals(eager, captured);
    // each epoch has its rate: per epoch the full batches are captured (the 50, run once per
    // epoch, only ever runs eagerly), and a new rate releases the old rate's capture
    assertEquals(List.of("capture", "launch", "close", "capture", "launch", "close", "capture",
        "launch", "close"), events);
  }

  @Test
  void aBackendThatCannotCaptureRunsTheStepsAsUsual() throws IOException {
    List<MetricsHistory> h = new ArrayList<>();
    assertArrayEquals(train(Backends.byName("cpu"), false, false, h),
        train(Backends.byName("cpu"), true, false, h));
  }

  /**
   * On a capturing backend without FusedAdamW (this proxy offers none), AdamW's bias corrections
   * are scalars of its primitive launches and change every step: its steps run as usual,
   * uncaptured.
   */
  @Test
  void stepsThatCannotBeReplayedRunAsUsual() throws IOException {
    try (Backends.Scope ignored = Backends.use(capturingCpu())) {
      Sequential model = Mlp.builder().input(2).hidden(16).output(3).seed(5).build();
      Trainer.builder().model(model).loss(Losses::softmaxCrossEntropyLabels)
          .optimizer(new dev.jgrad.optim.AdamW(model.namedParameters(), 0.01))
          .train(DataLoader.builder(Blobs.make(250, 4)).batchSize(100).seed(3).build())
          .epochs(2).captureSteps(true).build().fit();
    }
    assertEquals(List.of(), events, "adamw");
  }

  /** An augmenting loader's batches are not the dataset's samples: no capture, steps as usual. */
  @Test
  void anAugmentingLoadersStepsRunAsUsual() throws IOException {
    try (Backends.Scope ignored = Backends.use(capturingCpu())) {
      Sequential model = Mlp.builder().input(2).hidden(16).output(3).seed(5).build();
      MetricsHistory h = Trainer.builder().model(model).loss(Losses::softmaxCrossEntropyLabels)
          .optimizer(new Sgd(model.namedParameters(), 0.1))
          .train(DataLoader.builder(Blobs.make(250, 4)).batchSize(100).seed(3)
              .augment((x, random) -> x.mul(1 + random.nextInt(2))).build())
          .epochs(2).captureSteps(true).build().fit();
      assertEquals(2, h.size());
    }
    assertEquals(List.of(), events, "no capture");
  }

  /** A failed capture fails fit(), saying why, and leaves no gradient of the failed step. */
  @Test
  void aFailedCaptureFailsTheRunAndForgetsTheGradients() {
    failingCaptures = 1;
    Backend backend = capturingCpu();
    try (Backends.Scope ignored = Backends.use(backend)) {
      Sequential model = Mlp.builder().input(2).hidden(8).output(3).seed(5).build();
      Trainer trainer = Trainer.builder().model(model).loss(Losses::softmaxCrossEntropyLabels)
          .optimizer(new Sgd(model.namedParameters(), 0.1))
          .train(DataLoader.builder(Blobs.make(250, 4)).batchSize(100).build()).epochs(1)
          .captureSteps(true).build();
      IllegalStateException e = assertThrows(IllegalStateException.class, trainer::fit);
      assertEquals("cuda backend: download while capturing a CUDA graph: the host cannot read "
          + "results inside the captured work", e.getMessage());
      model.namedParameters().values().forEach(p -> assertEquals(null, p.grad(), "no gradient"));
    }
    assertEquals(List.of("failed capture"), events);
  }

  /** Five kinds of batch: the least recently used capture is released beyond four. */
  @Test
  void beyondFourKindsOfBatchTheLeastRecentlyUsedCaptureIsReleased() throws IOException {
    try (Backends.Scope ignored = Backends.use(capturingCpu())) {
      Sequential model = Mlp.builder().input(2).hidden(8).output(3).seed(5).build();
      Sgd sgd = new Sgd(model.namedParameters(), 0.1);
      Dataset data = Blobs.make(20, 4);
      GraphStep step = new GraphStep(Backends.current(),
          (GraphCapture) Backends.current(), data::gather, (x, y) -> {
            Tensor loss = Losses.softmaxCrossEntropyLabels(model.forward(x), y);
            loss.backward();
            sgd.step();
            model.zeroGrad();
            return new Tensor[] {loss, null, null};
          }, sgd::learningRate, model::zeroGrad);
      Tensor order = Tensor.indices(new int[] {3, 1, 4, 1, 5, 9, 2, 6});
      try (step) {
        for (int size : new int[] {1, 2, 3, 4, 5, 1}) { // five kinds of batch, then the first
          step.run(order, 2, size); // eagerly
          step.run(order, 2, size); // captured and launched
        }
        List<String> capturedAndLaunched = List.of("capture", "launch");
        List<String> want = new ArrayList<>();
        for (int kind = 0; kind < 4; kind++) {
          want.addAll(capturedAndLaunched);
        }
        want.add("close"); // the fifth kind releases the first
        want.addAll(capturedAndLaunched);
        want.add("close"); // the first again releases the second
        want.addAll(capturedAndLaunched);
        assertEquals(want, events);
      }
      assertEquals(4, events.stream().skip(12).filter("close"::equals).count(),
          "closing releases the four kept");
    }
  }

  /**
   * The faithful check: on a backend that records the primitive calls of a capture and replays
   * only those (no Java code of the step, as a CUDA graph), the Trainer's captured run has the
   * eager run's parameters and metrics, bit for bit: momentum, a smaller last batch, a per-epoch
   * schedule (the rate filled in before the launches of each epoch) and accuracy included.
   */
  @Test
  void replayingOnlyTheRecordedCallsGivesTheEagerRunsBits() throws IOException {
    List<MetricsHistory> h = new ArrayList<>();
    RecordingCaptureBackend eagerBackend = new RecordingCaptureBackend();
    RecordingCaptureBackend replaying = new RecordingCaptureBackend();
    double[] eager = train(eagerBackend.backend(), false, true, h);
    double[] captured = train(replaying.backend(), true, true, h);
    assertEquals(List.of(), eagerBackend.events);
    assertEquals(2, replaying.events.size(), "one capture per batch size, not per epoch's rate "
        + "(SGD reads it at each launch): " + replaying.events);
    assertArrayEquals(eager, captured, "parameters after 3 epochs");
    assertEquals(lossesAndAccuracies(h.get(0)), lossesAndAccuracies(h.get(1)));
  }

  /** In order, the last batch dropped: replayed from the recorded calls, the same bits. */
  @Test
  void replayedStepsWithoutShufflingAndWithTheLastBatchDroppedGiveTheEagerRunsBits() {
    replayedMatchesEager(1, () -> mlp(Activation.RELU), MOMENTUM,
        data -> DataLoader.builder(data).batchSize(60).shuffle(false).dropLast(true).build(),
        b -> b.epochs(2));
  }

  /** Clipping on the device and no accuracy: replayed from the recorded calls, the same bits. */
  @Test
  void replayedStepsWithClippingAndWithoutAccuracyGiveTheEagerRunsBits() {
    replayedMatchesEager(2, () -> mlp(Activation.TANH), MOMENTUM,
        data -> DataLoader.builder(data).batchSize(100).seed(3).build(),
        b -> b.accuracy(false).clipGradients(0.5).epochs(3));
  }

  /**
   * Adam, whose rate changes every step: each replay counts its step and fills the rate its
   * captured update reads before the launch, so the replayed run has the eager run's bits, its
   * moments and counts too: with a smaller last batch (a capture of its own, whose launches
   * interleave with the other's), and with a per-epoch schedule (one capture: Adam reads the
   * rate at each launch).
   */
  @Test
  void replayedAdamStepsGiveTheEagerRunsBitsAndCounts() {
    replayedMatchesEager(2, () -> mlp(Activation.RELU), params -> new Adam(params, 0.01),
        data -> DataLoader.builder(data).batchSize(60).seed(4).build(), b -> b.epochs(3));
    replayedMatchesEager(1, () -> mlp(Activation.RELU), params -> new Adam(params, 0.01),
        data -> DataLoader.builder(data).batchSize(50).seed(4).build(),
        b -> b.epochs(3).schedule(new ExponentialDecay(0.7), Interval.EPOCH));
  }

  /**
   * AdaGrad, RMSprop and Adadelta keep running sums in slots created by the first, eager, step and
   * update them with constant scalars: replayed, the eager run's bits, slots and counts (a
   * smaller last batch captured apart).
   */
  @Test
  void replayedAdaGradRmsPropAndAdadeltaStepsGiveTheEagerRunsBits() {
    replayedMatchesEager(2, () -> mlp(Activation.RELU),
        params -> new dev.jgrad.optim.AdaGrad(params, 0.05),
        data -> DataLoader.builder(data).batchSize(60).seed(4).build(), b -> b.epochs(3));
    replayedMatchesEager(2, () -> mlp(Activation.RELU),
        params -> new dev.jgrad.optim.RmsProp(params, 0.001),
        data -> DataLoader.builder(data).batchSize(60).seed(4).build(), b -> b.epochs(3));
    replayedMatchesEager(2, () -> mlp(Activation.RELU),
        params -> new dev.jgrad.optim.Adadelta(params, 1.0),
        data -> DataLoader.builder(data).batchSize(60).seed(4).build(), b -> b.epochs(3));
  }

  /**
   * AdamW with weight decay: its decay, bias root and step are filled in before each launch, so
   * it follows a per-epoch and a per-step schedule with one capture: the eager run's bits,
   * moments and counts.
   */
  @Test
  void replayedAdamWStepsGiveTheEagerRunsBitsAndCounts() {
    replayedMatchesEager(1, () -> mlp(Activation.RELU),
        params -> new dev.jgrad.optim.AdamW(params, 0.01, 0.05),
        data -> DataLoader.builder(data).batchSize(50).seed(4).build(),
        b -> b.epochs(3).schedule(new ExponentialDecay(0.7), Interval.EPOCH));
    replayedMatchesEager(1, () -> mlp(Activation.RELU),
        params -> new dev.jgrad.optim.AdamW(params, 0.01, 0.05),
        data -> DataLoader.builder(data).batchSize(50).seed(4).build(),
        b -> b.epochs(2).schedule(new ExponentialDecay(0.9).withWarmup(3, 0.1), Interval.STEP));
  }

  /**
   * PyTorch's Adam with L2 decay (AdamW's fused update, decoupled decay 0, plus the gradient's
   * decay term, a primitive with a constant scalar): replayed under a per-step schedule, the eager
   * run's bits, moments and counts.
   */
  @Test
  void replayedTorchAdamStepsGiveTheEagerRunsBitsAndCounts() {
    replayedMatchesEager(1, () -> mlp(Activation.RELU),
        params -> new dev.jgrad.optim.TorchAdam(params, 0.01, 0.05),
        data -> DataLoader.builder(data).batchSize(50).seed(4).build(),
        b -> b.epochs(2).schedule(new ExponentialDecay(0.9).withWarmup(3, 0.1), Interval.STEP));
  }

  /**
   * Dropout draws a new mask every step: each replay fills its layer's counter before the launch,
   * so the masks, and so the bits, are the eager run's (two Dropout layers, a smaller last batch
   * with a capture of its own, and the evaluation passes between epochs, which draw none).
   */
  @Test
  void replayedStepsWithDropoutGiveTheEagerRunsBits() {
    replayedMatchesEager(2, () -> new Sequential(
            new dev.jgrad.nn.Linear(2, 16, dev.jgrad.nn.Init.he(), new java.util.Random(1)),
            new dev.jgrad.nn.ReLU(), new dev.jgrad.nn.Dropout(0.5, 7),
            new dev.jgrad.nn.Linear(16, 8, dev.jgrad.nn.Init.he(), new java.util.Random(2)),
            new dev.jgrad.nn.ReLU(), new dev.jgrad.nn.Dropout(0.2, 8),
            new dev.jgrad.nn.Linear(8, 3, dev.jgrad.nn.Init.he(), new java.util.Random(3))),
        MOMENTUM, data -> DataLoader.builder(data).batchSize(60).seed(4).build(),
        b -> b.epochs(3).test(Blobs.make(50, 9)));
  }

  /**
   * BatchNorm in training mode: batch statistics and the running averages updated in place with
   * constant scalars; the replayed run's parameters, running statistics and metrics are the
   * eager run's (evaluation between epochs uses the running statistics).
   */
  @Test
  void replayedStepsWithBatchNormGiveTheEagerRunsBits() {
    replayedMatchesEager(2, () -> new Sequential(
            new dev.jgrad.nn.Linear(2, 16, dev.jgrad.nn.Init.he(), new java.util.Random(1)),
            new dev.jgrad.nn.BatchNorm1d(16), new dev.jgrad.nn.ReLU(),
            new dev.jgrad.nn.Linear(16, 3, dev.jgrad.nn.Init.he(), new java.util.Random(2))),
        MOMENTUM, data -> DataLoader.builder(data).batchSize(60).seed(4).build(),
        b -> b.epochs(3).test(Blobs.make(50, 9)));
  }

  /** One Dropout layer used twice in a step: both uses would read one counter; refused. */
  @Test
  void aDropoutLayerUsedTwiceInACapturedStepIsRefused() {
    RecordingCaptureBackend r = new RecordingCaptureBackend();
    try (Backends.Scope ignored = Backends.use(r.backend())) {
      dev.jgrad.nn.Dropout twice = new dev.jgrad.nn.Dropout(0.5, 7);
      Sequential model = new Sequential(
          new dev.jgrad.nn.Linear(2, 8, dev.jgrad.nn.Init.he(), new java.util.Random(1)), twice,
          new dev.jgrad.nn.Linear(8, 8, dev.jgrad.nn.Init.he(), new java.util.Random(2)), twice,
          new dev.jgrad.nn.Linear(8, 3, dev.jgrad.nn.Init.he(), new java.util.Random(3)));
      Trainer trainer = Trainer.builder().model(model).loss(Losses::softmaxCrossEntropyLabels)
          .optimizer(new Sgd(model.namedParameters(), 0.1))
          .train(DataLoader.builder(Blobs.make(250, 4)).batchSize(100).build()).epochs(1)
          .captureSteps(true).build();
      IllegalStateException e = assertThrows(IllegalStateException.class, trainer::fit);
      assertEquals("recording backend: Dropout(p=0.5) is used twice in one captured step",
          e.getMessage());
    }
  }

  private static Sequential mlp(Activation activation) {
    return Mlp.builder().input(2).hidden(16).output(3).activation(activation).seed(5).build();
  }

  private static final java.util.function.Function<Map<String, Tensor>, Optimizer> MOMENTUM =
      params -> new Sgd(params, 0.5, 0.9, 0);

  /**
   * Trains {@code network} with {@code optimizer} on 250 blobs twice on a {@link RecordingCaptureBackend},
   * without and with captureSteps, and asserts the same parameters, buffers, metrics and
   * optimizer state, bit for bit, and {@code captures} captures in the captured run.
   */
  private static void replayedMatchesEager(int captures,
      java.util.function.Supplier<Sequential> network,
      java.util.function.Function<Map<String, Tensor>, Optimizer> optimizer,
      java.util.function.Function<Dataset, DataLoader> loader,
      java.util.function.Consumer<Trainer.Builder> options) {
    double[][] result = new double[2][];
    List<List<String>> metrics = new ArrayList<>();
    List<Map<String, String>> counters = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      RecordingCaptureBackend r = new RecordingCaptureBackend();
      try (Backends.Scope ignored = Backends.use(r.backend())) {
        Sequential model = network.get();
        Optimizer opt = optimizer.apply(model.namedParameters());
        Trainer.Builder b = Trainer.builder().model(model)
            .loss(Losses::softmaxCrossEntropyLabels).optimizer(opt)
            .train(loader.apply(Blobs.make(250, 4))).captureSteps(run == 1);
        options.accept(b);
        metrics.add(lossesAndAccuracies(fit(b)));
        OptimizerState state = opt.state();
        result[run] = java.util.stream.Stream.of(model.namedParameters().values().stream(),
                model.namedBuffers().values().stream(), // BatchNorm's running statistics
                new java.util.TreeMap<>(state.tensors()).values().stream())
            .flatMap(java.util.function.Function.identity())
            .flatMapToDouble(t -> java.util.Arrays.stream(t.toDoubleArray())).toArray();
        counters.add(state.values());
      }
      assertEquals(run == 1 ? captures : 0, r.events.size(), "captures: " + r.events);
    }
    assertArrayEquals(result[0], result[1], "parameters and optimizer slots");
    assertEquals(metrics.get(0), metrics.get(1));
    assertEquals(counters.get(0), counters.get(1), "the optimizer's counters");
  }

  private static MetricsHistory fit(Trainer.Builder b) {
    try {
      return b.build().fit();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aPerStepScheduleCannotBeCapturedWithAnOptimizerThatReplaysItsRate() {
    Sequential model = Mlp.builder().input(2).hidden(4).output(3).seed(1).build();
    Trainer.Builder b = Trainer.builder().model(model).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new ScalarRateSgd(new Sgd(model.namedParameters(), 0.1)))
        .train(DataLoader.builder(Blobs.make(30, 1)).batchSize(10).build()).epochs(1)
        .schedule(new ExponentialDecay(0.9), Interval.STEP).captureSteps(true);
    IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
    assertEquals("captureSteps(true) with scalar-rate sgd(lr=0.1, momentum=0.0, weightDecay=0.0) "
        + "replays the learning rate it captured, so it cannot follow a schedule that changes the "
        + "rate every step; schedule per epoch (Interval.EPOCH), use a built-in optimizer and a "
        + "backend with fused updates (such as cpu and cuda: their captured steps read the rate at "
        + "each launch), or leave captureSteps off", e.getMessage());
  }

  /**
   * A user's optimizer that does not read the rate from the device (the interface's default):
   * SGD's steps, said to replay their rate.
   */
  private record ScalarRateSgd(Optimizer sgd) implements Optimizer {
    @Override
    public void step() {
      sgd.step();
    }

    @Override
    public void zeroGrad() {
      sgd.zeroGrad();
    }

    @Override
    public String whyNotCapturable() {
      return null;
    }

    @Override
    public List<Tensor> parameters() {
      return sgd.parameters();
    }

    @Override
    public double learningRate() {
      return sgd.learningRate();
    }

    @Override
    public void setLearningRate(double learningRate) {
      sgd.setLearningRate(learningRate);
    }

    @Override
    public OptimizerState state() {
      return sgd.state();
    }

    @Override
    public void loadState(OptimizerState state) {
      sgd.loadState(state);
    }

    @Override
    public String toString() {
      return "scalar-rate " + sgd;
    }
  }

  /**
   * SGD with momentum reads the rate at each launch too (on a backend with FusedSgd): a warm-up
   * per step, one capture per batch size, the eager run's bits.
   */
  @Test
  void sgdFollowsAPerStepScheduleInCapturedSteps() {
    replayedMatchesEager(2, () -> mlp(Activation.RELU), MOMENTUM,
        data -> DataLoader.builder(data).batchSize(60).seed(4).build(),
        b -> b.epochs(3).schedule(new ExponentialDecay(0.95).withWarmup(4, 0.2), Interval.STEP));
  }

  /**
   * The book's Momentum, AdaGrad and RMSprop (with L2 decay) read the rate at each launch too,
   * through the backend's fused SGD pass: a warm-up per step, one capture per batch size, the
   * eager run's bits.
   */
  @Test
  void theBooksOptimizersFollowAPerStepScheduleInCapturedSteps() {
    List<java.util.function.Function<Map<String, Tensor>, Optimizer>> optimizers = List.of(
        params -> new dev.jgrad.optim.Momentum(params, 0.2, 0.9, 1e-3),
        params -> new dev.jgrad.optim.AdaGrad(params, 0.2, 1e-3),
        params -> new dev.jgrad.optim.RmsProp(params, 0.02, 0.9, 1e-3));
    for (var optimizer : optimizers) {
      replayedMatchesEager(2, () -> mlp(Activation.RELU), optimizer,
          data -> DataLoader.builder(data).batchSize(60).seed(4).build(),
          b -> b.epochs(3).schedule(new ExponentialDecay(0.95).withWarmup(4, 0.2),
              Interval.STEP));
    }
  }

  /**
   * Adam's captured step reads the rate at each launch: a schedule that changes it every step
   * is followed, one capture per batch size, with the eager run's bits.
   */
  @Test
  void adamFollowsAPerStepScheduleInCapturedSteps() {
    replayedMatchesEager(2, () -> mlp(Activation.RELU), params -> new Adam(params, 0.01),
        data -> DataLoader.builder(data).batchSize(60).seed(4).build(),
        b -> b.epochs(3).schedule(new ExponentialDecay(0.9).withWarmup(3, 0.1), Interval.STEP));
  }
}
