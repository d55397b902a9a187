package dev.jgrad.examples.book;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A book example's positional arguments, all optional: each read with its default, or refused in
 * one line that names the argument, the value and the usage, instead of a stack trace. An error
 * of the run itself (a file that cannot be written) is one line too.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   BookArgs.main(Example.class, args, a -> run(a.positiveInt(0, 600), a.seed(1, 42)),
 *       "iterations", "seed");
 * }
 * }</pre>
 */
final class BookArgs {
  /** What an example does with its arguments. */
  interface Body {
    void run(BookArgs args) throws IOException;
  }

  /** A bad argument: exit status 2, as for a bad command line. */
  private static final class BadArgument extends RuntimeException {
    BadArgument(String message) {
      super(message);
    }
  }

  private final String example;
  private final List<String> names;
  private final String[] values;

  private BookArgs(String example, List<String> names, String[] values) {
    this.example = example;
    this.names = names;
    this.values = values;
  }

  /** Runs {@code body} and exits with its status where that is not 0 ({@link #run}). */
  static void main(Class<?> example, String[] args, Body body, String... names) {
    int status = run(example, args, System.out, System.err, body, names);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs {@code body} with {@code args}, the arguments {@code names} in order; returns 0, or 2
   * after a bad argument's line (the usage with it), or 1 after a failed run's line, written to
   * {@code err}. {@code -h} or {@code --help} alone prints the usage to {@code out}.
   */
  static int run(Class<?> example, String[] args, PrintStream out, PrintStream err, Body body,
      String... names) {
    String name = example.getSimpleName();
    String usage = usage(example, names);
    if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
      out.println(usage);
      return 0;
    }
    try {
      if (args.length > names.length) {
        throw new BadArgument(names.length == 0 ? "takes no arguments, got " + args.length
            : "takes at most " + names.length + " arguments (" + String.join(", ", names)
                + "), got " + args.length);
      }
      body.run(new BookArgs(name, List.of(names), args));
      return 0;
    } catch (BadArgument e) {
      err.println(name + ": " + e.getMessage() + "; " + usage);
      return 2;
    } catch (IOException | UncheckedIOException | IllegalArgumentException
        | IllegalStateException e) {
      err.println(name + ": " + describe(e));
      return 1;
    }
  }

  /** A failed run's line: a file's path and why, else the message, else the exception. */
  private static String describe(Exception e) {
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    if (cause instanceof FileSystemException fs) { // its message is often the path alone
      return "cannot use " + fs.getFile() + ": " + reason(fs);
    }
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }

  /** Why a file operation failed, in words. */
  private static String reason(FileSystemException e) {
    if (e.getReason() != null) {
      return e.getReason();
    }
    if (e instanceof FileAlreadyExistsException) {
      return "it already exists (as a file where a folder is needed?)";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getClass().getSimpleName();
  }

  private static String usage(Class<?> example, String... names) {
    return "usage: java -cp examples/mnist/target/jgrad-mnist.jar " + example.getName()
        + nested(names);
  }

  /** {@code " [a [b [c]]]"}, or nothing for no arguments. */
  private static String nested(String... names) {
    String s = "";
    for (int i = names.length - 1; i >= 0; i--) {
      s = " [" + names[i] + s + "]";
    }
    return s;
  }

  /** Argument {@code index}, or null where it was not given. */
  private String value(int index) {
    return index < values.length ? values[index] : null;
  }

  private BadArgument bad(int index, String must) {
    return new BadArgument(names.get(index) + " must be " + must + ", got '" + values[index] + "'");
  }

  /** A whole number from 1 up. */
  int positiveInt(int index, int fallback) {
    String v = value(index);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw bad(index, "a whole number from 1 to " + Integer.MAX_VALUE);
  }

  /** Any whole number, e.g. a seed. */
  long seed(int index, long fallback) {
    String v = value(index);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw bad(index, "a whole number");
    }
  }

  /** A finite number above 0, e.g. a learning rate. */
  double positive(int index, double fallback) {
    return number(index, fallback, x -> x > 0, "a number above 0");
  }

  /** A finite number from 0 up, e.g. a weight decay (0: none). */
  double nonNegative(int index, double fallback) {
    return number(index, fallback, x -> x >= 0, "a number from 0 up");
  }

  /** A number in [0, 1), e.g. a dropout ratio. */
  double fraction(int index, double fallback) {
    return number(index, fallback, x -> x >= 0 && x < 1, "a number from 0 up to but not 1");
  }

  private double number(int index, double fallback, java.util.function.DoublePredicate ok,
      String must) {
    String v = value(index);
    if (v == null) {
      return fallback;
    }
    try {
      double x = Double.parseDouble(v.strip());
      if (Double.isFinite(x) && ok.test(x)) {
        return x;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw bad(index, must);
  }

  /** A file or folder path. */
  Path path(int index, String fallback) {
    String v = value(index);
    try {
      return Path.of(v == null ? fallback : v);
    } catch (InvalidPathException e) {
      throw bad(index, "a path (" + e.getReason().toLowerCase(Locale.ROOT) + ")");
    }
  }
}
