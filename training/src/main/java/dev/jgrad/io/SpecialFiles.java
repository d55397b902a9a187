package dev.jgrad.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** What a file that is neither a regular file nor a directory is, in words for a message. */
final class SpecialFiles {
  private SpecialFiles() {}

  /** "a named pipe (FIFO)", "a character device", ...; "a special file" where it cannot tell. */
  static String kind(Path path) {
    try {
      int type = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)
          & 0170000; // S_IFMT
      return switch (type) {
        case 0010000 -> "a named pipe (FIFO)";
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        case 0140000 -> "a socket";
        default -> "a special file";
      };
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "a special file"; // no unix view (Windows), or it vanished
    }
  }
}
