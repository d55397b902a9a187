package dev.jgrad.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateTempDirsTest {
  @TempDir Path root;

  @Test
  void makesANewOwnerOnlyFolderNamedAfterThePrefix() throws IOException {
    Path a = PrivateTempDirs.create(root, "jgrad-x-");
    Path b = PrivateTempDirs.create(root, "jgrad-x-");
    assertNotEquals(a, b);
    for (Path dir : new Path[] {a, b}) {
      assertTrue(Files.isDirectory(dir), dir + " is a folder");
      assertEquals(root, dir.getParent());
      assertTrue(dir.getFileName().toString().matches("jgrad-x-[0-9a-f]+"), dir.toString());
      if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        assertEquals("rwx------",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
      }
    }
  }

  @Test
  void aTakenNameIsSkippedForTheNext() throws IOException {
    Files.createDirectory(root.resolve("p-1"));
    Files.writeString(root.resolve("p-2"), "a file, not a folder"); // taken too
    AtomicLong next = new AtomicLong(1);
    Path dir = PrivateTempDirs.create(root, "p-", next::getAndIncrement);
    assertEquals(root.resolve("p-3"), dir);
    assertEquals("a file, not a folder", Files.readString(root.resolve("p-2")));
  }

  @Test
  void everyNameTakenFailsInOneLineNamingTheFolderAndWhatToDo() throws IOException {
    Files.createDirectory(root.resolve("p-7"));
    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
        () -> PrivateTempDirs.create(root, "p-", () -> 7));
    assertEquals(root.resolve("p-7") + ": " + PrivateTempDirs.ATTEMPTS + " new folder names in "
        + root + " were all taken; clear out old p-* folders there or set java.io.tmpdir to "
        + "another folder", e.getMessage());
  }

  @Test
  void aPrefixWithASlashIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PrivateTempDirs.create(root, "a/b-"));
    assertEquals("prefix a/b-: give a folder name's start, without '/'", e.getMessage());
  }
}
