package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A bad -Djgrad.cpu.* value stops the backend's creation with a message naming it. */
class CpuPropertiesTest {
  @Test
  void everySettingIsReadStrictlyWhenTheBackendIsCreated() {
    String[][] bad = {{"jgrad.cpu.threads", "four", "is not a whole number"},
        {"jgrad.cpu.threads", "0", "is below 1"}, {"jgrad.cpu.spinNanos", "-1", "is below 0"},
        {"jgrad.cpu.parallelThreshold", "1e6", "is not a whole number"},
        {"jgrad.cpu.parallelThresholdCostly", "0", "is below 1"},
        {"jgrad.cpu.gemmSplitMacs", "many", "is not a whole number"},
        {"jgrad.cpu.gemmAlwaysSplitMacs", "0", "is below 1"},
        {"jgrad.cpu.blasThreads", "0", "is below 1"},
        {"jgrad.cpu.sparseDensity", "1.5", "is out of range"},
        {"jgrad.cpu.native", "yes", "is not a boolean"},
        {"jgrad.cpu.directConvolution", "flase", "is not a boolean"},
        {"jgrad.cpu.poolBytes", "256M", "is not a whole number"}};
    for (String[] b : bad) {
      String before = System.getProperty(b[0]);
      System.setProperty(b[0], b[1]);
      try {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            CpuBackend::new, b[0]);
        assertEquals("-D" + b[0] + "=" + b[1] + " " + b[2],
            e.getMessage().substring(0, e.getMessage().indexOf(';')));
      } finally {
        if (before == null) {
          System.clearProperty(b[0]);
        } else {
          System.setProperty(b[0], before);
        }
      }
    }
    CpuProperties.check(); // and the build's own settings (the pom's) are all good
  }
}
