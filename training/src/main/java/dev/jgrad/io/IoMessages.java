package dev.jgrad.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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

  /**
   * A NoSuchFileException for {@code file} whose message names it and says what to do, e.g.
   * "out/model.safetensors: no such file; check the path, or train and save a model first",
   * where the JDK's message is the bare path.
   *
   * @param whatToDo e.g. "check the path"
   * @param cause the JDK's exception, or null
   */
  public static NoSuchFileException noSuchFile(Path file, String whatToDo, Throwable cause) {
    NoSuchFileException e = new NoSuchFileException(file.toString(), null,
        "no such file; " + whatToDo);
    e.initCause(cause);
    return e;
  }
}
