package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jgrad.io.IdxReader;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.SafeTensorsFormatException;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every public loader of saved files gives for a missing file, a directory, an unreadable
 * file and a damaged one: one line naming the path and what to do. A missing file used to be a
 * NoSuchFileException whose message was the bare path, and an unreadable one likewise.
 */
class LoaderFileErrorsTest {
  @TempDir
  Path dir;

  private static final String CHECK = "check the path";
  private static final String TRAIN = "check the path, or train and save a model first";
  private static final String TORCH = "check the path, or write one in PyTorch with"
      + " safetensors.torch.save_file(model.state_dict(), path)";

  private static Sequential net() {
    return Mlp.builder().input(4).hidden(3).output(2).seed(1).build();
  }

  /** Each public loader, by name, reading {@code file}; with what it says to do when missing. */
  private static Map<String, Map.Entry<Executable, String>> loaders(Path file) {
    Map<String, Map.Entry<Executable, String>> loaders = new LinkedHashMap<>();
    loaders.put("Model.load", Map.entry(() -> Model.load(file), TRAIN));
    loaders.put("Checkpoint.load", Map.entry(() -> Checkpoint.load(file), TRAIN));
    loaders.put("TorchStateDict.load", Map.entry(() -> TorchStateDict.load(file, net()), TORCH));
    loaders.put("SafeTensors.read", Map.entry(() -> SafeTensors.read(file), CHECK));
    loaders.put("IdxReader.read", Map.entry(() -> IdxReader.read(file), CHECK));
    return loaders;
  }

  @Test
  void aMissingFileIsNamedWithWhatToDo() {
    for (Path missing : new Path[] {dir.resolve("model.safetensors"),
        dir.resolve("no-dir").resolve("model.safetensors")}) {
      loaders(missing).forEach((name, loader) -> {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, loader.getKey(), name);
        assertEquals(missing + ": no such file; " + loader.getValue(), e.getMessage(), name);
      });
    }
  }

  @Test
  void aDirectoryIsNamedWithWhatToPass() {
    loaders(dir).forEach((name, loader) -> {
      FileNotFoundException e =
          assertThrows(FileNotFoundException.class, loader.getKey(), name);
      assertTrue(e.getMessage().startsWith("cannot read " + dir + ": it is a directory; pass a"),
          name + ": " + e.getMessage());
    });
  }

  @Test
  void anUnreadableFileIsNamedWithWhatToDo() throws IOException {
    Path file = dir.resolve("locked.safetensors");
    Checkpoint.save(file, net(), null, 1, Map.of());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("-w-------"));
    assumeFalse(Files.isReadable(file), "root reads anything; RegularFileTest checks the words");
    loaders(file).forEach((name, loader) -> {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, loader.getKey(), name);
      assertEquals(file + ": permission denied; make it readable for this user (chmod u+r) or"
          + " read a copy", e.getMessage(), name);
    });
  }

  /** A byte of a weight flipped on disk: each loader of models refuses it, naming the tensor. */
  @Test
  void aDamagedModelFileIsRefusedByEveryLoaderNamingTheTensor() throws IOException {
    Path file = dir.resolve("damaged.safetensors");
    Model.save(file, net());
    byte[] bytes = Files.readAllBytes(file);
    int dataStart = 8 + (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    bytes[bytes.length - 3] ^= 0x10; // in the last tensor (F32 by name), the last layer's weight
    Files.write(file, bytes);
    Map<String, Map.Entry<Executable, String>> loaders = loaders(file);
    loaders.remove("IdxReader.read");
    loaders.forEach((name, loader) -> {
      SafeTensorsFormatException e =
          assertThrows(SafeTensorsFormatException.class, loader.getKey(), name);
      assertTrue(e.getMessage().startsWith(file + ": checksum mismatch at byte "), e.getMessage());
      assertTrue(e.getMessage().contains("tensor '2.weight' (file bytes ")
          && e.getMessage().endsWith(": the file is damaged; restore it from a copy")
          && e.offset() > dataStart, name + ": " + e.getMessage());
    });
  }
}
