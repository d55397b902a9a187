package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Claims an output directory for one run, so that two runs with the same output directory do not
 * overwrite each other's files: an exclusive lock on {@value #FILE_NAME} in the directory, held
 * until {@link #close()} (or until the process ends, however it ends: the OS drops the lock).
 *
 * <p>Before locking it checks that the directory can be created and written (by creating and
 * deleting a probe file), so that a bad output directory fails at once, not after the first
 * epoch. The lock file records the holder's pid and start time for the message a second run gets.
 *
 * <pre>{@code
 * try (OutputLock lock = OutputLock.acquire(Path.of("out/mnist"))) {
 *   ... train, writing into out/mnist ...
 * }
 * }</pre>
 */
public final class OutputLock implements AutoCloseable {
  /** The lock file's name in the locked directory. */
  public static final String FILE_NAME = ".jgrad.lock";

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;
  private final Instant acquired;

  private OutputLock(Path dir, FileChannel channel, FileLock lock, Instant acquired) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
    this.acquired = acquired;
  }

  /**
   * Creates {@code dir} if needed, checks that it is a writable directory and locks it. Throws
   * {@link InUseException} at once when another run holds it, and an {@link UnusableException}
   * whose message names the directory when it cannot be created or written.
   */
  public static OutputLock acquire(Path dir) throws IOException {
    checkNotNull(dir, "output directory is null; pass e.g. out/mnist");
    checkWritableDirectory(dir);
    FileChannel channel = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very process, through another channel
      }
      if (lock == null) {
        throw new InUseException(dir, holder(channel));
      }
      Instant acquired = Instant.now();
      String me = "pid " + ProcessHandle.current().pid() + ", since "
          + LocalTime.ofInstant(acquired, ZoneId.systemDefault()).format(TIME);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
      return new OutputLock(dir, channel, lock, acquired);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The locked directory. */
  public Path dir() {
    return dir;
  }

  /**
   * Deletes the temporary files that killed runs left while writing these files of the directory
   * ({@link AtomicFiles#deleteStaleTempFiles}): those older than this lock, which no live run can
   * be writing while it is held. Returns how many.
   */
  public int deleteStaleTempFiles(String... fileNames) throws IOException {
    int deleted = 0;
    for (String name : fileNames) {
      deleted += AtomicFiles.deleteStaleTempFiles(dir.resolve(name), acquired);
    }
    return deleted;
  }

  /**
   * Releases the lock. The file stays: deleting it would let a run that opened it just before
   * lock a file no longer in the directory, while a third run locks a new one.
   */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }

  /** What the holder wrote into the lock file ("pid 1234, since 17:02:11"), or "". */
  private static String holder(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(200);
      channel.read(buffer, 0);
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return ""; // the message still names the directory
    }
  }

  private static void checkWritableDirectory(Path dir) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new UnusableException(dir + " is not a directory; choose another output directory",
          null);
    }
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new UnusableException("cannot create output directory " + dir + ": " + e.getFile()
          + " is a file; choose another output directory", e);
    } catch (IOException e) {
      throw new UnusableException("cannot create output directory " + dir + " (" + IoMessages.describe(e)
          + "); choose another output directory", e);
    }
    Path probe = dir.resolve(".jgrad-probe-" + ProcessHandle.current().pid());
    try {
      Files.deleteIfExists(probe);
      Files.createFile(probe);
      Files.delete(probe);
    } catch (IOException e) {
      throw new UnusableException("cannot write in output directory " + dir + " (" + IoMessages.describe(e)
          + "); fix its permissions or choose another output directory", e);
    }
  }

  /** The output directory cannot be used; the message names it and says what to do. */
  public static class UnusableException extends IOException {
    private static final long serialVersionUID = 1L;

    UnusableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Another run holds the directory; the message names it and the holder if known. */
  public static final class InUseException extends UnusableException {
    private static final long serialVersionUID = 1L;

    /** See {@link #dir()}. */
    private final Path dir;
    /** See {@link #holder()}. */
    private final String holder;

    InUseException(Path dir, String holder) {
      super(dir + " is in use by another jgrad run" + (holder.isEmpty() ? "" : " (" + holder + ")")
          + "; wait for it or choose another output directory", null);
      this.dir = dir;
      this.holder = holder;
    }

    /** The directory asked for. */
    public Path dir() {
      return dir;
    }

    /** The holder as its lock file says, e.g. "pid 1234, since 17:02:11", or "" if unknown. */
    public String holder() {
      return holder;
    }
  }
}
