package dev.jgrad.testkit;

/** A backend's answer that the kit's reference contradicts: fails the check it is thrown in. */
final class Mismatch extends RuntimeException {
  private static final long serialVersionUID = 1L;

  Mismatch(String message) {
    super(message, null, false, false); // the message says it all; no stack trace to build
  }
}
