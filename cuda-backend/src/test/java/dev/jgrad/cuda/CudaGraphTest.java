package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.DropoutMask;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.autograd.ops.DropoutOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CUDA graphs ({@link CudaBackend#capture}): capture runs nothing, launches replay the work on
 * the captured buffers with the eager bits, and what a graph cannot hold fails the capture with
 * its reason and leaves the backend usable. Needs a GPU; elsewhere each test is skipped.
 */
class CudaGraphTest {
  private CudaBackend b;

  @BeforeEach
  void gpu() {
    b = GpuFixture.backend();
    b.synchronize();
  }

  private float[] read(DeviceBuffer buffer) {
    float[] host = new float[(int) buffer.length()];
    b.download(buffer, host);
    return host;
  }

  @Test
  void captureRunsNothingAndEachLaunchReplaysOnTheCurrentInputs() {
    try (DeviceBuffer x = b.upload(new float[] {1, 2, 3});
        DeviceBuffer y = b.upload(new float[] {-1, -1, -1})) {
      DeviceActivity before = b.activity();
      try (CudaGraph g = b.capture(() -> {
        b.scalar(BinaryOp.MUL, x, 2, y);
        b.scalar(BinaryOp.ADD, y, 1, y);
      })) {
        assertTrue(g.nodes() >= 2, g.toString());
        assertArrayEquals(new float[] {-1, -1, -1}, read(y), "capturing runs nothing");
        g.launch();
        assertArrayEquals(new float[] {3, 5, 7}, read(y));
        try (DeviceBuffer next = b.upload(new float[] {10, 20, 30})) {
          b.copy(next, 0, x, 0, 3); // the next step's input, into the captured buffer
        }
        g.launch();
        assertArrayEquals(new float[] {21, 41, 61}, read(y));
        assertEquals(2, b.activity().since(before).graphLaunches());
      }
    }
  }

  /**
   * A small MLP's SGD step (the loss, backward and one sgdUpdateAll, with and without momentum) as
   * eager steps and as a graph.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(doubles = {0, 0.9})
  void aReplayedTrainingStepHasTheEagerStepsBits(double momentum) {
    Random r = new Random(3);
    float[] w1 = values(r, 20 * 16, 0.3);
    float[] w2 = values(r, 16 * 5, 0.3);
    List<float[]> xs = new ArrayList<>();
    List<int[]> ys = new ArrayList<>();
    for (int step = 0; step < 5; step++) {
      xs.add(values(r, 8 * 20, 1));
      int[] y = new int[8];
      for (int i = 0; i < 8; i++) {
        y[i] = r.nextInt(5);
      }
      ys.add(y);
    }
    Mlp eager = new Mlp(w1, w2, momentum);
    for (int step = 0; step < 5; step++) {
      eager.feed(xs.get(step), ys.get(step));
      eager.step();
    }
    Mlp graphed = new Mlp(w1, w2, momentum);
    graphed.feed(xs.get(0), ys.get(0));
    graphed.step(); // eager first: kernels loaded, state set up
    try (CudaGraph g = b.capture(graphed::step)) {
      for (int step = 1; step < 5; step++) {
        graphed.feed(xs.get(step), ys.get(step));
        g.launch();
      }
    }
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(read(eager.params.get(i).buffer()), read(graphed.params.get(i).buffer()),
          "parameter " + i + " after 5 steps");
      if (momentum != 0) {
        assertArrayEquals(read(eager.velocities.get(i)), read(graphed.velocities.get(i)),
            "velocity " + i + " after 5 steps");
      }
    }
    assertNotEquals(w1[0], read(graphed.params.get(0).buffer())[0], "the steps changed it");
  }

  /**
   * Adam's rate changes every step: the captured update reads it from a buffer that host work
   * registered with beforeEachLaunch fills before each launch, so the replays have the eager
   * steps' bits, step sizes included; the same for the update of three parameters captured as
   * one adamUpdateAll launch, against eager adamUpdate launches of each.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void aReplayedAdamUpdateReadsTheRateFilledInBeforeEachLaunch(boolean batch) {
    Random r = new Random(8);
    int[] sizes = batch ? new int[] {1000, 37, 70_000} : new int[] {1000};
    double[] rates = new double[6];
    List<float[]> p0 = new ArrayList<>();
    List<List<float[]>> grads = new ArrayList<>(); // per step, per parameter
    for (int n : sizes) {
      p0.add(values(r, n, 1));
    }
    for (int step = 0; step < rates.length; step++) {
      List<float[]> g = new ArrayList<>();
      for (int n : sizes) {
        g.add(values(r, n, 1));
      }
      grads.add(g);
      rates[step] = 0.01 * Math.sqrt(1 - Math.pow(0.999, step + 1)) / (1 - Math.pow(0.9, step + 1));
    }
    List<DeviceBuffer> all = new ArrayList<>(); // closed at the end
    List<List<DeviceBuffer>> eager = new ArrayList<>(); // param, m, v
    List<List<DeviceBuffer>> graphed = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      eager.add(new ArrayList<>());
      graphed.add(new ArrayList<>());
    }
    List<DeviceBuffer> g = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      for (List<List<DeviceBuffer>> state : List.of(eager, graphed)) {
        state.get(0).add(b.upload(p0.get(i)));
        state.get(1).add(zeros(sizes[i]));
        state.get(2).add(zeros(sizes[i]));
        state.forEach(role -> all.add(role.get(role.size() - 1)));
      }
      g.add(b.allocate(DType.FLOAT32, sizes[i]));
      all.add(g.get(i));
    }
    try (DeviceBuffer rate = b.allocate(DType.FLOAT64, 1)) {
      for (int step = 0; step < rates.length; step++) {
        feed(grads.get(step), g);
        b.fill(rate, rates[step]);
        for (int i = 0; i < sizes.length; i++) {
          b.adamUpdate(eager.get(0).get(i), g.get(i), eager.get(1).get(i), eager.get(2).get(i),
              0.9, 0.999, 1e-7, rate);
        }
      }
      Runnable update = () -> {
        if (batch) {
          b.adamUpdateAll(graphed.get(0), g, graphed.get(1), graphed.get(2), 0.9, 0.999, 1e-7,
              rate);
        } else {
          b.adamUpdate(graphed.get(0).get(0), g.get(0), graphed.get(1).get(0),
              graphed.get(2).get(0), 0.9, 0.999, 1e-7, rate);
        }
      };
      feed(grads.get(0), g);
      b.fill(rate, rates[0]);
      update.run(); // the first step eagerly
      int[] next = {1};
      try (CudaGraph graph = b.capture(() -> {
        b.beforeEachLaunch("the rate", () -> b.fill(rate, rates[next[0]++]));
        update.run();
      })) {
        assertEquals(1, next[0], "the host work runs at each launch, not at the capture");
        for (int step = 1; step < rates.length; step++) {
          feed(grads.get(step), g);
          graph.launch();
        }
      }
      assertEquals(rates.length, next[0]);
      String[] roles = {"param", "m", "v"};
      for (int i = 0; i < sizes.length; i++) {
        for (int k = 0; k < 3; k++) {
          assertArrayEquals(read(eager.get(k).get(i)), read(graphed.get(k).get(i)),
              roles[k] + " " + i + " after " + rates.length + " steps");
        }
        assertNotEquals(p0.get(i)[0], read(graphed.get(0).get(i))[0], "the steps changed it");
      }
    } finally {
      all.forEach(DeviceBuffer::close);
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> b.beforeEachLaunch("the rate", () -> { }));
    assertTrue(e.getMessage().contains("outside a capture"), e.getMessage());
  }

  /**
   * Dropout draws a new mask every step: the captured mask kernel reads its counter from a buffer
   * that host work registered with beforeEachLaunch fills before each launch, so each replay has
   * the mask of its own counter, as DropoutMask defines it.
   */
  @Test
  void aReplayedDropoutMaskReadsTheCounterFilledInBeforeEachLaunch() {
    int n = 1000;
    Tensor x = Tensor.zeros(DType.FLOAT32, n).to(b);
    Tensor counter = Tensor.wrap(b, b.allocate(DType.FLOAT64, 1), Shape.of(1));
    Tensor mask = Tensor.wrap(b, b.allocate(DType.FLOAT32, n), Shape.of(n));
    long[] next = {5};
    try (CudaGraph g = b.capture(() -> {
      b.beforeEachLaunch("the counter", () -> b.fill(counter.buffer(), next[0]++));
      try (TensorScope scope = TensorScope.open()) {
        mask.assign(DropoutOps.dropoutMask(x, 0.5, 9, counter));
      }
    })) {
      for (long launch = 0; launch < 3; launch++) {
        g.launch();
        float[] want = new float[n];
        DropoutMask.fill(want, n, 0.5, 9, 5 + launch);
        assertArrayEquals(want, read(mask.buffer()), "launch " + launch);
      }
    }
    assertEquals(8, next[0]);
  }

  private DeviceBuffer zeros(int n) {
    DeviceBuffer z = b.allocate(DType.FLOAT32, n);
    b.fill(z, 0);
    return z;
  }

  private void feed(float[] host, DeviceBuffer dst) {
    try (DeviceBuffer d = b.upload(host)) {
      b.copy(d, 0, dst, 0, host.length);
    }
  }

  private void feed(List<float[]> hosts, List<DeviceBuffer> dsts) {
    for (int i = 0; i < hosts.size(); i++) {
      feed(hosts.get(i), dsts.get(i));
    }
  }

  private static float[] values(Random r, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }

  /**
   * 20-16-5 with ReLU on fixed input buffers, batch 8, SGD lr 0.1 through sgdUpdateAll; the
   * velocities (with momentum) made before any capture, as optimizers must.
   */
  private final class Mlp {
    final List<Tensor> params = new ArrayList<>();
    final List<DeviceBuffer> velocities;
    final double momentum;
    final Tensor x = Tensor.of(new float[8 * 20], 8, 20).to(b);
    final Tensor y = Tensor.indices(new int[8]).to(b);
    final DeviceBuffer rate = b.upload(new double[] {0.1});

    Mlp(float[] w1, float[] w2, double momentum) {
      params.add(Tensor.of(w1, 20, 16).to(b).requiresGrad(true));
      params.add(Tensor.of(new float[16], 16).to(b).requiresGrad(true));
      params.add(Tensor.of(w2, 16, 5).to(b).requiresGrad(true));
      params.add(Tensor.of(new float[5], 5).to(b).requiresGrad(true));
      this.momentum = momentum;
      this.velocities = momentum == 0 ? null : params.stream().map(p -> {
        DeviceBuffer v = b.allocate(DType.FLOAT32, p.size());
        b.fill(v, 0);
        return v;
      }).toList();
    }

    void feed(float[] inputs, int[] labels) {
      try (DeviceBuffer xi = b.upload(inputs); DeviceBuffer yi = b.upload(labels)) {
        b.copy(xi, 0, x.buffer(), 0, xi.length());
        b.copy(yi, 0, y.buffer(), 0, yi.length());
      }
    }

    void step() {
      try (TensorScope scope = TensorScope.open()) {
        Tensor h = x.matmul(params.get(0)).add(params.get(1)).relu();
        Losses.softmaxCrossEntropyLabels(h.matmul(params.get(2)).add(params.get(3)), y)
            .backward();
        b.sgdUpdateAll(params.stream().map(Tensor::buffer).toList(),
            params.stream().map(p -> p.grad().buffer()).toList(), velocities, rate, momentum, 0);
        params.forEach(Tensor::zeroGrad);
      }
    }
  }

  @Test
  void whatAGraphCannotHoldFailsTheCaptureWithItsReasonAndLeavesTheBackendUsable() {
    try (DeviceBuffer x = b.upload(new float[] {1, 2})) {
      expectRefused("download while capturing a CUDA graph", () -> read(x));
      expectRefused("synchronize while capturing a CUDA graph", b::synchronize);
      expectRefused("upload of 2 FLOAT32 elements while capturing a CUDA graph",
          () -> b.upload(new float[] {1, 2}).close());
      expectRefused("emptyCache while capturing a CUDA graph", b::emptyCache);
      expectRefused("captures do not nest", () -> b.capture(() -> { }));
      b.scalar(BinaryOp.MUL, x, 3, x); // the backend works as before, graphs too
      assertArrayEquals(new float[] {3, 6}, read(x));
      try (CudaGraph add = b.capture(() -> b.scalar(BinaryOp.ADD, x, 1, x))) {
        add.launch();
        add.launch();
      }
      assertArrayEquals(new float[] {5, 8}, read(x));
    }
  }

  private void expectRefused(String words, Runnable inCapture) {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.capture(() -> {
      try (DeviceBuffer t = b.allocate(DType.FLOAT32, 4)) {
        b.fill(t, 1); // some work captured before the failure
        inCapture.run();
      }
    }));
    assertTrue(e.getMessage().contains(words), e.getMessage());
  }

  @Test
  void anotherThreadCannotQueueWorkIntoACapture() throws Exception {
    AtomicReference<Throwable> seen = new AtomicReference<>();
    try (CudaGraph g = b.capture(() -> {
      Thread other = new Thread(() -> {
        try {
          b.allocate(DType.FLOAT32, 10).close();
        } catch (Throwable t) {
          seen.set(t);
        }
      }, "other");
      other.start();
      try {
        other.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    })) {
      assertTrue(seen.get() instanceof IllegalStateException, String.valueOf(seen.get()));
      assertTrue(seen.get().getMessage().contains("called on thread 'other' while thread"),
          seen.get().getMessage());
      g.launch(); // an empty graph launches
      b.synchronize();
    }
  }

  @Test
  void aGraphsTemporariesAreReservedUntilItIsClosed() {
    long n = 12_345; // a size class no other buffer here has
    long[] temp = new long[1];
    CudaGraph g = b.capture(() -> {
      DeviceBuffer t = b.allocate(DType.FLOAT32, n);
      temp[0] = DeviceAddress.of(((CudaBuffer) t).pointer());
      b.fill(t, 2);
      t.close();
    });
    try (DeviceBuffer other = b.allocate(DType.FLOAT32, n)) {
      assertNotEquals(temp[0], DeviceAddress.of(((CudaBuffer) other).pointer()),
          "a graph's temporary is not handed to another buffer");
    }
    g.close();
    // the closed graph's block is back in the shared cache: among the next blocks of its class
    // (not necessarily the first, since the Cleaner may free a leaked one of that class between)
    List<DeviceBuffer> after = new ArrayList<>();
    try {
      boolean reused = false;
      for (int i = 0; i < 8 && !reused; i++) {
        DeviceBuffer a = b.allocate(DType.FLOAT32, n);
        after.add(a);
        reused = DeviceAddress.of(((CudaBuffer) a).pointer()) == temp[0];
      }
      assertTrue(reused, "the closed graph's block was not handed out again");
    } finally {
      after.forEach(DeviceBuffer::close);
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, g::launch);
    assertEquals("cuda backend: this CUDA graph was closed; capture the work again",
        e.getMessage());
  }
}
