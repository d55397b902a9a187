package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command line, run as a user would in a fresh JVM (after {@code package}; run by
 * the pom's integration-test execution): the shaded jar alone in an empty folder, and the
 * plain jars on the module path.
 */
class PackagedJarIT {
  private static final Pattern FINAL_ACCURACY =
      Pattern.compile("(?m)^final test accuracy: ([0-9.]+)% after 1 epoch$");
  /** ConsoleLogging's format: time, level padded to 5, class, message. */
  private static final Pattern LOG_LINE =
      Pattern.compile("(?m)^[0-9]{2}:[0-9]{2}:[0-9]{2} INFO  Backends: jgrad backend: ");
  private static final String NATIVE_MODULES =
      "org.bytedeco.javacpp,org.bytedeco.openblas,dev.jgrad.cpu,jcuda";
  /** One short epoch: the same bar as MnistMainTest's in-process run (chance is 10%). */
  private static final String[] ONE_EPOCH = {"--epochs", "1", "--limit", "1000"};

  @TempDir
  Path dir;

  /** Exit status and the merged standard output and error of one run. */
  record Run(int status, String output) {}

  /** JCuda's version (the parent pom's jcuda.version), which its jars and natives are named by. */
  private static String jcuda() {
    String v = System.getProperty("jgrad.jcuda.version");
    assertTrue(v != null, "jgrad.jcuda.version is not set: run this test through Maven (mvn verify)");
    return v;
  }

  private static Path target() {
    String t = System.getProperty("jgrad.mnist.target");
    assertTrue(t != null, "jgrad.mnist.target is not set: run this test through Maven (mvn verify)");
    return Path.of(t);
  }

  private static Run java(Path workDir, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(args);
    Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .start();
    byte[] out = p.getInputStream().readAllBytes();
    // a safety net for a hung child, not a timing assertion
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "java " + args + " did not exit");
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static void assertTrained(Run run, Path workDir) {
    assertEquals(0, run.status(), run.output());
    Matcher m = FINAL_ACCURACY.matcher(run.output());
    assertTrue(m.find(), "no final accuracy in:\n" + run.output());
    double accuracy = Double.parseDouble(m.group(1));
    assertTrue(accuracy > 60, accuracy + "% after one epoch on 1,000 images\n" + run.output());
    // the native libraries loaded from the jars (a failure is logged, not thrown, for the helper)
    assertFalse(run.output().contains("native helper unavailable"), run.output());
    // nothing a user would wonder about (JavaCPP warned when the jar lost its pom.properties)
    // (and JDK 22+ warns of native access that the jar's manifest did not enable)
    assertFalse(run.output().toLowerCase(Locale.ROOT).contains("warning"), run.output());
    // logging set up by ConsoleLogging (found by ServiceLoader in the jar and on the module path)
    assertTrue(LOG_LINE.matcher(run.output()).find(), "no log line in:\n" + run.output());
    assertTrue(Files.isRegularFile(workDir.resolve("out/mnist/checkpoint.safetensors")),
        run.output());
  }

  /**
   * The arguments that classify a PNG (a bar, a "1") written into {@code workDir} with the
   * checkpoint the training run left there: Model.load finds the layer types through the merged
   * services file or the modules' provides, and ImageIO reads the PNG.
   */
  private static List<String> predictArgs(Path workDir) throws IOException {
    BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 4; y < 24; y++) {
      image.getRaster().setSample(13, y, 0, 255);
      image.getRaster().setSample(14, y, 0, 255);
    }
    assertTrue(ImageIO.write(image, "png", workDir.resolve("bar.png").toFile()));
    return List.of("predict", "--model", "out/mnist/checkpoint.safetensors", "bar.png");
  }

  private static void assertPredicted(Run run) {
    assertEquals(0, run.status(), run.output());
    assertTrue(Pattern.compile("(?m)^bar\\.png: [0-9] \\(probability 0\\.[0-9]{3}; then ")
        .matcher(run.output()).find(), run.output());
  }

  @Test
  void theShadedJarRunsAloneInAnEmptyFolder() throws Exception {
    Path jar = dir.resolve("jgrad-mnist.jar");
    Files.copy(target().resolve("jgrad-mnist.jar"), jar);
    try (JarFile j = new JarFile(jar.toFile())) {
      assertNull(j.getManifest().getMainAttributes().getValue("Class-Path"),
          "the jar must not point at a lib/ folder");
      // the services of every module merged, not the first jar's file kept
      String backends = new String(j.getInputStream(
          j.getEntry("META-INF/services/dev.jgrad.api.BackendProvider")).readAllBytes(),
          StandardCharsets.UTF_8);
      assertTrue(backends.contains("dev.jgrad.cpu.CpuBackendProvider")
          && backends.contains("dev.jgrad.cuda.CudaBackendProvider"), backends);
      // what the CUDA backend loads on a GPU machine: JCuda's driver and cuBLAS bindings
      assertTrue(j.getEntry("lib/libJCudaDriver-" + jcuda() + "-linux-x86_64.so") != null
          && j.getEntry("lib/libJCublas2-" + jcuda() + "-linux-x86_64.so") != null, "JCuda natives");
    }

    Run help = java(dir, List.of("-jar", "jgrad-mnist.jar", "--help"));
    assertEquals(0, help.status(), help.output());
    assertTrue(help.output().startsWith("Usage: java -jar"), help.output());

    List<String> args = new ArrayList<>(List.of("-jar", "jgrad-mnist.jar"));
    args.addAll(List.of(ONE_EPOCH));
    assertTrained(java(dir, args), dir);

    List<String> predict = new ArrayList<>(List.of("-jar", "jgrad-mnist.jar"));
    predict.addAll(predictArgs(dir));
    assertPredicted(java(dir, predict));
  }

  /**
   * A -D setting that does not parse is one error line and exit status 1, whether the CPU
   * backend reads it at its creation or autograd at the first op, in a fresh JVM (each is read
   * once, when its class loads).
   */
  @Test
  void aBadSettingIsOneErrorLine() throws Exception {
    Files.copy(target().resolve("jgrad-mnist.jar"), dir.resolve("jgrad-mnist.jar"));
    for (String setting : new String[] {"-Djgrad.cpu.threads=four", "-Djgrad.profile=yes"}) {
      List<String> args = new ArrayList<>(List.of(setting, "-jar", "jgrad-mnist.jar"));
      args.addAll(List.of(ONE_EPOCH));
      Run run = java(dir, args);
      assertEquals(1, run.status(), run.output());
      List<String> errors = run.output().lines().filter(l -> l.startsWith("error: ")).toList();
      assertEquals(1, errors.size(), run.output());
      assertTrue(errors.get(0).startsWith("error: " + setting + " is not a "), run.output());
      assertFalse(run.output().contains("\tat "), "no stack trace:\n" + run.output());
    }
  }

  @Test
  void theModulesRunOnTheModulePath() throws Exception {
    Path target = target();
    Path lib = target.resolve("lib");
    String modulePath = target.resolve("original-jgrad-mnist.jar") + File.pathSeparator + lib;
    // JCuda looks its natives up as resources of its own module (LibUtils, in jcuda): on the
    // module path they are found only when patched into it (what README.md tells users; no GPU
    // here, so this run only shows the flag is accepted)
    String jcudaNatives = lib.resolve("jcuda-natives-" + jcuda() + "-linux-x86_64.jar")
        + File.pathSeparator + lib.resolve("jcublas-natives-" + jcuda() + "-linux-x86_64.jar");
    List<String> args = new ArrayList<>(List.of("--module-path", modulePath,
        "--patch-module", "jcuda=" + jcudaNatives,
        // the modules that load native code, as README.md names them (JDK 22+ warns otherwise)
        "--enable-native-access=" + NATIVE_MODULES,
        // lists the resolved modules, so the test can see that jgrad's ran as modules
        "--show-module-resolution",
        "-m", "dev.jgrad.examples.mnist/dev.jgrad.examples.mnist.MnistMain"));
    args.addAll(List.of(ONE_EPOCH));
    Run run = java(dir, args);
    assertTrained(run, dir);
    for (String module : List.of("dev.jgrad.api", "dev.jgrad.autograd", "dev.jgrad.training",
        "dev.jgrad.cpu", "dev.jgrad.cuda")) {
      assertTrue(run.output().contains("root dev.jgrad.examples.mnist")
          && Pattern.compile("(?m) (requires|binds) " + Pattern.quote(module) + " file:")
              .matcher(run.output()).find(), module + " not resolved as a module:\n" + run.output());
    }
    // the trainer recognized Losses::softmaxCrossEntropyLabels though the module opens nothing
    // to dev.jgrad.training: it reported accuracy for the training set too
    assertTrue(Pattern.compile("train loss [0-9.]+ acc ").matcher(run.output()).find(),
        run.output());

    List<String> predict = new ArrayList<>(args.subList(0, args.indexOf("-m") + 2));
    predict.remove("--show-module-resolution");
    predict.addAll(predictArgs(dir));
    assertPredicted(java(dir, predict));
  }
}
