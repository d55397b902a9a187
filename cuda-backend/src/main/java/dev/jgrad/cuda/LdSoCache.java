package dev.jgrad.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the dynamic loader's cache ({@code /etc/ld.so.cache}, written by ldconfig) to learn where a
 * library the loader would find lives, without loading it: loading libcuda.so.1 merely to ask
 * whether it exists would tie the probe to native code that could take the JVM down.
 *
 * <p>Instead of parsing the binary format (it has had three versions) this scans it for the
 * NUL-terminated absolute paths it stores, which every version has: robust, and wrong at worst
 * by listing a path the loader would not pick, which the caller then checks exists.
 */
final class LdSoCache {
  /** Beyond this the file is not a loader cache; real ones are tens or hundreds of KiB. */
  private static final long MAX_BYTES = 64L << 20;

  private LdSoCache() {}

  /** Paths in the cache whose file name is {@code fileName}, in cache order, or none. */
  static List<Path> find(Path cache, String fileName) {
    byte[] bytes;
    try {
      if (!Files.isRegularFile(cache) || Files.size(cache) > MAX_BYTES) {
        return List.of();
      }
      bytes = Files.readAllBytes(cache);
    } catch (IOException | SecurityException e) {
      return List.of(); // unreadable: the other search places still apply
    }
    String suffix = "/" + fileName;
    Set<Path> found = new LinkedHashSet<>();
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == 0) {
        if (i - start > suffix.length() && bytes[start] == '/') {
          String s = new String(bytes, start, i - start, StandardCharsets.ISO_8859_1);
          if (s.endsWith(suffix)) {
            try {
              found.add(Path.of(s));
            } catch (InvalidPathException e) {
              // not a path after all: keep scanning
            }
          }
        }
        start = i + 1;
      }
    }
    return new ArrayList<>(found);
  }
}
