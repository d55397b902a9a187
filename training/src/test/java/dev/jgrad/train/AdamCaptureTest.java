package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.OptimizerState;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adam's step captured as a graph, on a backend that replays only the recorded calls
 * ({@link RecordingCaptureBackend}): a capture counts nothing and records the parameters' updates
 * as one batch call, each launch counts its step and fills its rates, a launch whose parameters sharing a rate buffer would need two rates is
 * refused, uncounted, and one whose rates merely became equal is not.
 */
class AdamCaptureTest {
  private final RecordingCaptureBackend recording = new RecordingCaptureBackend();
  private final Backend backend = recording.backend();
  private final Tensor a = Tensor.of(new float[] {1, 2, 3}, 3).to(backend).requiresGrad(true);
  private final Tensor b = Tensor.of(new float[] {-1, 4}, 2).to(backend).requiresGrad(true);
  private final Adam adam = new Adam(params(a, b), 0.1);

  private static Map<String, Tensor> params(Tensor a, Tensor b) {
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("a", a);
    p.put("b", b);
    return p;
  }

  /** {@code n} steps of {@code opt} over a and b, eagerly, with the loss of {@link #step}. */
  private static void eagerSteps(Adam opt, Tensor a, Tensor b, int n) {
    for (int i = 0; i < n; i++) {
      a.mul(a).sum().add(b.mul(3).sum()).backward();
      opt.step();
      a.zeroGrad();
      b.zeroGrad();
    }
  }

  /** Gradients (a fixed loss), then the step: what a captured step queues. */
  private void step() {
    a.mul(a).sum().add(b.mul(3).sum()).backward();
    adam.step();
    a.zeroGrad();
    b.zeroGrad();
  }

  @Test
  void eachLaunchIsAStepAndHasTheEagerStepsBits() {
    Tensor ea = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
    Tensor eb = Tensor.of(new float[] {-1, 4}, 2).requiresGrad(true);
    Adam eager = new Adam(params(ea, eb), 0.1);
    eagerSteps(eager, ea, eb, 4);
    step(); // eagerly: the moments and the rate buffer are made
    try (GraphCapture.Replay replay = ((GraphCapture) backend).capture(this::step)) {
      assertEquals(1, adam.steps(), "capturing counts nothing");
      assertEquals(1, Collections.frequency(recording.lastCapture, "adamUpdateAll"),
          "both parameters' updates are one batch call: " + recording.lastCapture);
      assertFalse(recording.lastCapture.contains("adamUpdate"), recording.lastCapture.toString());
      for (int launch = 0; launch < 3; launch++) {
        replay.launch();
      }
    }
    assertEquals(4, adam.steps());
    assertArrayEquals(ea.toDoubleArray(), a.toDoubleArray());
    assertArrayEquals(eb.toDoubleArray(), b.toDoubleArray());
    assertEquals(eager.state().values(), adam.state().values());
    OptimizerState want = eager.state();
    adam.state().tensors().forEach((key, t) ->
        assertArrayEquals(want.tensors().get(key).toDoubleArray(), t.toDoubleArray(), key));
  }

  /**
   * Rate buffers are grouped at the capture: parameters whose rates differed then keep their own
   * buffers when their rates later agree, and replays still have the eager bits.
   */
  @Test
  void parametersCapturedWithDifferentRatesKeepTheirBuffersWhenTheRatesAgree() {
    Tensor ea = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
    Tensor eb = Tensor.of(new float[] {-1, 4}, 2).requiresGrad(true);
    Adam eager = new Adam(params(ea, eb), 0.1);
    setCounts(eager, "5", "2"); // two rates
    eagerSteps(eager, ea, eb, 2);
    setCounts(eager, "9", "9"); // one rate
    eagerSteps(eager, ea, eb, 2);
    setCounts(adam, "5", "2");
    step();
    try (GraphCapture.Replay replay = ((GraphCapture) backend).capture(this::step)) {
      replay.launch();
      setCounts(adam, "9", "9"); // now one rate for both, each still read from its own buffer
      replay.launch();
      replay.launch();
    }
    assertArrayEquals(ea.toDoubleArray(), a.toDoubleArray());
    assertArrayEquals(eb.toDoubleArray(), b.toDoubleArray());
    assertEquals(eager.state().values(), adam.state().values());
  }

  /** Loads {@code opt}'s own state with the update counts of a and b replaced. */
  private static void setCounts(Adam opt, String a, String b) {
    OptimizerState s = opt.state();
    Map<String, String> counts = new HashMap<>(s.values());
    counts.put("t.a", a);
    counts.put("t.b", b);
    opt.loadState(new OptimizerState(s.kind(), s.tensors(), counts));
  }

  @Test
  void aLaunchWhoseParametersSharingARateNeedTwoIsRefusedUncounted() {
    step();
    try (GraphCapture.Replay replay = ((GraphCapture) backend).capture(this::step)) {
      replay.launch(); // both parameters at count 2: one rate, one buffer
      OptimizerState s = adam.state();
      Map<String, String> counts = new HashMap<>(s.values());
      counts.put("t.b", "7"); // b's count no longer moves with a's: a second rate buffer
      adam.loadState(new OptimizerState(s.kind(), s.tensors(), counts));
      float[] before = a.toFloatArray();
      IllegalStateException e = assertThrows(IllegalStateException.class, replay::launch);
      assertEquals("adam: parameters 'a' and 'b' share the step scalars the captured step "
          + "reads, but their update counts, 2 and 7, no longer give one set (changed since the "
          + "capture, e.g. by loadState); capture the step again", e.getMessage());
      assertEquals(counts, adam.state().values(), "the refused launch is not counted");
      assertArrayEquals(before, a.toFloatArray(), "nothing was updated");
      step(); // an eager step still works
      assertTrue(adam.state().values().get("t.b").equals("8"), adam.state().values().toString());
    }
  }

  /**
   * A parameter the last eager step did not update (no gradient) has no step scalars to capture
   * with: the capture fails saying so, and after an eager step with both, captures.
   */
  @Test
  void aParameterTheLastEagerStepSkippedFailsTheCaptureSayingSo() {
    step();
    a.mul(a).sum().backward(); // only a has a gradient
    adam.step();
    a.zeroGrad();
    GraphCapture capture = (GraphCapture) backend;
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> capture.capture(this::step));
    assertEquals("adam's step scalars of 'b' are not set up (the last step without the graph did "
        + "not update it), and cannot be set up inside a CUDA graph capture; run one step with "
        + "the same parameters without the graph first, then capture", e.getMessage());
    assertEquals(2, adam.steps(), "the failed capture counted nothing");
    a.zeroGrad();
    b.zeroGrad();
    step();
    try (GraphCapture.Replay replay = capture.capture(this::step)) {
      replay.launch();
    }
    assertEquals(Map.of("t", "4", "t.a", "4", "t.b", "3"), adam.state().values());
  }
}
