package dev.jgrad.cuda;

import dev.jgrad.api.PrivateTempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads files the jar carries: PTX text and the cuBLAS shim library. */
final class NativeResources {
  /** Where the resources of this package live in the jar. */
  static final String BASE = "/dev/jgrad/cuda/";

  private NativeResources() {}

  /** Whether the jar carries {@code name} (relative to {@link #BASE}). */
  static boolean exists(String name) {
    return NativeResources.class.getResource(BASE + name) != null;
  }

  /** The bytes of {@code name} (relative to {@link #BASE}). */
  static byte[] read(String name) {
    try (InputStream in = NativeResources.class.getResourceAsStream(BASE + name)) {
      if (in == null) {
        throw new IllegalStateException("cuda backend: the jar has no resource " + BASE + name
            + "; it was built without it or is corrupt");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cuda backend: could not read resource " + BASE + name, e);
    }
  }

  /**
   * Copies {@code name} to a new private temporary folder as {@code fileName}, for
   * {@link System#load}, which needs a file. Deleted when the JVM exits.
   */
  static Path extract(String name, String fileName) {
    byte[] bytes = read(name);
    try {
      Path dir = PrivateTempDirs.create(Path.of(System.getProperty("java.io.tmpdir")),
          "jgrad-cuda-");
      Path file = dir.resolve(fileName);
      Files.write(file, bytes);
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cuda backend: could not write " + fileName
          + " to a temporary folder (java.io.tmpdir=" + System.getProperty("java.io.tmpdir")
          + ")", e);
    }
  }
}
