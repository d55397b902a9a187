package dev.jgrad.examples.mnist;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.io.AtomicFiles;
import dev.jgrad.io.OutputLock;
import dev.jgrad.train.Checkpoint;
import dev.jgrad.train.Trainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main job's {@code --out} folder, and what a run does with an earlier run's files there so
 * that nothing the user saved is lost:
 *
 * <ul>
 *   <li>a run that does not resume the folder's own checkpoint refuses to start over an
 *       unfinished run's checkpoint (one killed or failed before its last epoch; it left
 *       {@value #UNFINISHED_FILE}) unless {@code --overwrite} is given, and moves a finished
 *       run's {@code checkpoint.safetensors} and any {@code best.safetensors} aside to
 *       {@code *.old} (so no earlier run's best model stays beside the new checkpoint);
 *   <li>{@code --export-onnx} may not name one of the run's files (checked by real path, so
 *       symbolic links and {@code ..} count);
 *   <li>{@link #written()} names the files this run wrote, not those that were there.
 * </ul>
 */
final class RunFolder {
  /** Written when training starts, deleted when it ends: left only by an unfinished run. */
  static final String UNFINISHED_FILE = ".jgrad-unfinished";
  /** An earlier run's checkpoint or best model, moved aside by a new run. */
  static final String OLD_SUFFIX = ".old";
  private static final List<String> OUTPUTS = List.of(Trainer.CSV_FILE, Trainer.CHART_FILE,
      MnistTraining.CHECKPOINT_FILE, MnistTraining.BEST_CHECKPOINT_FILE);

  private static final Logger log = LoggerFactory.getLogger(RunFolder.class);

  private final Path dir;
  private final boolean resumesHere;
  /** Each output's identity when training started; absent for those not there. */
  private final Map<String, List<Object>> before = new HashMap<>();

  private RunFolder(Path dir, boolean resumesHere) {
    this.dir = dir;
    this.resumesHere = resumesHere;
  }

  /**
   * Checks {@code options} against what {@code --out} (locked, so existing) holds; changes
   * nothing. Throws a {@link BadOptionException} when {@code --export-onnx} names one of the
   * run's files or its {@code --resume} file, or when the folder holds an unfinished run's
   * checkpoint that this run would replace without {@code --overwrite}.
   */
  static RunFolder check(MnistOptions options) throws IOException {
    Path dir = options.out();
    Path checkpoint = dir.resolve(MnistTraining.CHECKPOINT_FILE);
    boolean resumesHere = options.resume() != null && Files.exists(checkpoint)
        && Files.exists(options.resume()) && Files.isSameFile(options.resume(), checkpoint);
    if (options.exportOnnx() != null) {
      checkExportTarget(options.exportOnnx(), dir, options.resume());
    }
    if (!resumesHere && !options.overwrite() && Files.exists(checkpoint)
        && Files.exists(dir.resolve(UNFINISHED_FILE))) {
      throw new BadOptionException(dir + " holds the checkpoint of an unfinished run"
          + progress(dir, checkpoint) + "; pass --resume " + checkpoint + " to continue it or"
          + " --overwrite to start over (its checkpoint is then kept as "
          + MnistTraining.CHECKPOINT_FILE + OLD_SUFFIX + ")");
    }
    return new RunFolder(dir, resumesHere);
  }

  /**
   * Moves an earlier run's checkpoint and best model aside, unless this run resumes the folder's
   * own checkpoint. Before the resume: a {@code Trainer} resumed from another folder copies the
   * best model it restores into this one, which must stay.
   */
  void setAside() throws IOException {
    if (!resumesHere) {
      for (String name : List.of(MnistTraining.CHECKPOINT_FILE,
          MnistTraining.BEST_CHECKPOINT_FILE)) {
        Path file = dir.resolve(name);
        if (Files.exists(file)) {
          Files.move(file, dir.resolve(name + OLD_SUFFIX), StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
          log.info("moved the earlier run's {} to {}{} (this run starts afresh)", name, name,
              OLD_SUFFIX);
        }
      }
    }
  }

  /**
   * Training is about to start: notes what is there (for {@link #written}) and marks the run
   * unfinished until {@link #finished()}.
   */
  void start(int epochs) throws IOException {
    for (String name : OUTPUTS) {
      List<Object> id = identity(dir.resolve(name));
      if (id != null) {
        before.put(name, id);
      }
    }
    byte[] marker = ("epochs " + epochs + "\n").getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(dir.resolve(UNFINISHED_FILE), out -> out.write(marker));
  }

  /** Training ended normally (all its epochs, or stopped early): the run is no longer unfinished. */
  void finished() throws IOException {
    Files.deleteIfExists(dir.resolve(UNFINISHED_FILE));
  }

  /** The outputs this run wrote (new, or replaced since {@link #start}), in a fixed order. */
  List<String> written() throws IOException {
    List<String> written = new ArrayList<>();
    for (String name : OUTPUTS) {
      List<Object> now = identity(dir.resolve(name));
      if (now != null && !now.equals(before.get(name))) {
        written.add(name);
      }
    }
    return written;
  }

  /** A file's identity (inode, modification time, size; atomic writes give a new inode). */
  private static List<Object> identity(Path file) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return Arrays.asList(a.fileKey(), a.lastModifiedTime(), a.size());
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** " (after epoch 3 of 10)" from the checkpoint and the marker, or "" if either is unreadable. */
  private static String progress(Path dir, Path checkpoint) {
    try {
      String planned = Files.readString(dir.resolve(UNFINISHED_FILE), StandardCharsets.UTF_8)
          .trim().replaceFirst("^epochs ", "");
      return " (after epoch " + Checkpoint.load(checkpoint).epoch() + " of " + planned + ")";
    } catch (IOException | RuntimeException e) {
      return ""; // the refusal itself does not depend on it
    }
  }

  /**
   * Refuses an {@code --export-onnx} target that is, by real path, one of the run's files in
   * {@code dir} or the checkpoint resumed from: writing it would replace that file.
   */
  static void checkExportTarget(Path export, Path dir, Path resume) throws IOException {
    checkNotNull(export, "export path is null");
    Path target = realPath(export);
    List<Path> taken = new ArrayList<>();
    for (String name : OUTPUTS) {
      taken.add(dir.resolve(name));
      taken.add(dir.resolve(name + OLD_SUFFIX));
    }
    taken.add(dir.resolve(OutputLock.FILE_NAME));
    taken.add(dir.resolve(UNFINISHED_FILE));
    if (resume != null) {
      taken.add(resume);
    }
    for (Path file : taken) {
      if (realPath(file).equals(target)) {
        throw new BadOptionException("--export-onnx " + export + " would overwrite "
            + (file == resume ? "the checkpoint --resume reads" : "the run's "
            + file.getFileName() + " in " + dir) + "; give another file, such as "
            + dir.resolve("model.onnx"));
      }
    }
  }

  /**
   * Where writing {@code path} would land: its real path when it exists, a symbolic link's
   * target, else the real path of its folder with the name appended.
   */
  static Path realPath(Path path) throws IOException {
    Path p = path.toAbsolutePath();
    for (int links = 0; Files.isSymbolicLink(p) && links < 40; links++) {
      p = p.resolveSibling(Files.readSymbolicLink(p)).toAbsolutePath();
    }
    if (Files.exists(p)) {
      return p.toRealPath();
    }
    Path parent = p.getParent();
    return parent == null || p.getFileName() == null ? p.normalize()
        : realPath(parent).resolve(p.getFileName()).normalize();
  }
}
