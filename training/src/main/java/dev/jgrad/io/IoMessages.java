package dev.jgrad.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * An {@link IOException} as the part of a one-line message that says what went wrong, without
 * the exception's class name, which means nothing to the user of a command line.
 */
public final class IoMessages {
  private IoMessages() {}

  /** E.g. "/a/file/sub: Not a directory", "no such file or directory: /x". */
  public static String describe(IOException e) {
    if (e instanceof AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (e instanceof NoSuchFileException n && n.getReason() == null) {
      return "no such file or directory: " + n.getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return (f.getFile() == null ? "" : f.getFile() + ": ") + f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
