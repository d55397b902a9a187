package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Activation;
import dev.jgrad.optim.AdamW;
import dev.jgrad.optim.OptimizerKind;
import dev.jgrad.optim.schedule.CosineAnnealing;
import dev.jgrad.optim.schedule.ExponentialDecay;
import dev.jgrad.optim.schedule.StepDecay;
import dev.jgrad.train.ReduceOnPlateau;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

class MnistOptionsTest {
  @Test
  void defaultsAreTheMainJob() {
    MnistOptions o = MnistOptions.parse();
    assertEquals(List.of(100), o.hidden());
    assertEquals(OptimizerKind.SGD, o.optimizer());
    assertEquals(Activation.RELU, o.activation());
    assertEquals(OptimizerKind.SGD.defaultLearningRate(), o.learningRate());
    assertEquals(MnistOptions.DEFAULT_EPOCHS, o.epochs());
    assertEquals(100, o.batchSize());
    assertEquals(Path.of("out", "mnist"), o.out());
    assertEquals(DataSource.embedded(), o.dataset());
    assertNull(o.weightDecay(), "each optimizer's own default");
  }

  @Test
  void everyOptionIsRead() {
    MnistOptions o = MnistOptions.parse("--epochs", "3", "--batch=50", "--lr", "0.02",
        "--hidden", "64,32", "--optimizer", "ADAM", "--activation", "tanh", "--seed", "-7",
        "--data", "d", "--out", "o", "--resume", "o/c.safetensors", "--limit", "1000",
        "--weight-decay", "1e-4", "--augment", "2", "--schedule", "step:5:0.5", "--validation",
        "500", "--early-stopping", "4", "--rotate", "12.5");
    assertEquals(3, o.epochs());
    assertEquals(50, o.batchSize());
    assertEquals(0.02, o.learningRate());
    assertEquals(List.of(64, 32), o.hidden());
    assertEquals(OptimizerKind.ADAM, o.optimizer());
    assertEquals(Activation.TANH, o.activation());
    assertEquals(-7, o.seed());
    assertEquals(Path.of("d"), o.dataset().dir());
    assertEquals(1e-4, o.weightDecay());
    assertEquals(Path.of("o"), o.out());
    assertEquals(Path.of("o/c.safetensors"), o.resume());
    assertEquals(1000, o.limit());
    assertEquals(2, o.augment());
    assertTrue(o.toString().contains(", images moved by up to 2 pixels, "), o.toString());
    assertEquals(0, MnistOptions.parse().augment(), "none by default");
    assertEquals(new StepDecay(5, 0.5), o.schedule().create(3));
    assertEquals(12.5, o.rotate());
    assertTrue(o.toString().contains(", images turned by up to 12.5 degrees, "), o.toString());
    assertEquals(0, MnistOptions.parse().rotate(), "none by default");
    assertEquals(500, o.validation());
    assertEquals(4, o.earlyStopping());
    assertTrue(o.toString().contains(", lr 0.02, schedule step:5:0.5, "), o.toString());
  }

  @Test
  void schedulesAreTheLibrarysOnesOverTheRun() {
    assertNull(MnistOptions.parse().schedule().create(30), "a constant rate by default");
    assertEquals(new CosineAnnealing(12, 0),
        MnistOptions.parse("--schedule", "cosine", "--epochs", "12").schedule().create(12));
    assertEquals(new ExponentialDecay(0.9), ScheduleChoice.parse(" exp:0.9").create(5));
    assertEquals(new StepDecay(10, 1.0), ScheduleChoice.parse("step:10:1").create(5));
    ScheduleChoice plateau = MnistOptions.parse("--schedule", "plateau:3:0.2", "--validation",
        "100").schedule();
    assertEquals(new ReduceOnPlateau(0.2, 3), plateau.plateau());
    assertNull(plateau.create(30), "the Trainer's rule, not a schedule of counts");
    assertNull(ScheduleChoice.parse("cosine").plateau());
    for (String bad : new String[] {"cos", "cosine:3", "step:2", "step:-1:0.5", "step:x:0.5",
        "exp:0", "exp:NaN", "exp:1.01", "", "plateau:2", "plateau:-1:0.5", "plateau:2:1"}) {
      ParameterException e = assertThrows(ParameterException.class,
          () -> MnistOptions.parse("--schedule", bad), bad);
      assertTrue(e.getMessage().startsWith("Invalid value for option '--schedule': '" + bad),
          e.getMessage());
    }
  }

  @Test
  void learningRateDefaultsPerOptimizer() {
    assertEquals(OptimizerKind.ADAM.defaultLearningRate(),
        MnistOptions.parse("--optimizer", "adam").learningRate());
    // the help states these defaults; a new default must be written there too
    String usage = MnistOptions.usage().replaceAll("\\s+", " "); // words, not line breaks
    for (OptimizerKind k : OptimizerKind.values()) {
      assertTrue(usage.contains(k.cliName() + " " + k.defaultLearningRate()), k + ": " + usage);
    }
  }

