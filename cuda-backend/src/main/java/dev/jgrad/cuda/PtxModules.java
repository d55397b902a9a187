package dev.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadDataJIT;

import dev.jgrad.api.DType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JITOptions;

/**
 * The kernels: every PTX module the jar carries, JIT-compiled by the driver for this GPU when the
 * backend starts, and every {@link Kernel} entry point looked up once. A module the driver
 * rejects fails with the JIT compiler's own error log, the only place that says why.
 */
final class PtxModules {
  private static final int LOG_BYTES = 16 * 1024;

  private final Map<DType, Map<Kernel, CUfunction>> functions = new EnumMap<>(DType.class);

  PtxModules() {
    Map<String, CUmodule> modules = new HashMap<>();
    TreeSet<String> names = new TreeSet<>();
    for (Kernel k : Kernel.values()) {
      names.add(k.module());
    }
    for (String name : names) {
      modules.put(name, load(name));
    }
    for (Kernel k : Kernel.values()) {
      for (DType dtype : k.dtypes()) {
        functions.computeIfAbsent(dtype, d -> new EnumMap<>(Kernel.class))
            .put(k, function(modules.get(k.module()), k.entry(dtype), k.module() + ".ptx"));
      }
    }
  }

  CUfunction function(Kernel kernel, DType dtype) {
    CUfunction f = functions.getOrDefault(dtype, Map.of()).get(kernel);
    if (f == null) {
      throw new IllegalStateException("cuda backend: kernel " + kernel + " has no " + dtype
          + " entry");
    }
    return f;
  }

  private static CUmodule load(String name) {
    return loadImage(NativeResources.read(name + ".ptx"), name + ".ptx");
  }

  /** JIT-loads PTX given as text; {@code what} names it in errors. */
  static CUmodule loadText(String ptx, String what) {
    return loadImage(ptx.getBytes(StandardCharsets.UTF_8), what);
  }

  private static CUmodule loadImage(byte[] text, String name) {
    byte[] image = Arrays.copyOf(text, text.length + 1); // the driver wants a NUL-terminated image
    JITOptions options = new JITOptions();
    options.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[LOG_BYTES]);
    options.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, LOG_BYTES);
    CUmodule module = new CUmodule();
    int result = cuModuleLoadDataJIT(module, Pointer.to(image), options);
    if (result != CUresult.CUDA_SUCCESS) {
      String log = cString(options.getBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER));
      throw new IllegalStateException("cuda backend: the driver could not load the kernels in "
          + name + ": " + CudaDriver.name(result)
          + (result == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION
              ? " (the driver predates PTX ISA 8.0: update it to one for CUDA 12.0 or newer)" : "")
          + ". JIT log: " + (log.isBlank() ? "(empty)" : log.strip()));
    }
    return module;
  }

  static CUfunction function(CUmodule module, String entry, String moduleName) {
    CUfunction f = new CUfunction();
    CudaDriver.check(cuModuleGetFunction(f, module, entry),
        "finding kernel " + entry + " in " + moduleName);
    return f;
  }

  private static String cString(byte[] bytes) {
    if (bytes == null) {
      return "";
    }
    int n = 0;
    while (n < bytes.length && bytes[n] != 0) {
      n++;
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }
}
