package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.awt.image.RenderedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes a file so that readers see either the complete old content or the complete new content,
 * never a half-written file: the bytes go to a temporary file in the same directory, which is
 * flushed to disk and then renamed over the target in one atomic step.
 *
 * <p>Every writer in jgrad (IDX, safetensors, CSV and PNG reports) goes through this class, so a
 * crash or an exception in the middle of a save leaves the previous file intact.
 *
 * <pre>{@code
 * AtomicFiles.write(Path.of("out/notes.txt"),
 *     out -> out.write("hello\n".getBytes(StandardCharsets.UTF_8)));
 * }</pre>
 */
public final class AtomicFiles {

  /** Produces the content of a file; may throw, in which case the target is left untouched. */
  @FunctionalInterface
  public interface Content {
    /** Writes the whole content to {@code out} (buffered; do not close it). */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Content whose beginning sums up what follows it (safetensors' header holds its data's
   * checksums): it writes everything, then returns the bytes to write over {@code position}, or
   * null. So the data streams once, however large.
   */
  @FunctionalInterface
  interface PatchedContent {
    Patch writeTo(OutputStream out) throws IOException;
  }

  /** {@code bytes} to write at {@code position} over what was written there. */
  record Patch(long position, byte[] bytes) {}

  private AtomicFiles() {}

  /** Replaces {@code target} with {@code image} as a PNG, atomically (charts, filter pictures). */
  public static void writePng(Path target, RenderedImage image) throws IOException {
    checkNotNull(image, "image is null");
    write(target, out -> {
      Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
      if (!writers.hasNext()) {
        throw new IOException("this Java runtime has no PNG writer (javax.imageio); use a full"
            + " JDK/JRE with the java.desktop module");
      }
      ImageWriter png = writers.next();
      // cached in memory: ImageIO.write(image, "png", out) caches in a file in java.io.tmpdir,
      // so an unwritable or full temporary folder failed a chart the target folder could take
      try (ImageOutputStream cached = new MemoryCacheImageOutputStream(out)) {
        png.setOutput(cached);
        png.write(image);
      } finally {
        png.dispose();
      }
    });
  }

  /**
   * Replaces {@code target} with the bytes {@code content} writes, atomically. Creates missing
   * parent directories. If {@code content} throws, the temporary file is deleted, the exception
   * propagates and {@code target} keeps its previous content (or stays absent).
   */
  public static void write(Path target, Content content) throws IOException {
    checkNotNull(content, "content is null; pass a lambda that writes the bytes");
    writePatched(target, out -> {
      content.writeTo(out);
      return null;
    });
  }

  /** {@link #write(Path, Content)}, then {@code content}'s patch written over its place. */
  static void writePatched(Path target, PatchedContent content) throws IOException {
    checkNotNull(target, "target path is null; pass the file to write");
    checkArgument(target.toAbsolutePath().getFileName() != null,
        "cannot write to %s: it names no file", target);
    Path absolute = throughLinks(target);
    Path fileName = absolute.getFileName();
    Path dir = absolute.getParent();
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) { // a part of the path is a file
      throw unwritable(target, e, "cannot create its folder: " + e.getFile() + " is a file;"
          + " choose a path below a folder");
    } catch (FileSystemException e) {
      throw unwritable(target, e, "cannot create its folder " + dir + " ("
          + IoMessages.describe(e) + "); fix the permissions or choose another path");
    }
    checkArgument(!Files.isDirectory(absolute),
        "cannot write to %s: it is a directory; pass a file path", target);
    boolean existed = Files.exists(absolute, LinkOption.NOFOLLOW_LINKS);
    checkArgument(!existed || Files.isRegularFile(absolute, LinkOption.NOFOLLOW_LINKS),
        "cannot write to %s: it is %s, not a regular file, and a save would replace it; pass a "
            + "regular file's path", target, SpecialFiles.kind(absolute));

