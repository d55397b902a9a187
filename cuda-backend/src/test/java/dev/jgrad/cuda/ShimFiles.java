package dev.jgrad.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import jcuda.JCudaVersion;

/** Paths and extraction helpers shared by the shim tests. */
final class ShimFiles {
  static final Path SHIM_DIR = TestTools.MODULE.resolve("src/main/native/cublas-shim");
  static final Path REGENERATE = SHIM_DIR.resolve("regenerate.sh");
  static final Path SYMBOLS = SHIM_DIR.resolve("cublas12-symbols.txt");
  static final Path GENERATED = SHIM_DIR.resolve("generated");
  static final Path COMMITTED_SO = TestTools.MODULE.resolve(
      "src/main/resources/dev/jgrad/cuda/" + CublasLoader.SHIM_RESOURCE);
  static final Path NATIVE_TESTS = TestTools.MODULE.resolve("src/test/native");

  private ShimFiles() {}

  /** Copies JCuda's native library {@code lib<name>-<version>-linux-x86_64.so} out of its jar. */
  static Path jcudaNative(String name, Path dir) throws IOException {
    String file = "lib" + name + "-" + JCudaVersion.get() + "-linux-x86_64.so";
    try (InputStream in = ShimFiles.class.getResourceAsStream("/lib/" + file)) {
      if (in == null) {
        throw new IllegalStateException("/lib/" + file + " is not on the test class path "
            + "(jcublas-natives linux-x86_64)");
      }
      Path out = dir.resolve(file);
      Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
      return out;
    }
  }
}
