package dev.jgrad.io;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * One image file opened with the {@code javax.imageio} decoder that recognises its content: its
 * size is known from its header before {@link #decode} allocates the pixels, so a huge image
 * is refused cheaply. Every failure is one line naming the file: a FileFormatException with the
 * decoder's own message, or the opening's NoSuchFileException or AccessDeniedException.
 */
final class ImageFile implements AutoCloseable {
  private final Path file;
  private final ImageInputStream in;
  private final ImageReader reader;
  private final int width;
  private final int height;

  private ImageFile(Path file, ImageInputStream in, ImageReader reader, int width, int height) {
    this.file = file;
    this.in = in;
    this.reader = reader;
    this.width = width;
    this.height = height;
  }

  /** Opens {@code file} and reads its size; larger than {@code maxPixels} is an error. */
  static ImageFile open(Path file, long maxPixels) throws IOException {
    // through a channel: one-line errors for a missing file, a folder or a pipe, and the stream
    // caches in memory where ImageIO's own would write a file in java.io.tmpdir
    ImageInputStream in = new MemoryCacheImageInputStream(
        Channels.newInputStream(RegularFile.open(file, "an image file")));
    ImageReader reader = null;
    try {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new FileFormatException(file.toString(), -1, "not an image", "no javax.imageio "
            + "decoder recognises its content (PNG, JPEG, BMP, GIF and TIFF are read); convert "
            + "it to PNG or remove it");
      }
      reader = readers.next();
      reader.setInput(in, true, true);
      int width;
      int height;
      try {
        width = reader.getWidth(0);
        height = reader.getHeight(0);
      } catch (IOException | RuntimeException e) {
        throw corrupt(file, reader, e);
      }
      if (width < 1 || height < 1) {
        throw new FileFormatException(file.toString(), -1, "unusable image size", width + "x"
            + height + " (width x height); the file is damaged: replace it or remove it");
      }
      if ((long) width * height > maxPixels) {
        throw new FileFormatException(file.toString(), -1, "image too large", width + "x" + height
            + " (width x height) is more than the " + maxPixels + " pixels an image may have "
            + "(ImageFolder.loader().maxPixels(n)); shrink the image or raise the limit");
      }
      return new ImageFile(file, in, reader, width, height);
    } catch (IOException | RuntimeException | Error e) {
      if (reader != null) {
        reader.dispose();
      }
      in.close();
      throw e;
    }
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  /**
   * The image's pixels (the first frame of an animated GIF, as PIL's). A decoder's warning is an
   * error too: the JDK's JPEG decoder fills a truncated file's missing part with grey and only
   * warns, where PIL refuses it ("image file is truncated").
   */
  BufferedImage decode() throws IOException {
    String[] warning = new String[1];
    IIOReadWarningListener listener = (source, message) -> {
      if (warning[0] == null) {
        warning[0] = message;
      }
    };
    reader.addIIOReadWarningListener(listener);
    BufferedImage image;
    try {
      image = reader.read(0);
    } catch (IOException | RuntimeException e) {
      throw corrupt(file, reader, e);
    }
    if (warning[0] != null) {
      throw new FileFormatException(file.toString(), -1, "damaged " + format(reader), "the "
          + "decoder warns: " + warning[0] + "; the file is damaged or truncated: replace it or "
          + "remove it");
    }
    return image;
  }

  @Override
  public void close() throws IOException {
    reader.dispose();
    in.close();
  }

  private static FileFormatException corrupt(Path file, ImageReader reader, Exception e) {
    StringBuilder why = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      why.append(": ").append(c.getMessage() != null ? c.getMessage()
          : c.getClass().getSimpleName());
    }
    FileFormatException f = new FileFormatException(file.toString(), -1, "unreadable "
        + format(reader), "the decoder says: " + why.toString().replaceAll("\\s+", " ").trim()
        + "; the file is damaged or truncated: replace it or remove it");
    f.initCause(e);
    return f;
  }

  /** "PNG", "JPEG", ... as the decoder calls its format. */
  private static String format(ImageReader reader) {
    try {
      return reader.getFormatName().toUpperCase(Locale.ROOT);
    } catch (IOException e) {
      return "image";
    }
  }
}
