package dev.jgrad.examples.mnist;

import dev.jgrad.api.BackendOutOfMemoryException;
import dev.jgrad.api.Backends;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.io.FileFormatException;
import dev.jgrad.io.IoMessages;
import dev.jgrad.io.OutputLock;
import dev.jgrad.train.ProgressListener;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The main job: trains a 784-100-10 ReLU MLP with softmax cross-entropy and SGD on the MNIST
 * subset embedded in the jar, printing the backend, a progress bar and per-epoch metrics, and
 * writing a chart, a CSV and a checkpoint to {@code out/mnist}.
 *
 * <pre>
 * mvn -B -q install -DskipTests &amp;&amp; java -jar examples/mnist/target/jgrad-mnist.jar
 * java -jar examples/mnist/target/jgrad-mnist.jar --dataset ~/mnist --epochs 10 --optimizer adam
 * java -jar examples/mnist/target/jgrad-mnist.jar --dataset fashion-mnist --weight-decay 1e-4
 * java -Djgrad.backend=cuda -jar examples/mnist/target/jgrad-mnist.jar
 * java -jar examples/mnist/target/jgrad-mnist.jar predict --model out/mnist/checkpoint.safetensors digit.png
 * </pre>
 *
 * <p>Exit status: 0 on success, 1 when the data or a checkpoint cannot be read or {@code --out}
 * cannot be written or is in use by another run, 2 for a bad command line (picocli's usage-error
 * status; {@code --help} lists them). The command line is picocli's ({@link MnistCommand}).
 */
public final class MnistMain {
  private MnistMain() {}

  public static void main(String[] args) {
    // the ops' few hundred classes and lambdas load on a daemon thread while picocli reads the
    // command line (about 130 ms on a cold JVM), instead of after it
    OpRegistry.preload();
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the command line and returns the exit status, printing to {@code out} and {@code err}. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = MnistCommand.commandLine();
    PrintWriter outWriter = new PrintWriter(out, true);
    cl.setOut(outWriter);
    cl.setErr(new PrintWriter(err, true));
    cl.setParameterExceptionHandler((e, given) -> usageError(e, err));
    cl.setExecutionStrategy(parsed -> {
      Integer helped = CommandLine.executeHelpRequest(parsed); // --help, --version: status 0
      if (helped != null) {
        return helped;
      }
      if (parsed.subcommand() != null) { // predict
        if (!parsed.matchedOptions().isEmpty()) { // they would be ignored silently
          err.println("error: " + parsed.matchedOptions().stream().map(o -> o.longestName())
              .distinct().collect(Collectors.joining(", ")) + " before 'predict' "
              + (parsed.matchedOptions().size() == 1 ? "is a training option" : "are training"
              + " options") + "; give predict only its own options, after 'predict' (predict"
              + " --help lists them)");
          return cl.getCommandSpec().exitCodeOnInvalidInput();
        }
        return ((PredictCommand) parsed.subcommand().commandSpec().userObject()).run(out, err);
      }
      return train(MnistOptions.of(cl), out, err);
    });
    int status = cl.execute(args);
    outWriter.flush();
    return status;
  }

