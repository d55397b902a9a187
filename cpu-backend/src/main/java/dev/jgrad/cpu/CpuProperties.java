package dev.jgrad.cpu;

import dev.jgrad.api.SystemProperties;

/**
 * The CPU backend's {@code -Djgrad.cpu.*} settings (docs/cpu.md, "Properties"): each one's name,
 * default and range in one place, read strictly ({@link SystemProperties}: a value that does not
 * parse or is out of range fails, naming it). The classes that use them read them once, when
 * they load; {@link #check} reads them all when the backend is created, so that a bad value
 * stops the backend's creation with its message instead of a class initializer's error later.
 */
final class CpuProperties {
  private CpuProperties() {}

  static int threads() {
    return SystemProperties.integer("jgrad.cpu.threads",
        Runtime.getRuntime().availableProcessors(), 1);
  }

  static long spinNanos() {
    return SystemProperties.longInteger("jgrad.cpu.spinNanos", 100_000, 0);
  }

  static int parallelThreshold() {
    return SystemProperties.integer("jgrad.cpu.parallelThreshold", 1 << 18, 1);
  }

  static int parallelThresholdCostly() {
    return SystemProperties.integer("jgrad.cpu.parallelThresholdCostly", 1 << 10, 1);
  }

  static long gemmSplitMacs() {
    return SystemProperties.longInteger("jgrad.cpu.gemmSplitMacs", 1L << 24, 1);
  }

  static long gemmAlwaysSplitMacs() {
    return SystemProperties.longInteger("jgrad.cpu.gemmAlwaysSplitMacs", 1L << 24, 1);
  }

  static long gemmRowSplitMacs() {
    return SystemProperties.longInteger("jgrad.cpu.gemmRowSplitMacs", 1L << 18, 1);
  }

  static int blasThreads() {
    return SystemProperties.integer("jgrad.cpu.blasThreads", 1, 1);
  }

  static double sparseDensity() {
    return SystemProperties.number("jgrad.cpu.sparseDensity", 0.25, 0, 1);
  }

  static boolean nativeHelper() {
    return SystemProperties.flag("jgrad.cpu.native", true);
  }

  static boolean directConvolution() {
    return SystemProperties.flag("jgrad.cpu.directConvolution", true);
  }

  static long poolBytes() {
    return SystemProperties.longInteger("jgrad.cpu.poolBytes", 256L << 20, 0);
  }

  /** Reads every setting: throws the first bad one's IllegalArgumentException. */
  static void check() {
    threads();
    spinNanos();
    parallelThreshold();
    parallelThresholdCostly();
    gemmSplitMacs();
    gemmAlwaysSplitMacs();
    gemmRowSplitMacs();
    blasThreads();
    sparseDensity();
    nativeHelper();
    directConvolution();
    poolBytes();
  }
}
