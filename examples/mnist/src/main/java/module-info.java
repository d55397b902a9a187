/**
 * The MNIST command line and the book's examples. Backends (and logback, slf4j's provider) are
 * not required: ServiceLoader binding resolves those on the module path.
 */
module dev.jgrad.examples.mnist {
  requires dev.jgrad.training;
  requires com.google.common;
  requires org.slf4j;
  // ConsoleLogging configures logback in code when logback is there (it is optional)
  requires static ch.qos.logback.classic;
  requires static ch.qos.logback.core;
  // the command line; picocli reads the annotated options reflectively
  requires info.picocli;
  // predict reads PNG digits with javax.imageio
  requires java.desktop;

  // No opens to dev.jgrad.training: the trainer recognizes Losses::softmaxCrossEntropyLabels
  // without reflection into this module (PackagedJarIT checks that accuracy is reported).
  opens dev.jgrad.examples.mnist to info.picocli;
  // The embedded MNIST subset (resources under /mnist/), which the training module's MnistFiles
  // reads through a ClassLoader: the jar lists mnist as one of this module's packages.
  opens mnist;

  provides ch.qos.logback.classic.spi.Configurator with dev.jgrad.examples.mnist.ConsoleLogging;
}
