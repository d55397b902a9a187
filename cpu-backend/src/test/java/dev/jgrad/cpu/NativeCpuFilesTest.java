package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native helper leaves no files in the temporary folder, and removes those others left. */
class NativeCpuFilesTest {
  @TempDir Path tmp;

  @Test
  void theExtractedLibraryIsDeletedOnceLoaded() {
    assumeTrue(NativeCpu.available(), "the helper is not in use: " + NativeCpu.unavailableReason());
    Path dir = NativeCpu.extractedDir;
    assertTrue(dir != null && dir.getFileName().toString().startsWith("jgrad-cpu-"), "" + dir);
    assertFalse(Files.exists(dir), dir + " is left behind");
  }

  @Test
  void foldersLeftByKilledRunsAreDeletedOthersKept() throws IOException {
    Instant hourAgo = Instant.now().minusSeconds(3600);
    Path killed = folder("jgrad-cpu-123", hourAgo.minusSeconds(60));
    Path fresh = folder("jgrad-cpu-456", Instant.now());
    Path otherTool = folder("other-789", hourAgo.minusSeconds(60));

    assertEquals(1, NativeCpu.deleteStale(tmp, hourAgo));
    assertFalse(Files.exists(killed));
    assertTrue(Files.exists(fresh) && Files.exists(otherTool));
  }

  private Path folder(String name, Instant modified) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve(name));
    Files.write(dir.resolve("libjgrad_cpu.so"), new byte[1000]); // a killed run's library
    Files.setLastModifiedTime(dir, FileTime.from(modified));
    return dir;
  }
}
