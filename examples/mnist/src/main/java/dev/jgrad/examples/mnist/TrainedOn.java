package dev.jgrad.examples.mnist;

import dev.jgrad.train.HistoryMetadata;
import java.util.List;
import java.util.Map;

/**
 * Which data set a checkpoint's model was trained on, as far as the checkpoint tells: the main
 * job records the fingerprint of the images it measured each epoch on ({@link
 * HistoryMetadata#HELD_OUT_KEY}), which for a run without {@code --validation} is the data set's
 * whole test set, so known test sets name the data set of older checkpoints too. Since the
 * main job records its options, their {@code dataset} names it first. A run on another
 * directory is {@link #UNKNOWN}.
 */
enum TrainedOn {
  /** The MNIST digits: the embedded 2,000-image test subset. */
  MNIST(List.of("494046b96298f8c3ce207e8859cefb5d"), List.of()),
  /** Fashion-MNIST's 10,000 test images, with its class names. */
  FASHION_MNIST(List.of("907621f83a543a753ab62e28ed1734dc"), List.of("T-shirt/top", "Trouser",
      "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")),
  /** The checkpoint does not say. */
  UNKNOWN(List.of(), List.of());

  private final List<String> testFingerprints;
  private final List<String> classNames;

  TrainedOn(List<String> testFingerprints, List<String> classNames) {
    this.testFingerprints = testFingerprints;
    this.classNames = classNames;
  }

  /**
   * What a checkpoint's metadata says: the data set the main job recorded among its options
   * ({@link RecordedOptions}, since 2026-12-08; a run with {@code --validation} too), else a
   * known test set's fingerprint (older checkpoints).
   */
  static TrainedOn of(Map<String, String> checkpointMetadata) {
    String dataset = RecordedOptions.recorded(checkpointMetadata, "dataset").orElse("");
    if (dataset.equals(DataSource.FASHION_NAME)) {
      return FASHION_MNIST;
    }
    if (dataset.equals(DataSource.EMBEDDED_NAME)) {
      return MNIST;
    }
    String fingerprint = checkpointMetadata.get(HistoryMetadata.HELD_OUT_KEY);
    for (TrainedOn t : values()) {
      if (fingerprint != null && t.testFingerprints.contains(fingerprint)) {
        return t;
      }
    }
    return UNKNOWN;
  }

  /** The fingerprints of the test sets that identify it (for the test that pins them). */
  List<String> testFingerprints() {
    return testFingerprints;
  }

  /** The name of each class index, or empty when the indices are the names (digits). */
  List<String> classNames() {
    return classNames;
  }
}
