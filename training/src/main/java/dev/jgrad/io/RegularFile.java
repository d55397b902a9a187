package dev.jgrad.io;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The check every file reader makes before it opens a path. */
final class RegularFile {
  private RegularFile() {}

  /**
   * Refuses a directory, a pipe or a device in one line ({@code what}: what to pass instead).
   * Checked before opening: opening a FIFO would wait for a writer forever. A missing file is
   * left to the opening, whose exception names it.
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
}
