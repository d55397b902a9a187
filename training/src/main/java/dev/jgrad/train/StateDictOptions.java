package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.function.UnaryOperator;

/**
 * How {@link TorchStateDict#load(java.nio.file.Path, dev.jgrad.nn.Module, StateDictOptions)}
 * matches a file's tensors to the model's, as the arguments of PyTorch's
 * {@code load_state_dict}: strict (the default: every tensor matched both ways) or not
 * ({@code strict=False}: what matches loads, the rest is reported in {@link IncompatibleKeys}),
 * and a renaming of the file's names before they are matched, such as stripping the
 * {@code module.} prefix a {@code DataParallel} model's {@code state_dict()} adds. A shape
 * mismatch fails either way, as in PyTorch. Immutable.
 *
 * <pre>{@code
 * // a backbone into a model with a new head: the head keeps its own weights
 * IncompatibleKeys keys = TorchStateDict.load(file, model, StateDictOptions.nonStrict());
 * // a DataParallel file
 * TorchStateDict.load(file, model, StateDictOptions.strict().stripPrefix("module."));
 * }</pre>
 */
public final class StateDictOptions {
  private final boolean strict;
  private final UnaryOperator<String> rename;

  private StateDictOptions(boolean strict, UnaryOperator<String> rename) {
    this.strict = strict;
    this.rename = rename;
  }

  /** Every parameter and buffer must be in the file, and nothing else: the default. */
  public static StateDictOptions strict() {
    return new StateDictOptions(true, UnaryOperator.identity());
  }

  /** PyTorch's {@code strict=False}: loads what matches and reports the rest. */
  public static StateDictOptions nonStrict() {
    return new StateDictOptions(false, UnaryOperator.identity());
  }

  /**
   * These options with each name in the file passed through {@code rename} before it is
   * matched (after any renaming given before); it must return a name for every name. Two of the
   * file's names renamed to one fail the load.
   */
  public StateDictOptions renameKeys(UnaryOperator<String> rename) {
    checkNotNull(rename, "rename is null; pass a function from the file's names to the model's");
    UnaryOperator<String> before = this.rename;
    return new StateDictOptions(strict, name -> rename.apply(before.apply(name)));
  }

  /**
   * These options with {@code prefix} removed from the file's names that start with it, e.g.
   * {@code "module."} of a {@code DataParallel} model's file.
   */
  public StateDictOptions stripPrefix(String prefix) {
    checkArgument(prefix != null && !prefix.isEmpty(), "prefix is %s; pass the prefix to strip,"
        + " e.g. \"module.\"", prefix == null ? "null" : "empty");
    return renameKeys(name -> name.startsWith(prefix) ? name.substring(prefix.length()) : name);
  }

  /** Whether every tensor must match. */
  public boolean isStrict() {
    return strict;
  }

  /** The model's name for the file's {@code name}, checked. */
  String rename(String name) {
    String renamed = rename.apply(name);
    checkArgument(renamed != null && !renamed.isEmpty(), "the renaming of StateDictOptions gave"
        + " %s for the file's tensor '%s'; return a name for every name", renamed == null ? "null"
        : "an empty name", name);
    return renamed;
  }
}
