package dev.jgrad.autograd;

import com.google.common.base.Preconditions;
import dev.jgrad.api.DeviceBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Releases device memory deterministically: every tensor that an op computes on this thread
 * while the scope is open is owned by it, and its buffer is closed when the scope closes, except
 * for tensors handed on with {@link #keep}. On a GPU this keeps memory flat across training
 * steps instead of waiting for the garbage collector.
 *
 * <pre>{@code
 * for (Batch b : loader.epoch(epoch)) {
 *   try (b; TensorScope step = TensorScope.open()) {
 *     optimizer.zeroGrad();             // the last step's gradients were released with its scope
 *     Tensor loss = Losses.softmaxCrossEntropy(model.forward(b.inputs()), b.targets());
 *     loss.backward();
 *     optimizer.step();                 // updates parameters in place
 *     lossSum += loss.item();
 *   }                                   // activations, gradients, temporaries released here
 * }
 * }</pre>
 *
 * <p>Tensors made by factories ({@code Tensor.of}, {@code zeros}, ...) are not owned by a scope:
 * parameters and optimizer state live as long as the objects that hold them. {@link #own} hands
 * one to the scope (a request's input). A tensor used after
 * its scope closed fails loudly ("used after close"), never silently.
 */
public final class TensorScope implements AutoCloseable {
  private static final ThreadLocal<Deque<TensorScope>> open =
      ThreadLocal.withInitial(ArrayDeque::new);

  private final List<Tensor> owned = new ArrayList<>();
  private final Set<DeviceBuffer> kept = Collections.newSetFromMap(new IdentityHashMap<>());
  private boolean closed;

  private TensorScope() {}

  /** Opens a scope on this thread; scopes nest. */
  public static TensorScope open() {
    TensorScope s = new TensorScope();
    open.get().push(s);
    return s;
  }

  /** Called for every tensor an op computes. */
  static void track(Tensor t) {
    TensorScope s = open.get().peek();
    if (s != null) {
      s.owned.add(t);
    }
  }

  /**
   * Makes this scope own {@code t}, a factory's tensor ({@code Tensor.of}, {@code zeros}, ...)
   * made for this scope's work only, such as a request's input: its buffer is closed with the
   * scope's, as an op's output is, rather than left to the garbage collector. A service that
   * uploads each request's pixels so reuses one array (or, on a GPU, frees the device memory at
   * once) instead of making a request's worth of garbage every time. Returns {@code t}.
   *
   * @throws IllegalStateException when this scope is closed, or not open on this thread
   */
  public Tensor own(Tensor t) {
    Preconditions.checkNotNull(t, "TensorScope.own(null): pass the tensor this scope is to "
        + "release");
    if (closed || !open.get().contains(this)) {
      throw new IllegalStateException("TensorScope.own: this scope is " + (closed ? "closed"
          : "not open on this thread") + "; own tensors in the scope, on the thread, that uses "
          + "them");
    }
    owned.add(t);
    return t;
  }

  /**
   * Keeps {@code t} (and any tensor sharing its buffer) alive past this scope: it moves to the
   * enclosing scope, or to nobody when this is the outermost one. Returns {@code t}.
   */
  public Tensor keep(Tensor t) {
    kept.add(t.storage());
    Deque<TensorScope> stack = open.get();
    boolean passOn = false;
    for (TensorScope s : stack) { // innermost first
      if (passOn) {
        s.owned.add(t);
        break;
      }
      passOn = s == this;
    }
    return t;
  }

  /** Number of tensors owned so far (for tests and logging). */
  public int ownedCount() {
    return owned.size();
  }

  /**
   * Closes the buffers of the tensors this scope owns. Scopes close in the reverse order they
   * opened. Closing one while scopes opened inside it are still open closes those too, then
   * throws: no scope that failed to close stays on the thread to own every later tensor (which
   * would leak all of them), at the price of releasing the inner scopes' tensors early.
   *
   * @throws IllegalStateException when inner scopes were still open (they are closed now), or
   *     when called on a thread that did not open this scope (then nothing changes)
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    Deque<TensorScope> stack = open.get();
    if (!stack.contains(this)) {
      throw new IllegalStateException("TensorScope closed on a thread that did not open it; "
          + "close it on the thread that opened it");
    }
    int skipped = 0;
    while (stack.peek() != this) {
      stack.peek().release();
      skipped++;
    }
    release();
    if (skipped > 0) {
      throw new IllegalStateException("TensorScopes must close in the reverse order they opened "
          + "(use try-with-resources); the " + skipped + " scope(s) opened inside this one were "
          + "still open and are now closed with it");
    }
  }

  /** Pops this scope, the top of the thread's stack, and closes what it owns. */
  private void release() {
    closed = true;
    open.get().pop();
    Set<DeviceBuffer> done = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor t : owned) {
      DeviceBuffer b = t.storage();
      if (!kept.contains(b) && done.add(b)) {
        b.close();
      }
    }
    owned.clear();
  }
}
