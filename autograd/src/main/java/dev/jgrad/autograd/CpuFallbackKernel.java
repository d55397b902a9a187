package dev.jgrad.autograd;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.op.Kernel;
import dev.jgrad.api.op.KernelCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an op's CPU kernel for a backend that has none of its own, copying the inputs to the host
 * and the result back. Opt-in only ({@code -Djgrad.kernel.fallback=cpu}), because the copies can
 * cost more than the op; a warning is logged once per op so the slow path is never silent.
 */
final class CpuFallbackKernel implements Kernel {
  static final String PROPERTY = "jgrad.kernel.fallback";

  private static final Logger log = LoggerFactory.getLogger(CpuFallbackKernel.class);
  private static final Set<String> warned = ConcurrentHashMap.newKeySet();

  private final String op;
  private final Kernel cpuKernel;

  CpuFallbackKernel(String op, Kernel cpuKernel) {
    this.op = op;
    this.cpuKernel = cpuKernel;
  }

  /**
   * Whether {@value #PROPERTY} is {@code cpu}; unset or {@code none} is no fallback, anything else
   * an IllegalArgumentException naming it (a typo must not quietly turn the fallback off).
   */
  static boolean enabled() {
    String v = System.getProperty(PROPERTY, "").trim();
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "cpu" -> true;
      case "", "none" -> false;
      default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + " is not "
          + "understood; give cpu (ops without a kernel for the backend run on the CPU, with "
          + "copies) or none, or leave it out");
    };
  }

  @Override
  public void compute(KernelCall call) {
    if (warned.add(op + '@' + call.backend().name())) {
      log.warn("op {} has no kernel for backend '{}': running its CPU kernel with copies to and "
          + "from the device ({}=cpu)", op, call.backend().name(), PROPERTY);
    }
    Backend cpu = Backends.byName("cpu");
    List<DeviceBuffer> hostInputs = new ArrayList<>();
    for (DeviceBuffer b : call.inputs()) {
      hostInputs.add(BufferTransfer.copy(call.backend(), b, cpu));
    }
    DeviceBuffer hostOut = cpu.allocate(call.outputSpec().dtype(), call.output().length());
    cpuKernel.compute(new KernelCall(cpu, hostInputs, call.inputSpecs(), call.attrs(), hostOut,
        call.outputSpec()));
    try (DeviceBuffer back = BufferTransfer.copy(cpu, hostOut, call.backend())) {
      call.backend().copy(back, 0, call.output(), 0, call.output().length());
    }
  }

}
