package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The words a reader gives when its file cannot be opened, where the JDK's message is the bare
 * path; checked here without a file system, as root reads every file (LoaderFileErrorsTest opens
 * real ones where it can).
 */
class RegularFileTest {
  private static final Path FILE = Path.of("out", "model.safetensors");

  @Test
  void aMissingFileSaysToCheckThePathAndStaysANoSuchFileException() {
    NoSuchFileException jdk = new NoSuchFileException(FILE.toString());
    FileSystemException e = RegularFile.unopenable(FILE, jdk);
    assertInstanceOf(NoSuchFileException.class, e);
    assertEquals(FILE + ": no such file; check the path", e.getMessage());
    assertSame(jdk, e.getCause());
    assertEquals(FILE + ": no such file; check the path", IoMessages.describe(e));
  }

  @Test
  void anUnreadableFileSaysWhatToDoAndStaysAnAccessDeniedException() {
    AccessDeniedException jdk = new AccessDeniedException(FILE.toString());
    FileSystemException e = RegularFile.unopenable(FILE, jdk);
    assertInstanceOf(AccessDeniedException.class, e);
    assertEquals(FILE + ": permission denied; make it readable for this user (chmod u+r) or read"
        + " a copy", e.getMessage());
    assertSame(jdk, e.getCause());
  }
}
