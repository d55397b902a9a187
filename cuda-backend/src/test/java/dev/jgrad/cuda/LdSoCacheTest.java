package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LdSoCacheTest {
  @Test
  void findsPathsByFileNameInABinaryCache(@TempDir Path tmp) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write("glibc-ld.so.cache1.1".getBytes(StandardCharsets.US_ASCII));
    b.write(new byte[] {3, 0, 0, 0, 7, 0});
    for (String s : new String[] {"libcuda.so.1", "/usr/lib/x86_64-linux-gnu/libcuda.so.1",
        "libcuda.so", "/usr/lib/x86_64-linux-gnu/libcuda.so", "libnotcuda.so.1",
        "/opt/x/libnotcuda.so.1", "/usr/lib/x86_64-linux-gnu/libcuda.so.1"}) {
      b.write(s.getBytes(StandardCharsets.US_ASCII));
      b.write(0);
    }
    Path cache = tmp.resolve("ld.so.cache");
    Files.write(cache, b.toByteArray());
    assertEquals(List.of(Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1")),
        LdSoCache.find(cache, "libcuda.so.1"));
    assertEquals(List.of(), LdSoCache.find(cache, "libcublas.so.12"));
    assertEquals(List.of(), LdSoCache.find(tmp.resolve("missing"), "libcuda.so.1"));
  }

  @Test
  void readsThisMachinesCache() {
    Path cache = Path.of("/etc/ld.so.cache");
    assumeTrue(Files.isReadable(cache), "no loader cache on this machine");
    assertFalse(LdSoCache.find(cache, "libc.so.6").isEmpty(), "every glibc system caches libc");
  }
}