  @Test
  void badArgumentsSayWhatIsWrong() {
    assertMessage("Unknown option: '--epoch'", "--epoch");
    assertMessage("Unmatched argument at index 0: 'epochs'", "epochs");
    assertMessage("Missing required parameter for option '--epochs' (N)", "--epochs");
    // an empty --out wrote the run's files and its lock into the working folder (CLI trial)
    assertMessage("'' is not a folder; give one, e.g. out", "--out", "");
    assertMessage("' ' is not a folder", "--out", " ");
    assertMessage("option '--epochs': '0' is not a positive whole number", "--epochs", "0");
    assertMessage("option '--batch': 'ten' is not a positive whole number", "--batch", "ten");
    assertMessage("option '--seed': '1.5' is not a whole number", "--seed", "1.5");
    assertMessage("option '--augment': '-1' is not a whole number >= 0 (0: none)", "--augment",
        "-1");
    assertMessage("option '--lr': '-1' is not a positive number", "--lr", "-1");
    assertMessage("option '--lr': 'fast' is not a number such as 0.1", "--lr", "fast");
    assertMessage("option '--hidden': '100,' is not a list of layer sizes separated"
        + " by commas, such as 100 or 64,32", "--hidden", "100,");
    assertMessage("option '--optimizer': unknown optimizer 'lbfgs'; choose one of sgd, momentum,"
        + " adagrad, rmsprop, adam, adamw, adadelta, torch-adam", "--optimizer", "lbfgs");
    assertMessage("option '--activation': unknown activation 'softplus'", "--activation", "softplus");
  }

  @Test
  void weightDecayIsANumberOfAtLeastZeroAndReachesEveryOptimizer() {
    for (String bad : new String[] {"-0.1", "NaN", "Infinity"}) {
      assertMessage("option '--weight-decay': '" + bad + "' is not a number >= 0 (0: none)",
          "--weight-decay", bad);
    }
    assertMessage("option '--weight-decay': 'lots' is not a number such as 0.1",
        "--weight-decay", "lots");
    Map<String, Tensor> params = Map.of("w", Tensor.zeros(DType.FLOAT32, 2, 2).requiresGrad(true));
    for (OptimizerKind k : OptimizerKind.values()) {
      String decayed = MnistOptions.parse("--optimizer", k.cliName(), "--weight-decay", "0.25")
          .createOptimizer(params).toString();
      assertTrue(decayed.contains("weightDecay=0.25"), k + ": " + decayed);
    }
    String sgd = MnistOptions.parse().createOptimizer(params).toString();
    assertFalse(sgd.contains("weightDecay=0.25"), sgd);
    assertTrue(MnistOptions.parse("--optimizer", "adamw").createOptimizer(params).toString()
        .contains("weightDecay=" + AdamW.DEFAULT_WEIGHT_DECAY), "adamw keeps its default");
    assertEquals(0.0, MnistOptions.parse("--weight-decay", "0").weightDecay());
  }

  @Test
  void cnnDefaultsToAdamAnd20EpochsAndRejectsWhatItCannotUse() {
    assertEquals(ModelKind.MLP, MnistOptions.parse().model());
    MnistOptions cnn = MnistOptions.parse("--model", "cnn");
    assertEquals(ModelKind.CNN, cnn.model());
    assertEquals(OptimizerKind.ADAM, cnn.optimizer());
    assertEquals(0.001, cnn.learningRate());
    assertEquals(0.001, MnistOptions.parse("--model", "cnn", "--optimizer", "torch-adam")
        .learningRate(), "switching to torch.optim.Adam keeps the rate");
    assertEquals(MnistOptions.DEFAULT_CNN_EPOCHS, cnn.epochs());
    MnistOptions given = MnistOptions.parse("--model=cnn", "--epochs", "3", "--optimizer", "sgd",
        "--hidden", "50");
    assertEquals(3, given.epochs());
    assertEquals(OptimizerKind.SGD, given.optimizer());
    assertEquals(List.of(50), given.hidden());
    assertMessage("option '--model': unknown model 'rnn'; use mlp, cnn or deep", "--model", "rnn");
    assertMessage("--hidden: --model cnn has one hidden affine layer", "--model", "cnn",
        "--hidden", "64,32");
    assertMessage("--activation applies to --model mlp", "--model", "cnn", "--activation",
        "tanh");
    assertTrue(MnistOptions.usage().contains("--model=NAME"), MnistOptions.usage());
  }

  @Test
  void deepDefaultsToTheBooksAdamAnd50HiddenAndTakesOneSize() {
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
    assertTrue(MnistOptions.usage().contains("DeepConvNet"), MnistOptions.usage());
  }

  private static void assertMessage(String expected, String... args) {
    ParameterException e = assertThrows(ParameterException.class,
        () -> MnistOptions.parse(args));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
