package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DeviceBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorScopeTest {
  @Test
  void closesWhatOpsComputedButNotParametersOrKeptTensors() {
    Tensor w = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
    Tensor kept;
    Tensor temp;
    Tensor view;
    try (TensorScope scope = TensorScope.open()) {
      temp = w.mul(2);
      view = w.reshape(4); // shares w's buffer: must survive
      Tensor loss = temp.sum();
      loss.backward();
      kept = scope.keep(temp.add(1));
      assertTrue(scope.ownedCount() >= 3);
    }
    assertTrue(temp.buffer().isClosed(), "intermediates are released");
    assertFalse(w.buffer().isClosed(), "parameters are not the scope's");
    assertFalse(view.buffer().isClosed());
    assertArrayEquals(new double[] {3, 5, 7, 9}, kept.toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 2, 3, 4}, w.toDoubleArray(), 0);
    Tensor released = temp;
    assertThrows(IllegalStateException.class, released::toDoubleArray,
        "a released tensor fails loudly");
  }

  /**
   * Every buffer a training step makes is closed with its scope, the backward pass's seed (the
   * loss's gradient of 1, made by a factory) included: on a GPU an unclosed one holds a block of
   * the allocator until the garbage collector runs, so device memory drifts between steps.
   */
  @Test
  void aStepLeavesNoBufferOpen() {
    List<DeviceBuffer> made = new ArrayList<>();
    boolean[] recording = {false};
    Backend recorder = TestBackends.renamedCpu("recording", method -> { }, (method, result) -> {
      if (recording[0] && result instanceof DeviceBuffer b) {
        made.add(b);
      }
    });
    try (Backends.Scope use = Backends.use(recorder)) {
      Tensor w = Tensor.of(new double[] {1, -2, 3, 4}, 2, 2).requiresGrad(true);
      Tensor x = Tensor.of(new double[] {0.5, 1}, 1, 2);
      recording[0] = true;
      try (TensorScope step = TensorScope.open()) {
        x.matmul(w).relu().sum().backward();
      }
      recording[0] = false;
      assertFalse(made.isEmpty());
      for (DeviceBuffer b : made) {
        assertTrue(b.isClosed(), "a buffer of the step left open: " + b);
      }
      assertFalse(w.buffer().isClosed(), "the parameter is not the step's");
    }
  }

  /** A step without zeroGrad adds to the last step's released gradient: one clear line. */
  @Test
  void aBackwardIntoAGradientItsScopeReleasedSaysToZeroIt() {
    Tensor w = Tensor.of(new double[] {1, 2}, 2).named("fc.bias").requiresGrad(true);
    try (TensorScope step = TensorScope.open()) {
      w.mul(2).sum().backward();
    }
    try (TensorScope step = TensorScope.open()) {
      Tensor loss = w.mul(2).sum();
      IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
      assertTrue(e.getMessage().contains("'fc.bias' FLOAT64[2]")
          && e.getMessage().contains("zeroGrad()"), e.getMessage());
      // the other remedy, for gradients accumulated across scopes on purpose
      assertTrue(e.getMessage().contains("scope.keep(p.grad())"), e.getMessage());
    }
    w.zeroGrad();
    try (TensorScope step = TensorScope.open()) {
      w.mul(2).sum().backward();
      assertArrayEquals(new double[] {2, 2}, w.grad().toDoubleArray(), 0);
    }
  }

  /** A request's tensor used after its scope: the cause and the fix, not "x ... is closed". */
  @Test
  void aTensorUsedAfterItsScopeClosedSaysWhyAndWhatToDo() {
    Tensor t;
    try (TensorScope request = TensorScope.open()) {
      t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).mul(2);
    }
    String fix = "was used after close: the TensorScope it was computed in has closed and"
        + " released it; use it inside that scope, or keep it past the scope with"
        + " scope.keep(tensor)";
    IllegalStateException op = assertThrows(IllegalStateException.class,
        () -> Tensor.ones(2, 3).add(t));
    assertEquals("jgrad::add: input 1: FLOAT32[2, 3] " + fix, op.getMessage());
    IllegalStateException read = assertThrows(IllegalStateException.class, t::toFloatArray);
    assertEquals("reading its values: FLOAT32[2, 3] " + fix, read.getMessage());
  }

  /**
   * A factory's tensor handed to a scope with own() is released with it: a request's input
   * upload reuses one pooled array instead of a new copy of the pixels every request.
   */
  @Test
  void aFactoryTensorTheScopeOwnsIsReleasedWithIt() throws InterruptedException {
    Tensor kept = Tensor.of(new float[] {1, 2}, 2);
    Tensor owned;
    try (TensorScope request = TensorScope.open()) {
      owned = request.own(Tensor.of(new float[] {1, 2}, 2));
      assertEquals(4f, owned.add(kept).toFloatArray()[1]);
    }
    assertThrows(IllegalStateException.class, owned::toFloatArray, "released with the scope");
    assertArrayEquals(new float[] {1, 2}, kept.toFloatArray(), "not owned: left alone");

    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)
        java.lang.management.ManagementFactory.getThreadMXBean();
    float[] pixels = new float[100 * 784]; // 314 KB a copy
    long before = 0;
    for (int request = 0; request < 20; request++) {
      if (request == 10) {
        before = threads.getCurrentThreadAllocatedBytes();
      }
      try (NoGrad noGrad = NoGrad.scope(); TensorScope scope = TensorScope.open()) {
        scope.own(Tensor.of(pixels, 100, 784)).sum().item();
      }
    }
    long perRequest = (threads.getCurrentThreadAllocatedBytes() - before) / 10;
    assertTrue(perRequest < 100 * 784 * 4 / 4, "each request allocated " + perRequest
        + " bytes: a new copy of its pixels");

    TensorScope closed = TensorScope.open();
    closed.close();
    IllegalStateException late = assertThrows(IllegalStateException.class,
        () -> closed.own(Tensor.zeros(1)));
    assertEquals("TensorScope.own: this scope is closed; own tensors in the scope, on the thread,"
        + " that uses them", late.getMessage());
    try (TensorScope mine = TensorScope.open()) {
      IllegalStateException[] elsewhere = new IllegalStateException[1];
      Thread t = new Thread(() -> elsewhere[0] = assertThrows(IllegalStateException.class,
          () -> mine.own(Tensor.zeros(1))));
      t.start();
      t.join();
      assertEquals("TensorScope.own: this scope is not open on this thread; own tensors in the "
          + "scope, on the thread, that uses them", elsewhere[0].getMessage());
    }
  }

  @Test
  void anOutOfOrderCloseLeavesNoScopeOnTheThread() {
    Tensor x = Tensor.of(new double[] {1, 2});
    TensorScope outer = TensorScope.open();
    Tensor fromOuter = x.mul(2);
    TensorScope inner = TensorScope.open();
    Tensor fromInner = x.mul(3);
    IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
    assertTrue(e.getMessage().contains("reverse order"), e.getMessage());
    assertTrue(fromInner.buffer().isClosed(), "the skipped inner scope was closed with it");
    assertTrue(fromOuter.buffer().isClosed());
    inner.close(); // already closed: nothing to do
    Tensor later = x.mul(4);
    assertEquals(0, outer.ownedCount(), "the failed scope must not own later tensors");
    assertEquals(0, inner.ownedCount());
    try (TensorScope next = TensorScope.open()) {
      x.mul(5);
      assertEquals(1, next.ownedCount());
    }
    assertFalse(later.buffer().isClosed());
  }

  @Test
  void keptTensorsMoveToTheEnclosingScope() {
    Tensor x = Tensor.of(new double[] {1, 2});
    Tensor inner;
    try (TensorScope outer = TensorScope.open()) {
      try (TensorScope scope = TensorScope.open()) {
        inner = scope.keep(x.mul(3));
      }
      assertFalse(inner.buffer().isClosed());
      assertEquals(1, outer.ownedCount());
    }
    assertTrue(inner.buffer().isClosed());
  }

  @Test
  void trainingStepsInScopesKeepWorking() {
    Tensor w = Tensor.of(new double[] {0.5}, 1, 1).requiresGrad(true);
    Tensor x = Tensor.of(new double[] {1, 2, 3}, 3, 1);
    Tensor y = Tensor.of(new double[] {3, 6, 9}, 3, 1);
    for (int i = 0; i < 300; i++) {
      try (TensorScope step = TensorScope.open()) {
        w.zeroGrad();
        Losses.meanSquaredError(x.matmul(w), y).backward();
        w.addScaledInPlace(w.grad(), -0.05);
      }
    }
    assertEquals(3, w.item(), 1e-6);
  }

  /** The error's second remedy works: kept past each scope, gradients accumulate across them. */
  @Test
  void gradientsKeptPastTheirScopesAccumulateAcrossScopes() {
    Tensor w = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
    for (int step = 0; step < 3; step++) {
      try (TensorScope scope = TensorScope.open()) {
        w.mul(2).sum().backward();
        scope.keep(w.grad());
      }
    }
    assertArrayEquals(new double[] {6, 6}, w.grad().toDoubleArray(), 0);
  }
}
