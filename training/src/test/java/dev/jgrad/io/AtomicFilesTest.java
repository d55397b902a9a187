package dev.jgrad.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void replacesTheTargetAndLeavesNoTemporaryFile() throws IOException {
    Path target = dir.resolve("sub/dir/report.txt");
    AtomicFiles.write(target, out -> out.write("first".getBytes(UTF_8)));
    AtomicFiles.write(target, out -> out.write("second".getBytes(UTF_8)));
    assertEquals("second", Files.readString(target));
    assertEquals(List.of("report.txt"), listNames(target.getParent()));
  }

  @Test
  void failureMidWayKeepsThePreviousContent() throws IOException {
    Path target = dir.resolve("weights.bin");
    Files.writeString(target, "previous");
    IOException boom = new IOException("disk on fire");
    IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
      out.write(new byte[100_000]); // more than one buffer: some bytes reach the temp file
      throw boom;
    }));
    assertSame(boom, thrown);
    assertEquals("previous", Files.readString(target));
    assertEquals(List.of("weights.bin"), listNames(dir));

    assertThrows(IllegalStateException.class, () -> AtomicFiles.write(dir.resolve("new.bin"),
        out -> {
          throw new IllegalStateException("bug in the writer");
        }));
    assertEquals(List.of("weights.bin"), listNames(dir), "no file created, no temp file left");
  }

  @Test
  void aPngNeedsNoTemporaryFolder() throws IOException {
    // ImageIO.write(image, "png", stream) caches the PNG in a file in its cache folder (by default
    // java.io.tmpdir), so a temporary folder deleted under a long run failed every chart after
    Path gone = Files.createDirectory(dir.resolve("cache"));
    File before = ImageIO.getCacheDirectory();
    boolean usedCache = ImageIO.getUseCache();
    ImageIO.setUseCache(true);
    ImageIO.setCacheDirectory(gone.toFile());
    Files.delete(gone);
    BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    image.setRGB(2, 1, 0x123456);
    Path target = dir.resolve("chart.png");
    try {
      AtomicFiles.writePng(target, image);
    } finally {
      ImageIO.setCacheDirectory(before);
      ImageIO.setUseCache(usedCache);
    }
    BufferedImage read = ImageIO.read(target.toFile());
    assertEquals(3, read.getWidth());
    assertEquals(0x123456, read.getRGB(2, 1) & 0xFFFFFF);
    assertEquals(List.of("chart.png"), listNames(dir));
  }

  @Test
  void contentMayCloseTheStreamWithoutLosingData() throws IOException {
    Path target = dir.resolve("closed.txt");
    AtomicFiles.write(target, out -> {
      out.write("abc".getBytes(UTF_8));
      out.close();
    });
    assertEquals("abc", Files.readString(target));
  }

  @Test
  void keepsUsualPermissionsRatherThanOwnerOnly() throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(dir, PosixFileAttributeView.class);
    if (view == null) {
      return; // not a POSIX file system: nothing to compare
    }
    Path plain = Files.createFile(dir.resolve("plain"));
    Path atomic = dir.resolve("atomic");
    AtomicFiles.write(atomic, out -> out.write(1));
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
  }

  @Test
  void rejectsADirectoryAsTarget() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AtomicFiles.write(dir, out -> out.write(1)));
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
  }

  @Test
  void aPathBelowAFileFailsNamingTheTargetAndTheFile() throws IOException {
    // Model.save("out/model.safetensors/m.safetensors") threw FileAlreadyExistsException with
    // the existing file's path as its whole message
    Path file = dir.resolve("model.safetensors");
    Files.write(file, new byte[] {1});
    Path target = file.resolve("m.safetensors");
    FileSystemException e = assertThrows(FileSystemException.class,
        () -> AtomicFiles.write(target, out -> out.write(1)));
    assertEquals(target + ": cannot create its folder: " + file + " is a file; choose a path"
        + " below a folder", e.getMessage());
  }

  @Test
  void aFolderItMayNotWriteFailsNamingTheTargetNotTheTemporaryFile() throws IOException {
    Path readOnly = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    assumeFalse(Files.isWritable(readOnly), "root writes anywhere; nothing to check");
    Path target = readOnly.resolve("m.safetensors");
    AccessDeniedException e = assertThrows(AccessDeniedException.class,
        () -> AtomicFiles.write(target, out -> out.write(1)));
    assertEquals(target + ": cannot create a file in " + readOnly + " (permission denied); fix"
        + " the folder's permissions or choose another path", e.getMessage());
  }

  private static List<String> listNames(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void deletesOnlyTheTargetsTemporaryFilesOlderThanTheGivenTime() throws IOException {
    Path target = dir.resolve("checkpoint.safetensors");
    Files.writeString(target, "kept");
    Instant lockTaken = Instant.now();
    Path stale = aged(dir.resolve(".checkpoint.safetensors.3f2a9c01d4e5b6a7.tmp"), lockTaken);
    Path staleToo = aged(dir.resolve(".checkpoint.safetensors.ab.tmp"), lockTaken);
    Path otherTarget = aged(dir.resolve(".metrics.csv.3f2a9c01d4e5b6a7.tmp"), lockTaken);
    Path notOurs = aged(dir.resolve(".checkpoint.safetensors.backup.tmp"), lockTaken);
    Path live = dir.resolve(".checkpoint.safetensors.0123456789abcdef.tmp");
    Files.writeString(live, "being written");
    Files.setLastModifiedTime(live, FileTime.from(lockTaken.plusSeconds(1)));

    assertEquals(2, AtomicFiles.deleteStaleTempFiles(target, lockTaken));
    assertFalse(Files.exists(stale) || Files.exists(staleToo));
    assertTrue(Files.exists(otherTarget) && Files.exists(notOurs) && Files.exists(live));
    assertEquals("kept", Files.readString(target));
    assertEquals(0, AtomicFiles.deleteStaleTempFiles(dir.resolve("none/x.bin"), lockTaken));
  }

  private static Path aged(Path file, Instant before) throws IOException {
    Files.writeString(file, "left by a killed run");
    Files.setLastModifiedTime(file, FileTime.from(before.minusSeconds(60)));
    return file;
  }
}
