package dev.jgrad.examples.mnist;

import dev.jgrad.optim.AdamW;
import dev.jgrad.optim.OptimizerKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The options that shape a main-job run's training, recorded in its checkpoints' metadata under
 * {@value #KEY} as {@code name=value} lines (the option's name without {@code --}, its value as
 * the run settled it: a default written out, so that leaving an option out and giving its
 * default read the same). On {@code --resume} the recorded options are compared with the run's:
 * each difference is named in one warning, not refused (a user may change the rate on purpose).
 * {@code --epochs} counts only where the schedule depends on it (cosine's length). A checkpoint
 * without the key (older, or another program's) is not compared.
 */
final class RecordedOptions {
  /** The checkpoint metadata key. */
  static final String KEY = "mnist_options";
  private static final String EPOCHS = "epochs";

  private RecordedOptions() {}

  /** {@code o}'s options that shape training, as {@value #KEY}'s value. */
  static String encode(MnistOptions o) {
    return of(o).entrySet().stream().map(e -> e.getKey() + "=" + escape(e.getValue()))
        .collect(Collectors.joining("\n"));
  }

  /**
   * The warning for a run of {@code now} resuming {@code file}, whose {@value #KEY} is
   * {@code recorded} (null: not recorded), or empty when nothing that shapes training differs.
   */
  static Optional<String> differences(String recorded, MnistOptions now, Path file) {
    if (recorded == null) {
      return Optional.empty();
    }
    Map<String, String> was = decode(recorded);
    List<String> changed = new ArrayList<>();
    of(now).forEach((name, value) -> {
      String old = was.get(name); // null: an option this checkpoint's version did not record
      if (old == null || old.equals(value)) {
        return;
      }
      if (!name.equals(EPOCHS)) {
        changed.add("--" + name + " " + value + " (was " + old + ")");
      } else if (now.schedule().dependsOnEpochs()
          && now.schedule().toString().equals(was.get("schedule"))) {
        changed.add("--epochs " + value + " (was " + old + "; the " + now.schedule()
            + " schedule now runs over " + value + " epochs, not " + old + ")");
      }
    });
    return changed.isEmpty() ? Optional.empty() : Optional.of("--resume: options differ from the"
        + " run that wrote " + file + ": " + String.join(", ", changed) + "; training goes on"
        + " with this run's");
  }

  /** The value a checkpoint's metadata records for option {@code name}, if it records one. */
  static Optional<String> recorded(Map<String, String> checkpointMetadata, String name) {
    String recorded = checkpointMetadata.get(KEY);
    return recorded == null ? Optional.empty() : Optional.ofNullable(decode(recorded).get(name));
  }

  /** The recorded options by name, in the order of the command line's help. */
  private static Map<String, String> of(MnistOptions o) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("model", o.model().cliName());
    m.put("hidden", o.hidden().stream().map(String::valueOf).collect(Collectors.joining(",")));
    m.put("activation", o.activation().cliName());
    m.put("optimizer", o.optimizer().cliName());
    m.put("lr", number(o.learningRate()));
    m.put("batch", Integer.toString(o.batchSize()));
    m.put("schedule", o.schedule().toString());
    m.put("weight-decay", number(o.weightDecay() != null ? o.weightDecay()
        : o.optimizer() == OptimizerKind.ADAMW ? AdamW.DEFAULT_WEIGHT_DECAY : 0));
    m.put("augment", Integer.toString(o.augment()));
    m.put("rotate", number(o.rotate()));
    m.put("validation", Integer.toString(o.validation()));
    m.put("early-stopping", o.earlyStopping() > 0 ? Integer.toString(o.earlyStopping()) : "none");
    m.put("seed", Long.toString(o.seed()));
    DataSource data = o.dataset();
    // a directory by its absolute path: the same data named from another working directory
    m.put("dataset", data.dir() == null || data.toString().equals(DataSource.FASHION_NAME)
        ? data.toString() : data.dir().toAbsolutePath().normalize().toString());
    m.put("limit", o.limit() > 0 ? Integer.toString(o.limit()) : "none");
    m.put(EPOCHS, Integer.toString(o.epochs()));
    return m;
  }

  /** 0.5 as {@code 0.5}, 1.0 as {@code 1}: as a user would type it. */
  private static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  /**
   * {@link #encode}'s lines by name. A line without {@code =} (none that this class writes, and
   * the header's checksum refuses a damaged one) names nothing, so is not compared.
   */
  private static Map<String, String> decode(String recorded) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : recorded.split("\n", -1)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), unescape(line.substring(eq + 1)));
      }
    }
    return m;
  }

  /** A directory's name may hold a line break or a backslash: one line per option all the same. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String unescape(String value) {
    StringBuilder b = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        c = value.charAt(++i) == 'n' ? '\n' : value.charAt(i);
      }
      b.append(c);
    }
    return b.toString();
  }
}
