package dev.jgrad.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The image files of a folder of class subfolders, in torchvision's order: classes are the
 * subfolders' names sorted, and each class's files are those below its folder (subfolders
 * included, links followed, as {@code os.walk(followlinks=True)}), folder by folder in the order
 * of their paths, each folder's names sorted. Python sorts strings by code point, so the order
 * here does too (Java's {@code compareTo} compares UTF-16 units, which differs above U+FFFF).
 */
final class ImageFolderListing {
  /** By code point, as Python's {@code sorted} orders str. */
  static final Comparator<String> PYTHON_ORDER = (a, b) -> {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  };

  final List<String> classes;
  /** The image files, class after class. */
  final List<Path> files;
  /** The class of each of {@link #files}. */
  final int[] labels;
  /** Files in class folders without an image extension. */
  final int skipped;

  private ImageFolderListing(List<String> classes, List<Path> files, int[] labels, int skipped) {
    this.classes = classes;
    this.files = files;
    this.labels = labels;
    this.skipped = skipped;
  }

  /** Lists {@code root}; fails in one line naming the folder at fault and what to do. */
  static ImageFolderListing of(Path root, List<String> extensions) throws IOException {
    if (!Files.exists(root)) {
      throw IoMessages.noSuchFile(root, "check the path: pass the folder that holds one subfolder"
          + " per class (root/cat/1.png, root/dog/2.png)", null);
    }
    if (!Files.isDirectory(root)) {
      throw new NotDirectoryException(root + ": not a folder; pass the folder that holds one "
          + "subfolder per class (root/cat/1.png, root/dog/2.png)");
    }
    List<String> classes = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        if (Files.isDirectory(entry)) { // through links, as os.scandir's is_dir()
          classes.add(entry.getFileName().toString());
        }
      }
    }
    if (classes.isEmpty()) {
      throw new FileFormatException(root.toString(), -1, "no class subfolders", "put each class's"
          + " images in a subfolder named after the class (root/cat/1.png, root/dog/2.png)");
    }
    classes.sort(PYTHON_ORDER);
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    int skipped = 0;
    for (int c = 0; c < classes.size(); c++) {
      Path classDir = root.resolve(classes.get(c));
      int before = files.size();
      int otherFiles = 0;
      for (Path file : filesBelow(classDir)) {
        if (isImage(file.getFileName().toString(), extensions)) {
          files.add(file);
          labels.add(c);
        } else {
          otherFiles++;
        }
      }
      skipped += otherFiles;
      if (files.size() == before) {
        throw new FileFormatException(classDir.toString(), -1, "no images", "class folder '"
            + classes.get(c) + "' holds no file ending in " + String.join(", ", extensions)
            + (otherFiles > 0 ? " (" + otherFiles + " other files)" : "")
            + "; put the class's images in it or remove the folder");
      }
    }
    return new ImageFolderListing(List.copyOf(classes), List.copyOf(files),
        labels.stream().mapToInt(Integer::intValue).toArray(), skipped);
  }

  /** Whether {@code name} ends in one of {@code extensions}, ignoring case, as torchvision. */
  static boolean isImage(String name, List<String> extensions) {
    String lower = name.toLowerCase(Locale.ROOT);
    return extensions.stream().anyMatch(lower::endsWith);
  }

  /** Every file (not folder) below {@code dir}, in {@code os.walk}'s sorted order. */
  private static List<Path> filesBelow(Path dir) throws IOException {
    // folder path relative to dir ("" for dir, "a/b") -> its files' names
    Map<String, List<Path>> byFolder = new TreeMap<>(PYTHON_ORDER);
    Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            byFolder.put(relative(dir, d), new ArrayList<>());
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            byFolder.get(relative(dir, file.getParent())).add(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof FileSystemLoopException) {
              return FileVisitResult.CONTINUE; // a link back up: its files are listed already
            }
            if (e instanceof NoSuchFileException) {
              byFolder.get(relative(dir, file.getParent())).add(file); // a dangling link
              return FileVisitResult.CONTINUE;
            }
            throw new IOException(file + ": cannot list it (" + IoMessages.describe(e)
                + "); make it readable for this user or move it out of the image folder", e);
          }
        });
    List<Path> all = new ArrayList<>();
    for (List<Path> inFolder : byFolder.values()) {
      inFolder.sort(Comparator.comparing(p -> p.getFileName().toString(), PYTHON_ORDER));
      all.addAll(inFolder);
    }
    return all;
  }

  /** {@code d} relative to {@code dir}, "/"-separated as {@code os.walk}'s paths on Linux. */
  private static String relative(Path dir, Path d) {
    List<String> parts = new ArrayList<>();
    for (Path part : dir.relativize(d)) {
      parts.add(part.toString());
    }
    return String.join("/", parts);
  }
}
