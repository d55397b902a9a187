package dev.jgrad.examples.book;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The book examples' arguments: defaults where absent, each bad one refused in one line naming it
 * with the usage (status 2), a failed run in one line (status 1), never a stack trace.
 */
class BookArgsTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<Object> got = new ArrayList<>();

  private int run(BookArgs.Body body, String[] args, String... names) {
    return BookArgs.run(WeightDecayComparison.class, args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), body, names);
  }

  private int parse(String... args) {
    return run(a -> {
      got.add(a.positiveInt(0, 600));
      got.add(a.nonNegative(1, 0.1));
      got.add(a.seed(2, 42));
    }, args, "iterations", "lambda", "seed");
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static final String USAGE = "usage: java -cp examples/mnist/target/jgrad-mnist.jar "
      + "dev.jgrad.examples.book.WeightDecayComparison [iterations [lambda [seed]]]";

  @Test
  void absentArgumentsTakeTheirDefaultsAndGivenOnesTheirValues() {
    assertEquals(0, parse());
    assertEquals(List.of(600, 0.1, 42L), got);
    got.clear();
    assertEquals(0, parse("900", "0", "-7"));
    assertEquals(List.of(900, 0.0, -7L), got);
    assertEquals("", err());
  }

  @Test
  void eachBadArgumentIsRefusedInOneLineWithTheUsage() {
    String[][] cases = {
        {"abc"}, {"0"}, {"1e3"}, {"5", "-0.1"}, {"5", "NaN"}, {"5", "0.1", "x"}};
    String[] lines = {
        "iterations must be a whole number from 1 to 2147483647, got 'abc'",
        "iterations must be a whole number from 1 to 2147483647, got '0'",
        "iterations must be a whole number from 1 to 2147483647, got '1e3'",
        "lambda must be a number from 0 up, got '-0.1'",
        "lambda must be a number from 0 up, got 'NaN'",
        "seed must be a whole number, got 'x'"};
    for (int i = 0; i < cases.length; i++) {
      err.reset();
      assertEquals(2, parse(cases[i]));
      assertEquals("WeightDecayComparison: " + lines[i] + "; " + USAGE + "\n", err());
    }
    err.reset();
    assertEquals(2, parse("1", "2", "3", "4"));
    assertEquals("WeightDecayComparison: takes at most 3 arguments (iterations, lambda, seed), "
        + "got 4; " + USAGE + "\n", err());
  }

  @Test
  void fractionsAndPositiveNumbersHaveTheirRanges() {
    assertEquals(2, run(a -> a.fraction(0, 0.2), new String[] {"1"}, "ratio"));
    assertEquals(0, run(a -> got.add(a.fraction(0, 0.2)), new String[] {"0.5"}, "ratio"));
    assertEquals(2, run(a -> a.positive(0, 0.1), new String[] {"0"}, "lr"));
    assertEquals(2, run(a -> a.positive(0, 0.1), new String[] {"Infinity"}, "lr"));
    assertEquals(List.of(0.5), got);
    assertEquals(3, err().lines().count(), err());
  }

  @Test
  void helpPrintsTheUsageAndAnExampleWithoutArgumentsRefusesAny() {
    assertEquals(0, parse("--help"));
    assertEquals(USAGE + "\n", out.toString(StandardCharsets.UTF_8));
    assertEquals(List.of(), got, "the example did not run");
    assertEquals(2, run(a -> got.add("ran"), new String[] {"x"}));
    assertEquals("WeightDecayComparison: takes no arguments, got 1; usage: java -cp "
        + "examples/mnist/target/jgrad-mnist.jar dev.jgrad.examples.book.WeightDecayComparison\n",
        err());
  }

  @Test
  void aFailedRunIsOneLine() {
    assertEquals(1, run(a -> {
      throw new IOException("disk full");
    }, new String[0]));
    assertEquals(1, run(a -> {
      throw new FileAlreadyExistsException(Path.of("out/x").toString());
    }, new String[0]));
    assertEquals(1, run(a -> {
      throw new IllegalArgumentException("randomSplit sizes [1] add up to 1 but ...");
    }, new String[0]));
    assertEquals(1, run(a -> {
      throw new java.io.UncheckedIOException(
          new java.nio.file.AccessDeniedException("out/y"));
    }, new String[0]));
    assertEquals(1, run(a -> {
      throw new IllegalStateException();
    }, new String[0]));
    assertEquals("WeightDecayComparison: disk full\n"
        + "WeightDecayComparison: cannot use out/x: it already exists (as a file where a folder "
        + "is needed?)\n"
        + "WeightDecayComparison: randomSplit sizes [1] add up to 1 but ...\n"
        + "WeightDecayComparison: cannot use out/y: permission denied\n"
        + "WeightDecayComparison: java.lang.IllegalStateException\n", err());
  }
}
