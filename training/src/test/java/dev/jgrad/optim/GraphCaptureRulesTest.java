package dev.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.autograd.Tensor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What optimizers refuse while their backend records a CUDA graph ({@link GraphCapture}),
 * checked with the CPU backend posing as one that is capturing: a step whose scalars change
 * every step, and state created inside the capture. Refused before anything changes.
 */
class GraphCaptureRulesTest {
  private final AtomicBoolean capturing = new AtomicBoolean();
  private final Backend backend = capturingCpu(capturing);

  private static Backend capturingCpu(AtomicBoolean capturing, Class<?>... capabilities) {
    Backend cpu = Backends.byName("cpu");
    Class<?>[] interfaces = new Class<?>[2 + capabilities.length];
    interfaces[0] = Backend.class;
    interfaces[1] = GraphCapture.class;
    System.arraycopy(capabilities, 0, interfaces, 2, capabilities.length);
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), interfaces,
        (p, m, args) -> {
          if (m.getName().equals("isCapturing")) {
            return capturing.get();
          }
          if (m.getName().equals("beforeEachLaunch")) {
            return null; // no launches here
          }
          try {
            return m.invoke(cpu, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private Tensor weight() {
    Tensor w = Tensor.of(new float[] {1, 2}, 2).to(backend).requiresGrad(true);
    w.mul(3).sum().backward(); // grad 3, 3
    return w;
  }

  /**
   * Adam's and AdamW's bias corrections are scalars of primitive launches on a backend without
   * FusedAdam or FusedAdamW (this one: the proxy offers neither), whose fused updates read them
   * from the device.
   */
  @Test
  void adamAndAdamWWithoutTheirFusedUpdatesRefuseACaptureBeforeCountingTheStep() {
    Map<String, String> reasons = Map.of(
        "adam", "its bias corrections change every step, and on the cpu backend (no FusedAdam) "
            + "they are scalars of primitive launches, which a graph would replay unchanged",
        "adamw", "its bias corrections change every step, and on the cpu backend (no FusedAdamW) "
            + "they are scalars of primitive launches, which a graph would replay unchanged");
    for (Function<Map<String, Tensor>, AdamBase> make : java.util.List.<Function<Map<String,
        Tensor>, AdamBase>>of(p -> new Adam(p, 0.1), p -> new AdamW(p, 0.1))) {
      Tensor w = weight();
      AdamBase opt = make.apply(Map.of("w", w));
      capturing.set(true);
      IllegalStateException e = assertThrows(IllegalStateException.class, opt::step);
      String kind = opt.toString().startsWith("adamw") ? "adamw" : "adam";
      assertEquals(kind + " cannot be captured into a CUDA graph: " + reasons.get(kind)
          + "; train it without a graph (captureSteps off)", e.getMessage());
      assertEquals(0, opt.steps(), "the step was not counted");
      assertArrayEquals(new double[] {1, 2}, w.toDoubleArray(), "nothing was updated");
      capturing.set(false);
      opt.step(); // without a capture it steps
      assertEquals(1, opt.steps());
    }
  }

  @Test
  void stateIsNotCreatedInsideACaptureButAfterAnEagerStepSgdMayBeCaptured() {
    Tensor w = weight();
    Sgd sgd = new Sgd(Map.of("w", w), 0.1, 0.9, 0);
    capturing.set(true);
    IllegalStateException e = assertThrows(IllegalStateException.class, sgd::step);
    assertEquals("sgd's state 'v.w' does not exist yet, and cannot be created inside a CUDA graph "
        + "capture; run one step without the graph first, then capture", e.getMessage());
    assertArrayEquals(new double[] {1, 2}, w.toDoubleArray(), "nothing was updated");
    capturing.set(false);
    sgd.step(); // eager: v = 3, w -= 0.1 * 3
    capturing.set(true);
    sgd.step(); // the slot exists: the (here uncaptured) step runs: v = 0.9 * 3 + 3, w -= 0.57
    assertArrayEquals(new double[] {1 - 0.3 - 0.57, 2 - 0.3 - 0.57}, w.toDoubleArray(), 1e-6);
  }

  /**
   * The book's optimizers read the rate from a buffer that an uncaptured step fills: with state
   * loaded but no such step, a capture fails naming what to do, before anything is updated.
   */
  @Test
  void aRateNeverFilledFailsTheCaptureBeforeAnyUpdate() {
    Backend fused = capturingCpu(capturing, FusedSgd.class);
    for (Function<Map<String, Tensor>, Optimizer> make : java.util.List.<Function<Map<String,
        Tensor>, Optimizer>>of(p -> new Momentum(p, 0.1), p -> new AdaGrad(p, 0.1),
            p -> new RmsProp(p, 0.1))) {
      Tensor w = Tensor.of(new float[] {1, 2}, 2).to(fused).requiresGrad(true);
      w.mul(3).sum().backward();
      Optimizer opt = make.apply(Map.of("w", w));
      opt.loadState(opt.state()); // the slots exist, as after loading a checkpoint
      capturing.set(true);
      IllegalStateException e = assertThrows(IllegalStateException.class, opt::step);
      String kind = opt.toString().substring(0, opt.toString().indexOf('('));
      assertEquals(kind + "'s learning rate buffer does not exist yet on the cpu backend, and "
          + "cannot be created inside a CUDA graph capture; run one step without the graph "
          + "first, then capture", e.getMessage());
      assertArrayEquals(new double[] {1, 2}, w.toDoubleArray(), kind + ": nothing was updated");
      for (Tensor slot : opt.state().tensors().values()) {
        assertArrayEquals(new double[] {0, 0}, slot.toDoubleArray(), kind + "'s state");
      }
      capturing.set(false);
      opt.step(); // uncaptured, it fills the rate and steps
      assertTrue(w.toDoubleArray()[0] < 1, kind + " stepped");
    }
  }
}
