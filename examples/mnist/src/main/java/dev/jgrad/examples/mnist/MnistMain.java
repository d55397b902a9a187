package dev.jgrad.examples.mnist;

import dev.jgrad.api.Backends;
import dev.jgrad.io.FileFormatException;
import dev.jgrad.io.IoMessages;
import dev.jgrad.io.OutputLock;
import dev.jgrad.train.ProgressListener;
import dev.jgrad.train.report.MetricsHistory;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * The main job: trains a 784-100-10 ReLU MLP with softmax cross-entropy and SGD on the MNIST
 * subset embedded in the jar, printing the backend, a progress bar and per-epoch metrics, and
 * writing a chart, a CSV and a checkpoint to {@code out/mnist}.
 *
 * <pre>
 * mvn -B -q install -DskipTests &amp;&amp; java -jar examples/mnist/target/jgrad-mnist.jar
 * java -jar examples/mnist/target/jgrad-mnist.jar --data ~/mnist --epochs 10 --optimizer adam
 * java -Djgrad.backend=cuda -jar examples/mnist/target/jgrad-mnist.jar
 * </pre>
 *
 * <p>Exit status: 0 on success, 1 when the data or a checkpoint cannot be read or {@code --out}
 * cannot be written or is in use by another run, 2 for a bad command line.
 */
public final class MnistMain {
  private MnistMain() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the command line and returns the exit status, printing to {@code out} and {@code err}. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    MnistOptions options;
    try {
      options = MnistOptions.parse(args);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println();
      err.println(MnistOptions.USAGE);
      return 2;
    }
    if (options.help()) {
      out.println(MnistOptions.USAGE);
      return 0;
    }
    try {
      out.println("jgrad MNIST: " + options);
      out.println("backend: " + Backends.current().name());
      MetricsHistory history = MnistTraining.run(options, ProgressListener.onConsole(out));
      if (!history.isEmpty()) {
        out.printf(Locale.ROOT, "final test accuracy: %.2f%% after %d epochs%n",
            100 * history.last().testAccuracy(), history.last().epoch());
      }
      out.println("chart, CSV and checkpoint in " + options.out().toAbsolutePath());
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
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("error: " + e.getMessage());
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
