package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgrad.data.Dataset;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.train.HistoryMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test-set fingerprints TrainedOn knows are those the main job records. */
class TrainedOnTest {
  @Test
  void theEmbeddedMnistTestSetIsMnist() throws IOException {
    String fingerprint = Dataset.ofImages(MnistFiles.loadResources(MnistTraining.EMBEDDED).test())
        .fingerprint();
    assertEquals(List.of(fingerprint), TrainedOn.MNIST.testFingerprints());
    assertEquals(TrainedOn.MNIST, TrainedOn.of(Map.of(HistoryMetadata.HELD_OUT_KEY, fingerprint)));
  }

  @Test
  void fashionMnistsTestSetIsFashionMnist() throws IOException {
    assumeTrue(Files.isDirectory(DataSource.FASHION_DIR), "Fashion-MNIST is not installed");
    String fingerprint = Dataset.ofImages(MnistFiles.load(DataSource.FASHION_DIR).test())
        .fingerprint();
    assertEquals(TrainedOn.FASHION_MNIST,
        TrainedOn.of(Map.of(HistoryMetadata.HELD_OUT_KEY, fingerprint)));
  }

  /** A run with --validation holds out a draw of the training set: its options say the set. */
  @Test
  void theRecordedDataSetNamesItWhateverTheHeldOutImages() {
    String fashionRun = "model=mlp\ndataset=" + DataSource.FASHION_NAME + "\nepochs=3";
    assertEquals(TrainedOn.FASHION_MNIST, TrainedOn.of(Map.of(RecordedOptions.KEY, fashionRun,
        HistoryMetadata.HELD_OUT_KEY, "0123")));
    assertEquals(TrainedOn.MNIST, TrainedOn.of(Map.of(RecordedOptions.KEY,
        "dataset=" + DataSource.EMBEDDED_NAME, HistoryMetadata.HELD_OUT_KEY, "0123")));
    assertEquals(TrainedOn.UNKNOWN, TrainedOn.of(Map.of(RecordedOptions.KEY,
        "dataset=/data/emnist", HistoryMetadata.HELD_OUT_KEY, "0123")));
  }

  @Test
  void aValidationSplitOrNoFingerprintIsUnknown() {
    assertEquals(TrainedOn.UNKNOWN, TrainedOn.of(Map.of(HistoryMetadata.HELD_OUT_KEY, "0123")));
    assertEquals(TrainedOn.UNKNOWN, TrainedOn.of(Map.of()));
  }
}
