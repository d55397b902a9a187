package dev.jgrad.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
  void aSymbolicLinkIsWrittenThroughAndKept() throws IOException {
    // the deployment's current.safetensors -> v1.safetensors: the link used to be replaced by a
    // regular file, v1 left as it was
    Path v1 = dir.resolve("v1.bin");
    Files.write(v1, "old".getBytes(UTF_8));
    Path link = Files.createSymbolicLink(dir.resolve("current.bin"), v1.getFileName());
    AtomicFiles.write(link, out -> out.write("new".getBytes(UTF_8)));
    assertTrue(Files.isSymbolicLink(link), "the link is kept");
    assertEquals(v1.getFileName(), Files.readSymbolicLink(link));
    assertEquals("new", Files.readString(v1));
    assertEquals(List.of("current.bin", "v1.bin"), names(dir));
  }

  @Test
  void aDanglingLinksFileIsCreated() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("current.bin"), Path.of("sub", "v2.bin"));
    AtomicFiles.write(link, out -> out.write("v2".getBytes(UTF_8)));
    assertTrue(Files.isSymbolicLink(link));
    assertEquals("v2", Files.readString(dir.resolve("sub").resolve("v2.bin")));
  }

  @Test
  void aNamedPipeIsRefusedNamingItAndLeftInPlace() throws Exception {
    // saving to a device node (as root, /dev/full) replaced it with a regular file
    Path fifo = dir.resolve("pipe.safetensors");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    } catch (IOException e) {
      assumeTrue(false, "no mkfifo here: " + e.getMessage());
      return;
    }
    assumeTrue(mkfifo.waitFor() == 0 && Files.exists(fifo), "mkfifo failed");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AtomicFiles.write(fifo, out -> out.write(1)));
    assertEquals("cannot write to " + fifo + ": it is a named pipe (FIFO), not a regular file, "
        + "and a save would replace it; pass a regular file's path", e.getMessage());
    assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the pipe is still there");
    assertEquals(List.of("pipe.safetensors"), names(dir));
  }

  @Test
  void aKilledSaveThroughALinkIsCleanedThroughTheLink() throws IOException {
    // what a killed save of current.bin -> v1.bin leaves: a temporary file beside v1.bin
    Path v1 = Files.write(dir.resolve("v1.bin"), new byte[] {1});
    Path link = Files.createSymbolicLink(dir.resolve("current.bin"), v1.getFileName());
    Path stale = Files.write(dir.resolve(".v1.bin.1f2e3d.tmp"), new byte[] {2});
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(60)));
    assertEquals(1, AtomicFiles.deleteStaleTempFiles(link, Instant.now()));
    assertEquals(List.of("current.bin", "v1.bin"), names(dir));
  }

  /** Run under a file size limit: writes a small file, then one over the limit. */
  public static final class LimitProbe {
    public static void main(String[] args) throws IOException {
      Path dir = Path.of(args[0]);
      Path kept = dir.resolve("ck.safetensors");
      AtomicFiles.write(kept, out -> out.write(new byte[1000]));
      for (Path target : List.of(kept, dir.resolve("new.safetensors"))) {
        try {
          AtomicFiles.write(target, out -> out.write(new byte[1 << 20]));
          System.out.println("wrote " + target.getFileName());
        } catch (IOException e) {
          System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      }
    }
  }

  @Test
  void aFullDiskNamesTheTargetAndKeepsThePreviousFile() throws Exception {
    // a file size limit (ulimit -f) fails a write as a full disk does, without root or a tmpfs
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder("/bin/sh", "-c", "ulimit -f 256 && exec \"$0\" -cp \"$1\" \"$2\" \"$3\"",
        java, System.getProperty("java.class.path"), LimitProbe.class.getName(), dir.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertEquals(0, p.waitFor(), output);
    assertTrue(output.contains("IOException: cannot write " + dir.resolve("ck.safetensors")
        + ": File too large; the previous file is kept"), output);
    assertTrue(output.contains("IOException: cannot write " + dir.resolve("new.safetensors")
        + ": File too large; no file was written"), output);
    assertEquals(1000, Files.size(dir.resolve("ck.safetensors")));
    assertEquals(List.of("ck.safetensors"), names(dir), "no temporary file left");
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
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
