package dev.jgrad.cpu;

import java.util.Locale;

/**
 * Which kernel multiplies dense FLOAT32 matrices where the native helper loads:
 * {@code -Djgrad.cpu.sgemm=jgrad} (the default: the helper's own AVX-512/AVX2 kernel, OpenBLAS
 * on CPUs without either) or {@code openblas}. The two round differently, so a run's bits depend
 * on the choice (each is deterministic); OpenBLAS is there to compare against, as the GEMM-only
 * bound of the benchmark suite does.
 */
enum SgemmChoice {
  JGRAD,
  OPENBLAS;

  static final String PROPERTY = "jgrad.cpu.sgemm";

  /** Whether the helper's own kernel is asked for by {@link #PROPERTY}; fails on other values. */
  static boolean fromProperty() {
    return parse(System.getProperty(PROPERTY, "jgrad")) == JGRAD;
  }

  static SgemmChoice parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=" + value
          + " is not a float matrix-product kernel; use jgrad (the default) or openblas", e);
    }
  }
}
