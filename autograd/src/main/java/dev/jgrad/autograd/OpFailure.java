package dev.jgrad.autograd;

import dev.jgrad.api.BackendOutOfMemoryException;
import dev.jgrad.api.IndexOutOfRange;
import dev.jgrad.api.op.ProviderHints;
import java.util.function.Supplier;

/**
 * Says which op failed when its kernel or gradient rule throws. There the message is the JVM's or
 * a buffer's ("Index 4 out of bounds for length 4", "CPU buffer holds FLOAT64, not FLOAT32"), or
 * an inner op's ("jgrad::mul: shapes ... cannot be broadcast"), and a plugin's author could not
 * tell which op, backend or dtypes it came from.
 */
final class OpFailure {
  private OpFailure() {}

  /**
   * {@code e} with {@code where} in front ({@link BackendOutOfMemoryException#in}), or {@code e}
   * as it is where even that has no room in the heap: the type is what a service catches.
   */
  static BackendOutOfMemoryException outOfMemoryIn(BackendOutOfMemoryException e,
      Supplier<String> where) {
    try {
      return e.in(where.get());
    } catch (OutOfMemoryError full) {
      return e;
    }
  }

  /**
   * {@code e} with {@code where} (which names {@code op}) in front, keeping its type so that code
   * catching it still does: an index error stays an IndexOutOfBoundsException, the argument and
   * state exceptions theirs. {@code e} itself when its message names the op already, or it is of
   * another type of jgrad's or a caller's; out of memory keeps its type and gets {@code where} in
   * front. A bug's exception (a null, a bad cast) or a LinkageError becomes an
   * IllegalStateException with {@code e} as its cause.
   */
  static RuntimeException of(String op, String where, Throwable e) {
    String message = e.getMessage();
    if (message != null && message.contains(op) && e instanceof RuntimeException r) {
      return r;
    }
    if (e instanceof BackendOutOfMemoryException oom) { // a kernel's scratch: same type, op named
      return outOfMemoryIn(oom, () -> where);
    }
    Class<?> type = e.getClass();
    String text = where + ": " + (message != null && (type == IllegalArgumentException.class
        || type == IllegalStateException.class || type == UnsupportedOperationException.class
        || type == IndexOutOfBoundsException.class || type == IndexOutOfRange.class) ? message
        : e.toString());
    if (type == IllegalArgumentException.class) {
      return new IllegalArgumentException(text, e);
    }
    if (type == IllegalStateException.class) {
      return new IllegalStateException(text, e);
    }
    if (type == UnsupportedOperationException.class) {
      return new UnsupportedOperationException(text, e);
    }
    if (e instanceof IndexOutOfBoundsException) { // a label out of range, or a kernel's bug
      IndexOutOfBoundsException wrapped = new IndexOutOfBoundsException(text);
      wrapped.initCause(e);
      return wrapped;
    }
    if (e instanceof LinkageError l) { // a plugin built against another jgrad
      return new IllegalStateException(text + ProviderHints.linkage(l), e);
    }
    if (e instanceof NullPointerException || e instanceof ClassCastException
        || e instanceof ArithmeticException || e instanceof NegativeArraySizeException
        || e instanceof ArrayStoreException) {
      return new IllegalStateException(text, e);
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(text, e);
  }
}
