package dev.jgrad.testkit;

import dev.jgrad.api.ArgumentChecks;
import dev.jgrad.api.Backend;
import dev.jgrad.api.DeviceBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One call the contract rejects, and how: the exception type, a message that starts with
 * {@code "<primitive> on the <backend> backend: "} and says certain words, and buffers the call
 * must leave as they were (nothing is written before the checks pass). Argument errors are
 * thrown by the call itself. A bad index value may instead be found by an asynchronous backend
 * on the device and thrown by the next {@link Backend#synchronize()}; what was written is then
 * not the kit's to check (the CUDA backend, for one, skips the bad element and writes the rest).
 */
final class Rejection {
  private final Backend backend;
  private final Class<? extends RuntimeException> type;
  private final String primitive;
  private final List<String> words = new ArrayList<>();
  private final List<DeviceBuffer> unchanged = new ArrayList<>();
  private boolean deferrable;

  private Rejection(Backend backend, Class<? extends RuntimeException> type, String primitive) {
    this.backend = backend;
    this.type = type;
    this.primitive = primitive;
  }

  static Rejection of(Backend backend, Class<? extends RuntimeException> type, String primitive) {
    return new Rejection(backend, type, primitive);
  }

  /** Words the message must contain (the contract's wording). */
  Rejection saying(String... words) {
    this.words.addAll(Arrays.asList(words));
    return this;
  }

  /** Buffers a synchronous failure must leave unwritten. */
  Rejection leaving(DeviceBuffer... buffers) {
    unchanged.addAll(Arrays.asList(buffers));
    return this;
  }

  /** A bad index value: may be reported at the next synchronisation instead of by the call. */
  Rejection orAtSynchronize() {
    deferrable = true;
    return this;
  }

  /** Makes the bad call; fails with a {@link Mismatch} unless it is rejected as expected. */
  String check(Buffers buffers, Runnable call) {
    List<double[]> before = new ArrayList<>();
    unchanged.forEach(u -> before.add(buffers.read(u)));
    RuntimeException thrown = null;
    boolean byTheCall = true;
    try {
      call.run();
    } catch (RuntimeException e) {
      thrown = e;
    }
    if (thrown == null) {
      byTheCall = false;
      try {
        backend.synchronize();
      } catch (RuntimeException e) {
        thrown = e;
      }
    }
    String expected = type.getSimpleName() + " from " + primitive;
    if (thrown == null) {
      throw new Mismatch("accepted the call; expected " + expected);
    }
    if (!byTheCall && !deferrable) {
      throw new Mismatch("the call returned and synchronize() threw " + thrown + "; an argument "
          + "error must be thrown by the call, before any work is queued");
    }
    if (!type.isInstance(thrown)) {
      throw new Mismatch("threw " + thrown + "; expected " + expected);
    }
    String message = String.valueOf(thrown.getMessage());
    String prefix = ArgumentChecks.where(backend.name(), primitive);
    if (!message.startsWith(prefix)) {
      throw new Mismatch("the message does not start with \"" + prefix + "\": " + message);
    }
    for (String w : words) {
      if (!message.contains(w)) {
        throw new Mismatch("the message does not say \"" + w + "\": " + message);
      }
    }
    if (!byTheCall) {
      return type.getSimpleName() + " at synchronize() (asynchronous: what was written is not "
          + "checked): " + message;
    }
    for (int i = 0; i < unchanged.size(); i++) {
      DeviceBuffer u = unchanged.get(i);
      try {
        Compare.bits(u.dtype() + "[" + u.length() + "]", before.get(i), buffers.read(u));
      } catch (Mismatch m) { // say which rule, not only which element
        throw new Mismatch("threw as it should, but first wrote into a buffer it was given ("
            + m.getMessage() + "); a rejected call writes nothing: check every argument, and "
            + "every index value, before the first write");
      }
    }
    return type.getSimpleName() + (unchanged.isEmpty() ? "" : ", nothing written") + ": "
        + message;
  }
}
