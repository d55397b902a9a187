package dev.jgrad.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds cuBLAS: {@code libcublas.so.12}, which JCublas 12.6.0's native library links against,
 * else {@code libcublas.so.13}, which it can use through the forwarding shim (see
 * {@link CublasLoader}).
 *
 * <p>Search order, first for {@code .so.12} through every step, then for {@code .so.13}:
 * <ol>
 *   <li>the override: system property {@value #PROPERTY} or environment variable {@value #ENV},
 *       a folder or a library file; when set, nothing else is searched;
 *   <li>{@code LD_LIBRARY_PATH};
 *   <li>{@code $CUDA_HOME}, {@code $CUDA_PATH}, {@code /usr/local/cuda*} ({@code lib64} and
 *       {@code targets/x86_64-linux/lib});
 *   <li>the loader cache {@code /etc/ld.so.cache} and the system library folders;
 *   <li>pip's {@code nvidia/*}{@code /lib} folders (where PyTorch's wheels put cuBLAS).
 * </ol>
 */
final class CublasLocator {
  static final String PROPERTY = "jgrad.cublas.path";
  static final String ENV = "JGRAD_CUBLAS_PATH";

  /** A cuBLAS found: the library, its major version, and its cublasLt beside it if present. */
  record Location(Path library, int major, Optional<Path> lt, String source) {
    @Override
    public String toString() {
      return "libcublas.so." + major + " at " + library + " (found via " + source + ")";
    }
  }

  /** The answer: a location, or what was searched. */
  record Result(Optional<Location> location, String searched) {}

  private final LibrarySearch search;

  CublasLocator(LibrarySearch search) {
    this.search = search;
  }

  Result locate() {
    String override = search.property(PROPERTY);
    String overrideName = "-D" + PROPERTY;
    if (override == null) {
      override = search.env(ENV);
      overrideName = "$" + ENV;
    }
    if (override != null) {
      return fromOverride(Path.of(override), overrideName + "=" + override);
    }
    for (int major : new int[] {12, 13}) {
      String name = "libcublas.so." + major;
      Optional<LibrarySearch.Found> f = LibrarySearch.findFirst(name, steps(name));
      if (f.isPresent()) {
        return new Result(Optional.of(location(f.get().file(), major, f.get().source())),
            describe(steps(name)));
      }
    }
    return new Result(Optional.empty(), describe(steps("libcublas.so.12")));
  }

  private List<LibrarySearch.Step> steps(String name) {
    List<LibrarySearch.Step> steps = new ArrayList<>();
    steps.add(search.ldLibraryPath());
    steps.add(search.cudaToolkitDirs());
    steps.add(search.ldCache(name));
    steps.add(search.systemDirs());
    steps.add(search.pipNvidiaDirs());
    return steps;
  }

  private static String describe(List<LibrarySearch.Step> steps) {
    StringBuilder sb = new StringBuilder();
    for (LibrarySearch.Step s : steps) {
      sb.append(sb.length() == 0 ? "" : "; ").append(s);
    }
    return sb.toString();
  }

  private Result fromOverride(Path p, String what) {
    if (Files.isDirectory(p)) {
      for (int major : new int[] {12, 13}) {
        Path f = p.resolve("libcublas.so." + major);
        if (Files.isRegularFile(f)) {
          return new Result(Optional.of(location(f, major, what)), what);
        }
      }
      return new Result(Optional.empty(), what + ", a folder without libcublas.so.12 or "
          + "libcublas.so.13");
    }
    if (Files.isRegularFile(p)) {
      int major = majorOf(p.getFileName().toString());
      if (major == 12 || major == 13) {
        return new Result(Optional.of(location(p, major, what)), what);
      }
      return new Result(Optional.empty(), what + ", a file whose name does not say CUDA 12 or 13 "
          + "(expected libcublas.so.12 or libcublas.so.13, optionally with more version digits)");
    }
    return new Result(Optional.empty(), what + ", which does not exist");
  }

  /** The major version in a name like {@code libcublas.so.13} or {@code libcublas.so.12.6.4.1}, or -1. */
  static int majorOf(String fileName) {
    String prefix = "libcublas.so.";
    if (!fileName.startsWith(prefix)) {
      return -1;
    }
    String rest = fileName.substring(prefix.length());
    int dot = rest.indexOf('.');
    String digits = dot < 0 ? rest : rest.substring(0, dot);
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Location location(Path library, int major, String source) {
    Path dir = library.toAbsolutePath().getParent();
    Path lt = dir.resolve("libcublasLt.so." + major);
    return new Location(library.toAbsolutePath(), major,
        Files.isRegularFile(lt) ? Optional.of(lt) : Optional.empty(), source);
  }
}
