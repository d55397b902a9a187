package dev.jgrad.cuda;

/** Prints the probe's answer; run in a child JVM by {@link CudaProbeTest} with a fake driver. */
public final class ProbeMain {
  private ProbeMain() {}

  public static void main(String[] args) {
    System.out.println("PROBE: " + CudaProbe.system().probe());
  }
}
