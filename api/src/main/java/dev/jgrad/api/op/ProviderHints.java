package dev.jgrad.api.op;

/**
 * What to do about a plugin that failed in a way its author cannot tell from the error alone:
 * the JVM's LinkageErrors name a class or a method, not the mismatch of versions behind them.
 * Used by the registry when a provider loads and by the engine when a kernel runs.
 */
public final class ProviderHints {
  private ProviderHints() {}

  /** The advice for {@code e}, starting with "; ", or "" when there is none to give. */
  public static String linkage(LinkageError e) {
    if (e instanceof UnsupportedClassVersionError) {
      return "; the plugin was compiled for a newer Java than this JVM's "
          + Runtime.version().feature() + ": build it with --release 17 (jgrad's own level)";
    }
    if (e instanceof IncompatibleClassChangeError) {
      // NoSuchMethodError, NoSuchFieldError and AbstractMethodError are among these
      return "; the plugin was built against another jgrad version than the one on this class"
          + " path: rebuild it against this jgrad, or run it with the jgrad it was built for";
    }
    if (e instanceof NoClassDefFoundError) {
      return "; a class the plugin needs is missing: put its dependencies on the class path, or"
          + " rebuild it against this jgrad if the class is jgrad's";
    }
    return "";
  }
}
