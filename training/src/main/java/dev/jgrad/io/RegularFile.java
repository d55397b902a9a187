package dev.jgrad.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The check every file reader makes before it opens a path, and the opening. */
final class RegularFile {
  private RegularFile() {}

  /**
   * Refuses a directory, a pipe or a device in one line ({@code what}: what to pass instead).
   * Checked before opening: opening a FIFO would wait for a writer forever. A missing file is
   * left to the opening ({@link #open}).
   */
  static void check(Path file, String what) throws FileNotFoundException {
    if (Files.isDirectory(file)) {
      throw new FileNotFoundException("cannot read " + file + ": it is a directory; pass "
          + what + " in it");
    }
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new FileNotFoundException("cannot read " + file + ": it is not a regular file (a pipe"
          + " or a device); pass " + what);
    }
  }

  /**
   * {@code file}, {@link #check checked}, opened for reading. A missing or unreadable file is a
   * NoSuchFileException or AccessDeniedException as the JDK throws, but with a message that
   * names it and says what to do, where the JDK's is the bare path.
   */
  static FileChannel open(Path file, String what) throws IOException {
    check(file, what);
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException | AccessDeniedException e) {
      throw unopenable(file, e);
    }
  }

  /** {@code e}, from opening {@code file}, as one line saying what to do. */
  static FileSystemException unopenable(Path file, FileSystemException e) {
    if (e instanceof NoSuchFileException) {
      return IoMessages.noSuchFile(file, "check the path", e);
    }
    FileSystemException denied = new AccessDeniedException(file.toString(), null,
        "permission denied; make it readable for this user (chmod u+r) or read a copy");
    denied.initCause(e);
    return denied;
  }
}