  /**
   * A bad command line: one {@code error:} line naming the option, the value and what it takes
   * (with picocli's "did you mean" for a misspelt option), then where the help is; status 2.
   */
  private static int usageError(ParameterException e, PrintStream err) {
    List<String> unknown = e.getCommandLine().getUnmatchedArguments();
    if (!(e instanceof UnmatchedArgumentException) && !unknown.isEmpty()) {
      // picocli reports a missing required option before the misspelling that caused it
      // (predict --modle FILE): the misspelling is the error to name
      e = new UnmatchedArgumentException(e.getCommandLine(), unknown);
    }
    StringBuilder message = new StringBuilder(e.getMessage());
    message.setCharAt(0, Character.toLowerCase(message.charAt(0)));
    if (e instanceof UnmatchedArgumentException unmatched) {
      List<String> suggestions = unmatched.getSuggestions();
      if (!suggestions.isEmpty()) {
        message.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
      }
      if (unmatched.getUnmatched().stream().noneMatch(a -> a.startsWith("-"))) {
        message.append(" (options start with --)");
      }
    }
    err.println("error: " + message);
    err.println("Usage: " + e.getCommandLine().getCommandSpec().usageMessage().customSynopsis()[0]
        + "; --help lists the options and exit codes");
    return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * The run's last line: the test accuracy, and with {@code --validation} which epoch's model was
   * tested and its validation accuracy.
   */
  static String finalLine(MnistResult r, MnistOptions options) {
    MetricsHistory h = r.history();
    int epochs = h.last().epoch();
    String line = String.format(Locale.ROOT, "final test accuracy: %.2f%% after %d epoch%s",
        100 * r.testAccuracy(), epochs, epochs == 1 ? "" : "s");
    if (options.validation() == 0) {
      return line;
    }
    EpochMetrics tested = h.epochs().stream().filter(m -> m.epoch() == r.testedEpoch())
        .findFirst().orElse(h.last());
    int best = h.bestTestLoss().map(EpochMetrics::epoch).orElse(-1);
    String which = options.earlyStopping() == 0 ? "the last epoch's model"
        : best < 0 ? "the last epoch's model: no epoch had a finite validation loss"
        : r.testedEpoch() == best ? "epoch " + best + "'s model, the best by validation loss"
        : "the last epoch's model, the best one's (epoch " + best + ") not found";
    return line + String.format(Locale.ROOT, " (%s, validation accuracy %.2f%%)", which,
        100 * tested.testAccuracy());
  }

  /**
   * {@link MnistTraining#run}, with a shutdown hook that says, on Ctrl-C or SIGTERM, where the
   * last checkpoint is and how to resume; removed once training ends however it ends.
   */
  private static MnistResult runWithNotice(MnistOptions options, PrintStream out,
      PrintStream err) throws IOException {
    InterruptNotice notice = new InterruptNotice(options.out()
        .resolve(MnistTraining.CHECKPOINT_FILE), err);
    Thread hook = notice.hook();
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return MnistTraining.run(options, ProgressListener.onConsole(out), notice);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is going down: the hook runs and says where the checkpoint is
      }
    }
  }

  /** Trains as {@code options} say; the status is 1 for data, checkpoint and output errors. */
  private static int train(MnistOptions options, PrintStream out, PrintStream err) {
    try {
      out.println("jgrad " + options.dataset().title() + ": " + options);
      out.println("backend: " + Backends.current().name());
      MnistResult result = runWithNotice(options, out, err);
      MetricsHistory history = result.history();
      if (!history.isEmpty()) {
        out.println(finalLine(result, options));
      }
      out.println("chart, CSV and checkpoint in " + options.out().toAbsolutePath());
      if (options.exportOnnx() != null) {
        out.println("ONNX model in " + options.exportOnnx().toAbsolutePath());
      }
      return 0;
    } catch (OutputLock.InUseException e) {
      err.println("error: " + e.dir() + " is in use by another jgrad run"
          + (e.holder().isEmpty() ? "" : " (" + e.holder() + ")")
          + "; wait for it or choose another --out");
      return 1;
    } catch (OutputLock.UnusableException e) {
      err.println("error: --out: " + e.getMessage());
      return 1;
    } catch (NoSuchFileException e) {
      err.println("error: " + (e.getReason() != null ? e.getMessage()
          : "no such file or directory: " + e.getFile()));
      return 1;
    } catch (FileNotFoundException | FileFormatException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("error: " + IoMessages.describe(e));
      return 1;
    } catch (BadOptionException e) { // a bad command line, found once the files or data are seen
      err.println("error: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (BackendOutOfMemoryException e) { // a tensor the heap or the GPU has no room for
      err.println("error: " + e.getMessage() + "; here: a smaller --hidden, --batch or --limit");
      return 1;
    } catch (OutOfMemoryError e) {
      // Caught only here, at the top: the run is over, but the user gets what to change.
      err.printf(Locale.ROOT, "error: out of memory (%s; the Java heap holds at most %d MiB); "
          + "give the JVM more with -Xmx (e.g. java -Xmx4g -jar ...) or use a smaller --hidden, "
          + "--batch or --limit%n", e.getMessage(), Runtime.getRuntime().maxMemory() >> 20);
      return 1;
    }
  }
}
