package dev.jgrad.autograd;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PyTorch's warning when the {@code .grad} of a non-leaf tensor is read: null there is no bug
 * of the engine's but a gradient never stored, and {@link Tensor#retainGrad()} is the fix. Logged
 * once per run (under {@link Tensor}'s logger), never thrown: code may test the null.
 */
final class NonLeafGradWarning {
  private static final Logger log = LoggerFactory.getLogger(Tensor.class);
  private static final AtomicBoolean warned = new AtomicBoolean();

  private NonLeafGradWarning() {}

  static void warnOnce(Tensor t) {
    if (!warned.get() && warned.compareAndSet(false, true)) {
      log.warn("grad() of {} is null: it is not a leaf, and backward() stores the gradients "
          + "of leaves only. Call retainGrad() on it before backward() to keep its gradient "
          + "too, or read the grad() of the leaf you meant. (Logged once.)", t.describe());
    }
  }

  /** Lets a test see the warning again. */
  static void resetForTests() {
    warned.set(false);
  }
}
