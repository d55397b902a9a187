package dev.jgrad.api;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * A new owner-only folder for a backend's native library, as {@link Files#createTempDirectory}
 * makes, without its {@code SecureRandom}: seeding that one loads the security providers and took
 * about 25 ms of every process's start on two cores, to name a folder whose creation fails anyway
 * when the name is taken (then another name is tried). The name need only be unlikely to be taken.
 *
 * <pre>{@code
 * Path dir = PrivateTempDirs.create(Path.of(System.getProperty("java.io.tmpdir")), "jgrad-cpu-");
 * }</pre>
 */
public final class PrivateTempDirs {
  /** Names tried before giving up: each is taken only by a folder already there. */
  static final int ATTEMPTS = 16;

  private PrivateTempDirs() {}

  /**
   * A new folder in {@code root} named {@code prefix} and random hex digits, readable, writable
   * and searchable by its owner only where the file system has POSIX permissions.
   *
   * @throws IOException when {@code root} is unwritable, or every name tried was taken
   */
  public static Path create(Path root, String prefix) throws IOException {
    return create(root, prefix, () -> ThreadLocalRandom.current().nextLong());
  }

  /** {@link #create(Path, String)} with the random numbers from {@code random}; for tests. */
  static Path create(Path root, String prefix, LongSupplier random) throws IOException {
    checkNotNull(root, "root folder is null");
    checkArgument(prefix != null && !prefix.contains("/"),
        "prefix %s: give a folder name's start, without '/'", prefix);
    FileAttribute<?>[] ownerOnly =
        root.getFileSystem().supportedFileAttributeViews().contains("posix")
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(EnumSet.of(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE))}
            : new FileAttribute<?>[0];
    for (int attempt = 1; ; attempt++) {
      Path dir = root.resolve(prefix + Long.toHexString(random.getAsLong()));
      try {
        return Files.createDirectory(dir, ownerOnly);
      } catch (FileAlreadyExistsException e) {
        if (attempt == ATTEMPTS) {
          throw new FileAlreadyExistsException(dir.toString(), null, ATTEMPTS
              + " new folder names in " + root + " were all taken; clear out old " + prefix
              + "* folders there or set java.io.tmpdir to another folder");
        }
      }
    }
  }
}
