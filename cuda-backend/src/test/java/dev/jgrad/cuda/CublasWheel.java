package dev.jgrad.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Fetches the nvidia-cublas 13.1.1.3 wheel with {@code pip download} and extracts its two
 * libraries into {@code target/cublas13/lib}, once per build folder, so the shim loading tests
 * run wherever pip can reach the wheel (the project's build machines serve it from a local
 * index). Python is never required: without pip or the wheel the tests are skipped.
 */
final class CublasWheel {
  private static final String WHEEL = "nvidia-cublas==13.1.1.3";
  private static final Path DIR = Path.of("target", "cublas13");
  private static final List<String> LIBS = List.of("libcublas.so.13", "libcublasLt.so.13");
  private static final long NEEDED_BYTES = 2L << 30;
  private static String whyNot = "not tried";

  private CublasWheel() {}

  /** The folder holding libcublas.so.13 and libcublasLt.so.13, or null (see {@link #whyNot}). */
  static synchronized Path fetch() {
    Path lib = DIR.resolve("lib");
    if (LIBS.stream().allMatch(l -> Files.isRegularFile(lib.resolve(l)))) {
      return lib.toAbsolutePath();
    }
    try {
      Files.createDirectories(lib);
      long free = Files.getFileStore(DIR).getUsableSpace();
      if (free < NEEDED_BYTES) { // the wheel and its unpacked libraries take about 1 GB at once
        whyNot = "only " + (free >> 20) + " MB free for the cuBLAS 13 wheel, "
            + (NEEDED_BYTES >> 20) + " MB needed";
        return null;
      }
      Process pip = new ProcessBuilder("python3", "-m", "pip", "download", "--no-deps",
          "--only-binary=:all:", "--retries", "0", "--timeout", "10", "-d", DIR.toString(), WHEEL)
          .redirectErrorStream(true).redirectOutput(DIR.resolve("pip.log").toFile()).start();
      if (!pip.waitFor(5, TimeUnit.MINUTES)) {
        pip.destroyForcibly();
        whyNot = "pip download of " + WHEEL + " took over 5 minutes";
        return null;
      }
      if (pip.exitValue() != 0) {
        whyNot = "pip download of " + WHEEL + " failed, see " + DIR.resolve("pip.log");
        deleteWheels();
        return null;
      }
      try (var wheels = Files.list(DIR)) {
        Path wheel = wheels.filter(p -> p.getFileName().toString().endsWith(".whl")).findFirst()
            .orElse(null);
        if (wheel == null) {
          whyNot = "pip reported success but left no wheel in " + DIR;
          return null;
        }
        extract(wheel, lib);
        Files.delete(wheel); // 400 MB no longer needed; the two libraries stay for later runs
      }
      return lib.toAbsolutePath();
    } catch (IOException e) {
      whyNot = "no pip here, or the wheel could not be fetched or unpacked: " + e;
      deleteWheels();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      whyNot = "interrupted";
      return null;
    }
  }

  /** Frees the space a failed attempt took; best effort. */
  private static void deleteWheels() {
    try (var left = Files.list(DIR)) {
      for (Path p : (Iterable<Path>) left.filter(f -> f.toString().contains(".whl"))::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // nothing more to do
    }
  }

  static String whyNot() {
    return whyNot;
  }

  private static void extract(Path wheel, Path lib) throws IOException {
    try (ZipFile zip = new ZipFile(wheel.toFile())) {
      for (String name : LIBS) {
        ZipEntry e = zip.stream().filter(z -> z.getName().endsWith("/" + name)).findFirst()
            .orElseThrow(() -> new IOException(wheel + " holds no " + name));
        Path tmp = lib.resolve(name + ".part");
        try (InputStream in = zip.getInputStream(e)) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException full) { // a full disk, say: leave no half file behind
          Files.deleteIfExists(tmp);
          throw full;
        }
        Files.move(tmp, lib.resolve(name), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
