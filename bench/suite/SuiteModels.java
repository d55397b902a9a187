import dev.jgrad.examples.mnist.DeepConvNet;
import dev.jgrad.examples.mnist.SimpleConvNet;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.nn.Activation;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The suite's workloads and data, one place for the training side (JgradWorkload) and the
 * inference side (InferWorkload), so both measure the same models. Compiled beside them by
 * run.sh and infer.sh.
 */
final class SuiteModels {
  private SuiteModels() {}

  /** The training or test split of DATA: "embedded" (the jar's subset) or an IDX folder. */
  static LabeledImages images(String data, boolean test) throws IOException {
    var files = data.equals("embedded") ? MnistFiles.loadResources("/mnist/")
        : MnistFiles.load(Path.of(data));
    return test ? files.test() : files.train();
  }

  /**
   * The workload's model, seed 0: mlp-small (784-100-10), mlp-large (784-1000-1000-10), cnn (the
   * book's SimpleConvNet) or deep (its DeepConvNet).
   */
  static Module model(String workload, LabeledImages images) {
    return switch (workload) {
      case "mlp-small" -> Mlp.builder().input(784).hidden(100).output(10)
          .activation(Activation.RELU).seed(0).build();
      case "mlp-large" -> Mlp.builder().input(784).hidden(1000).hidden(1000).output(10)
          .activation(Activation.RELU).seed(0).build();
      case "cnn" -> SimpleConvNet.create(images.rows(), images.cols(), 100, 10, 0);
      case "deep" -> DeepConvNet.create(images.rows(), images.cols(), 50, 10, 0);
      default -> throw new IllegalArgumentException("unknown workload " + workload
          + "; use mlp-small, mlp-large, cnn or deep");
    };
  }
}
