package dev.jgrad.cuda;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Where native libraries are looked for, as ordered steps of folders, with the environment,
 * system properties and the file-system root injected so tests can fake any layout.
 *
 * <p>Only files are inspected here; nothing is loaded.
 */
final class LibrarySearch {
  /** One place searched, for the search order and for "searched: ..." messages. */
  record Step(String label, List<Path> dirs) {
    @Override
    public String toString() {
      return label + (dirs.isEmpty() ? " (none)" : " " + dirs);
    }
  }

  /** A library file and the step that found it. */
  record Found(Path file, String source) {}

  private final Function<String, String> env;
  private final Function<String, String> properties;
  private final Path root;

  /**
   * @param env like {@link System#getenv(String)}
   * @param properties like {@link System#getProperty(String)}
   * @param root the file-system root the built-in system folders are resolved against
   */
  LibrarySearch(Function<String, String> env, Function<String, String> properties, Path root) {
    this.env = env;
    this.properties = properties;
    this.root = root;
  }

  static LibrarySearch system() {
    return new LibrarySearch(System::getenv, System::getProperty, Path.of("/"));
  }

  /** A variable of the environment, or null when unset or blank. */
  String env(String name) {
    String v = env.apply(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** A system property, or null when unset or blank. */
  String property(String name) {
    String v = properties.apply(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** The folders of {@code LD_LIBRARY_PATH}, as the dynamic loader reads them. */
  Step ldLibraryPath() {
    return new Step("LD_LIBRARY_PATH", split(env("LD_LIBRARY_PATH")));
  }

  /** The folders in which the loader cache lists a file named {@code fileName}. */
  Step ldCache(String fileName) {
    List<Path> dirs = new ArrayList<>();
    for (Path p : LdSoCache.find(root.resolve("etc/ld.so.cache"), fileName)) {
      if (p.getParent() != null) {
        dirs.add(p.getParent());
      }
    }
    return new Step("/etc/ld.so.cache", dirs);
  }

  /** The loader's default folders and the usual driver folders of containers and WSL. */
  Step systemDirs() {
    List<Path> dirs = new ArrayList<>();
    for (String d : new String[] {"lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib64",
        "usr/lib64", "lib", "usr/lib", "usr/lib64/nvidia", "usr/local/nvidia/lib64",
        "usr/local/nvidia/lib", "usr/lib/wsl/lib"}) {
      dirs.add(root.resolve(d));
    }
    return new Step("system folders", existing(dirs));
  }

  /**
   * CUDA toolkit library folders: {@code $CUDA_HOME}, {@code $CUDA_PATH}, then
   * {@code /usr/local/cuda} and {@code /usr/local/cuda-*} (newest name first), each with
   * {@code lib64} and {@code targets/x86_64-linux/lib}.
   */
  Step cudaToolkitDirs() {
    List<Path> homes = new ArrayList<>();
    for (String var : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
      String v = env(var);
      if (v != null) {
        homes.add(Path.of(v));
      }
    }
    homes.add(root.resolve("usr/local/cuda"));
    homes.addAll(glob(root.resolve("usr/local"), "cuda-*"));
    List<Path> dirs = new ArrayList<>();
    for (Path home : homes) {
      dirs.add(home.resolve("lib64"));
      dirs.add(home.resolve("targets/x86_64-linux/lib"));
    }
    return new Step("CUDA toolkit ($CUDA_HOME, $CUDA_PATH, /usr/local/cuda*)", existing(dirs));
  }

  /**
   * The {@code nvidia/<package>/lib} folders that pip wheels install (PyTorch's CUDA
   * dependencies): {@code nvidia/cublas/lib} for CUDA 12 wheels, {@code nvidia/cu13/lib} for
   * CUDA 13 ones, in every site-packages folder this can find without running Python: those of
   * {@code PYTHONPATH}, the active virtualenv or conda environment, each {@code python3} on
   * {@code PATH} (a venv's {@code bin}, e.g. {@code /opt/torch/.venv/bin}, or the interpreter's
   * own prefix), the user's and the system's.
   */
  Step pipNvidiaDirs() {
    List<Path> sites = new ArrayList<>();
    for (String p : List.of(nullToEmpty(env("PYTHONPATH")).split(File.pathSeparator))) {
      if (!p.isBlank()) {
        sites.add(Path.of(p.trim()));
      }
    }
    for (String var : new String[] {"VIRTUAL_ENV", "CONDA_PREFIX"}) {
      String v = env(var);
      if (v != null) {
        sites.addAll(glob(Path.of(v), "lib", "python3*", "site-packages"));
      }
    }
    sites.addAll(pythonOnPathSites());
    String home = property("user.home");
    if (home == null) {
      home = env("HOME");
    }
    if (home != null) {
      Path h = Path.of(home);
      sites.addAll(glob(h, ".local", "lib", "python3*", "site-packages"));
      sites.addAll(glob(h, ".pyenv", "versions", "*", "lib", "python3*", "site-packages"));
    }
    for (String prefix : new String[] {"usr/local/lib", "usr/lib", "usr/lib64", "usr/local/lib64",
        "opt/conda/lib"}) {
      sites.addAll(glob(root.resolve(prefix), "python3*", "site-packages"));
      sites.addAll(glob(root.resolve(prefix), "python3*", "dist-packages"));
    }
    List<Path> dirs = new ArrayList<>();
    for (Path site : sites) {
      dirs.addAll(glob(site, "nvidia", "*", "lib"));
    }
    return new Step("pip nvidia/*/lib folders", existing(dirs));
  }

  /**
   * The site-packages of every {@code python3} on {@code PATH}: the prefix above its {@code bin}
   * folder (a virtualenv's root when that holds {@code pyvenv.cfg}), then, when it is a link,
   * the prefix of the interpreter it points to (a venv's base, where system-wide wheels live).
   */
  private List<Path> pythonOnPathSites() {
    List<Path> sites = new ArrayList<>();
    for (Path bin : split(env("PATH"))) {
      Path python = bin.resolve("python3");
      if (!Files.isRegularFile(python) || bin.getParent() == null) {
        continue;
      }
      sites.addAll(glob(bin.getParent(), "lib", "python3*", "site-packages"));
      try {
        Path real = python.toRealPath();
        Path realPrefix = real.getParent() == null ? null : real.getParent().getParent();
        if (realPrefix != null && !realPrefix.equals(bin.getParent())) {
          sites.addAll(glob(realPrefix, "lib", "python3*", "site-packages"));
        }
      } catch (IOException | SecurityException e) {
        // a dangling link: the venv's own folders above are all there is
      }
    }
    return sites;
  }

  /** The first file named {@code fileName} in the steps' folders, in order. */
  static Optional<Found> findFirst(String fileName, List<Step> steps) {
    for (Step step : steps) {
      for (Path dir : step.dirs()) {
        Path f = dir.resolve(fileName);
        if (Files.isRegularFile(f)) { // follows symlinks, as the loader does
          return Optional.of(new Found(f, step.label()));
        }
      }
    }
    return Optional.empty();
  }

  /** Splits a PATH-like list; empty entries are dropped (the loader reads them as "."). */
  static List<Path> split(String list) {
    List<Path> dirs = new ArrayList<>();
    if (list != null) {
      for (String s : list.split(File.pathSeparator)) {
        if (!s.isBlank()) {
          dirs.add(Path.of(s.trim()));
        }
      }
    }
    return dirs;
  }

  /**
   * Paths under {@code base} matching {@code segments}; a segment ending in {@code *} matches
   * the names that start with what precedes it. Matches of one segment come newest name first
   * (descending order), so {@code cuda-12.6} comes before {@code cuda-12.4}.
   */
  static List<Path> glob(Path base, String... segments) {
    List<Path> current = List.of(base);
    for (String seg : segments) {
      List<Path> next = new ArrayList<>();
      for (Path p : current) {
        if (!seg.endsWith("*")) {
          Path c = p.resolve(seg);
          if (Files.exists(c)) {
            next.add(c);
          }
          continue;
        }
        String prefix = seg.substring(0, seg.length() - 1);
        if (!Files.isDirectory(p)) {
          continue;
        }
        try (Stream<Path> children = Files.list(p)) {
          children.filter(c -> c.getFileName().toString().startsWith(prefix))
              .sorted(Comparator.comparing((Path c) -> c.getFileName().toString(),
                  LibrarySearch::compareNatural).reversed())
              .forEach(next::add);
        } catch (IOException | SecurityException e) {
          // an unreadable folder is one place fewer to look
        }
      }
      current = next;
    }
    return current;
  }

  /** Compares names with digit runs as numbers, so "cuda-12.10" sorts after "cuda-12.9". */
  static int compareNatural(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int ei = i;
        int ej = j;
        while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
          ei++;
        }
        while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
          ej++;
        }
        String na = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
        int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length())
            : na.compareTo(nb);
        if (c != 0) {
          return c;
        }
        i = ei;
        j = ej;
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static List<Path> existing(List<Path> dirs) {
    Set<Path> out = new LinkedHashSet<>();
    for (Path d : dirs) {
      if (Files.isDirectory(d)) {
        out.add(d);
      }
    }
    return new ArrayList<>(out);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
