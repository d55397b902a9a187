package dev.jgrad.examples.mnist;

/** A command line that cannot run: the message says what was wrong and how to fix it. */
public final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
