package dev.jgrad.train;

import dev.jgrad.io.OutputLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@link OutputLock}s a {@link Trainer} holds for one {@link Trainer#fit}: one per directory
 * its file outputs write, except those the caller already holds a lock on (the CLI locks
 * {@code --out} before loading data; locking it twice would fail against itself). Closing
 * releases the trainer's own and leaves the caller's held.
 */
final class OutputDirLocks implements AutoCloseable {
  private final List<OutputLock> taken;

  private OutputDirLocks(List<OutputLock> taken) {
    this.taken = taken;
  }

  /**
   * Locks the directory of each file, in order, failing at once with
   * {@link OutputLock.InUseException} (naming the holder) when another run holds one; what was
   * locked before the failure is released.
   */
  static OutputDirLocks acquire(List<Path> files, List<OutputLock> held) throws IOException {
    Set<Path> dirs = new LinkedHashSet<>();
    for (Path f : files) {
      Path dir = f.toAbsolutePath().normalize().getParent();
      if (dir != null && !isHeld(dir, held)) {
        dirs.add(dir);
      }
    }
    List<OutputLock> taken = new ArrayList<>();
    try {
      for (Path dir : dirs) {
        taken.add(OutputLock.acquire(dir));
      }
    } catch (IOException | RuntimeException e) {
      new OutputDirLocks(taken).close();
      throw e;
    }
    return new OutputDirLocks(taken);
  }

  private static boolean isHeld(Path dir, List<OutputLock> held) throws IOException {
    for (OutputLock lock : held) {
      Path d = lock.dir().toAbsolutePath().normalize();
      if (d.equals(dir) || (Files.exists(d) && Files.exists(dir) && Files.isSameFile(d, dir))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (OutputLock lock : taken) {
      try {
        lock.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