    // Same directory as the target, so the rename never crosses file systems.
    Path tmp;
    try {
      tmp = createTempFile(dir, fileName.toString());
    } catch (FileSystemException e) {
      throw unwritable(target, e, "cannot create a file in " + dir + " ("
          + (e instanceof AccessDeniedException ? "permission denied" : IoMessages.describe(e))
          + "); fix the folder's permissions or choose another path");
    }
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(
              new DiskStream(Channels.newOutputStream(channel)), 1 << 16)) {
        Patch patch = content.writeTo(new NonClosingOutputStream(out));
        out.flush();
        try {
          if (patch != null) {
            ByteBuffer bytes = ByteBuffer.wrap(patch.bytes());
            while (bytes.hasRemaining()) {
              channel.write(bytes, patch.position() + bytes.position());
            }
          }
          channel.force(true); // data on disk before the rename makes it visible
        } catch (IOException e) {
          throw new DiskStream.Failed(e);
        }
      } catch (DiskStream.Failed e) { // the disk's failure, not the content's own
        throw new IOException("cannot write " + target + ": " + IoMessages.describe(e.disk())
            + (existed ? "; the previous file is kept" : "; no file was written"), e.disk());
      }
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + target + " atomically: the file system of " + dir
            + " does not support atomic renames; write to a local disk instead", e);
      }
      moved = true;
      syncDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * {@code target}, or where its symbolic links lead: a save writes through a link (a deployment's
   * {@code current.safetensors -> v1.safetensors}), as PyTorch's does, keeping the link and
   * replacing the file it names; a dangling link's file is created.
   */
  private static Path throughLinks(Path target) throws IOException {
    Path path = target.toAbsolutePath();
    for (int hops = 0; Files.isSymbolicLink(path); hops++) {
      if (hops == 40) { // as the kernel's ELOOP
        throw new FileSystemException(target.toString(), null, "too many levels of symbolic "
            + "links (a loop?); point it at a file");
      }
      path = path.resolveSibling(Files.readSymbolicLink(path));
    }
    return path;
  }

  /**
   * Deletes the temporary files that writes of {@code target} left behind when their process was
   * killed mid-write (one file of the target's size per kill), those last modified before
   * {@code before}, and returns how many. Only safe while no other process can be writing
   * {@code target}: {@link OutputLock#deleteStaleTempFiles} calls it under the directory's lock.
   * A program that saves with {@code Model.save} or {@code Checkpoint.save} itself calls it once
   * at its start, before its first save: {@code deleteStaleTempFiles(path, Instant.now())}.
   */
  public static int deleteStaleTempFiles(Path target, Instant before) throws IOException {
    checkNotNull(target, "target path is null; pass the file whose temporary files to delete");
    checkNotNull(before, "before is null; pass when the directory lock was taken");
    Path absolute = throughLinks(target); // where a save of the link writes its temporary files
    Path dir = absolute.getParent();
    if (absolute.getFileName() == null || !Files.isDirectory(dir)) {
      return 0;
    }
    Pattern ours = Pattern.compile(
        "\\." + Pattern.quote(absolute.getFileName().toString()) + "\\.[0-9a-f]{1,16}\\.tmp");
    List<Path> stale = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(p -> ours.matcher(p.getFileName().toString()).matches()).forEach(stale::add);
    }
    int deleted = 0;
    for (Path tmp : stale) {
      try {
        if (Files.isRegularFile(tmp, LinkOption.NOFOLLOW_LINKS)
            && Files.getLastModifiedTime(tmp).toInstant().isBefore(before)) {
          Files.delete(tmp);
          deleted++;
        }
      } catch (NoSuchFileException e) {
        // gone already
      }
    }
    return deleted;
  }

  /**
   * Not {@link Files#createTempFile}: that one makes the file owner-only (0600), which the rename
   * would hand on to the target; a plain CREATE_NEW keeps the usual permissions (umask). The name
   * need only be unlikely to be taken (CREATE_NEW fails on a taken one, and another is tried), so
   * no SecureRandom, whose seeding cost about 25 ms of a process's start.
   */
  private static Path createTempFile(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      long random = ThreadLocalRandom.current().nextLong();
      Path tmp = dir.resolve("." + name + "." + Long.toHexString(random) + ".tmp");
      try {
        Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return tmp;
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /**
   * {@code e} as one line that names the file the caller asked for, not the temporary file or the
   * folder the JDK names alone, and what to do; still an AccessDeniedException where it was one.
   */
  private static FileSystemException unwritable(Path target, FileSystemException e,
      String reason) {
    FileSystemException wrapped = e instanceof AccessDeniedException
        ? new AccessDeniedException(target.toString(), null, reason)
        : new FileSystemException(target.toString(), null, reason);
    wrapped.initCause(e);
    return wrapped;
  }

  /** Makes the rename durable too; best effort, as not every OS (e.g. Windows) allows it. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      // The content is already durable and renamed; only the directory entry may lag on a crash.
    }
  }

  /** Keeps a {@link Content} from closing the stream before it is forced to disk. */
  private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
    NonClosingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len); // FilterOutputStream writes byte by byte otherwise
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
