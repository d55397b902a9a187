package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.nn.Activation;
import dev.jgrad.optim.OptimizerKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MnistOptionsTest {
  @Test
  void defaultsAreTheMainJob() throws UsageException {
    MnistOptions o = MnistOptions.parse();
    assertEquals(List.of(100), o.hidden());
    assertEquals(OptimizerKind.SGD, o.optimizer());
    assertEquals(Activation.RELU, o.activation());
    assertEquals(OptimizerKind.SGD.defaultLearningRate(), o.learningRate());
    assertEquals(MnistOptions.DEFAULT_EPOCHS, o.epochs());
    assertEquals(100, o.batchSize());
    assertEquals(Path.of("out", "mnist"), o.out());
    assertNull(o.data());
    assertEquals(false, o.help());
  }

  @Test
  void everyOptionIsRead() throws UsageException {
    MnistOptions o = MnistOptions.parse("--epochs", "3", "--batch=50", "--lr", "0.02",
        "--hidden", "64,32", "--optimizer", "ADAM", "--activation", "tanh", "--seed", "-7",
        "--data", "d", "--out", "o", "--resume", "o/c.safetensors", "--limit", "1000");
    assertEquals(3, o.epochs());
    assertEquals(50, o.batchSize());
    assertEquals(0.02, o.learningRate());
    assertEquals(List.of(64, 32), o.hidden());
    assertEquals(OptimizerKind.ADAM, o.optimizer());
    assertEquals(Activation.TANH, o.activation());
    assertEquals(-7, o.seed());
    assertEquals(Path.of("d"), o.data());
    assertEquals(Path.of("o"), o.out());
    assertEquals(Path.of("o/c.safetensors"), o.resume());
    assertEquals(1000, o.limit());
  }

  @Test
  void learningRateDefaultsPerOptimizer() throws UsageException {
    assertEquals(OptimizerKind.ADAM.defaultLearningRate(),
        MnistOptions.parse("--optimizer", "adam").learningRate());
    assertTrue(MnistOptions.parse("--help").help());
  }

  @Test
  void badArgumentsSayWhatIsWrong() {
    assertMessage("unknown option '--epoch'", "--epoch", "3");
    assertMessage("(options start with --)", "epochs");
    assertMessage("--epochs needs a value", "--epochs");
    assertMessage("--epochs must be a positive whole number, got '0'", "--epochs", "0");
    assertMessage("--batch must be a positive whole number, got 'ten'", "--batch", "ten");
    assertMessage("--seed must be a whole number, got '1.5'", "--seed", "1.5");
    assertMessage("--lr must be a positive number, got '-1'", "--lr", "-1");
    assertMessage("--lr must be a number such as 0.1, got 'fast'", "--lr", "fast");
    assertMessage("--hidden takes layer sizes separated by commas, e.g. 100 or 64,32; got '100,'",
        "--hidden", "100,");
    assertMessage("--optimizer: unknown optimizer 'lbfgs'; choose one of sgd, momentum,"
        + " adagrad, rmsprop, adam, adamw", "--optimizer", "lbfgs");
    assertMessage("--activation: unknown activation 'gelu'", "--activation", "gelu");
  }

  @Test
  void cnnDefaultsToAdamAnd20EpochsAndRejectsWhatItCannotUse() throws UsageException {
    assertEquals(ModelKind.MLP, MnistOptions.parse().model());
    MnistOptions cnn = MnistOptions.parse("--model", "cnn");
    assertEquals(ModelKind.CNN, cnn.model());
    assertEquals(OptimizerKind.ADAM, cnn.optimizer());
    assertEquals(0.001, cnn.learningRate());
    assertEquals(MnistOptions.DEFAULT_CNN_EPOCHS, cnn.epochs());
    MnistOptions given = MnistOptions.parse("--model=cnn", "--epochs", "3", "--optimizer", "sgd",
        "--hidden", "50");
    assertEquals(3, given.epochs());
    assertEquals(OptimizerKind.SGD, given.optimizer());
    assertEquals(List.of(50), given.hidden());
    assertMessage("--model: unknown model 'rnn'; use mlp, cnn or deep", "--model", "rnn");
    assertMessage("--hidden: --model cnn has one hidden affine layer", "--model", "cnn",
        "--hidden", "64,32");
    assertMessage("--activation applies to --model mlp", "--model", "cnn", "--activation",
        "tanh");
    assertTrue(MnistOptions.USAGE.contains("--model NAME"), MnistOptions.USAGE);
  }

  @Test
  void deepDefaultsToTheBooksAdamAnd50HiddenAndTakesOneSize() throws UsageException {
    MnistOptions deep = MnistOptions.parse("--model", "deep");
    assertEquals(ModelKind.DEEP, deep.model());
    assertEquals(OptimizerKind.ADAM, deep.optimizer());
    assertEquals(0.001, deep.learningRate());
    assertEquals(MnistOptions.DEFAULT_CNN_EPOCHS, deep.epochs());
    assertEquals(100, deep.batchSize());
    assertEquals(List.of(50), deep.hidden());
    assertEquals(List.of(100), MnistOptions.parse("--model", "cnn").hidden());
    assertEquals(List.of(100), MnistOptions.parse().hidden());
    MnistOptions given = MnistOptions.parse("--model=DEEP", "--hidden", "64", "--optimizer",
        "momentum", "--epochs", "2");
    assertEquals(List.of(64), given.hidden());
    assertEquals(OptimizerKind.MOMENTUM, given.optimizer());
    assertEquals(OptimizerKind.MOMENTUM.defaultLearningRate(), given.learningRate());
    assertEquals(2, given.epochs());
    assertMessage("--hidden: --model deep has one hidden affine layer; give one size, got [64, "
        + "32]", "--model", "deep", "--hidden", "64,32");
    assertMessage("--activation applies to --model mlp; the deep uses relu", "--model", "deep",
        "--activation", "sigmoid");
    assertTrue(MnistOptions.USAGE.contains("DeepConvNet"), MnistOptions.USAGE);
  }

  private static void assertMessage(String expected, String... args) {
    UsageException e = assertThrows(UsageException.class, () -> MnistOptions.parse(args));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
