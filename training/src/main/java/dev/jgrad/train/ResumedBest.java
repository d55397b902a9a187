package dev.jgrad.train;

import dev.jgrad.io.AtomicFiles;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a resumed run's best checkpoint file ({@link Trainer.Builder#bestCheckpointTo}) hold the
 * best epoch of the history it resumed, which the best-checkpoint output writes again only when a
 * later epoch beats it. A run resumed into another folder would otherwise end without a best file
 * (or with a stale one) whenever its best epoch came before the resume. The best model is taken,
 * copied atomically, from the first of these that holds that epoch: the file the resumed
 * checkpoint names under {@link #KEY}; the file of the same name beside the resumed checkpoint;
 * the resumed checkpoint itself (when its last epoch was the best). A file holds the epoch when
 * its number and its metrics in the file's history are the history's own, so another run's file
 * of the same epoch number is not taken. When none does, one WARN line says so and what to do,
 * and a best file there that holds another epoch is deleted: no file claims to be the best when
 * it is not.
 */
final class ResumedBest {
  private static final Logger log = LoggerFactory.getLogger(ResumedBest.class);

  /**
   * The metadata key of a regular checkpoint whose run also wrote a best checkpoint: that file's
   * path, relative to the checkpoint's folder (so the same run in another folder writes the same
   * bytes).
   */
  static final String KEY = "best_checkpoint";

  private ResumedBest() {}

  /** {@code best} as {@link #KEY}'s value in the metadata of {@code checkpoint}. */
  static String relativePath(Path checkpoint, Path best) {
    Path dir = checkpoint.toAbsolutePath().normalize().getParent();
    return dir.relativize(best.toAbsolutePath().normalize()).toString()
        .replace(best.getFileSystem().getSeparator(), "/");
  }

  /**
   * Puts the best epoch's model of {@code history}, restored from {@code resumed} (read from
   * {@code resumedFile}), into {@code bestFile}, or says that it cannot; see the class comment.
   */
  static void restore(Path bestFile, Path resumedFile, Checkpoint resumed, MetricsHistory history)
      throws IOException {
    if (history.isEmpty()) {
      return; // a checkpoint without a history: no best epoch to look for
    }
    Optional<EpochMetrics> best = history.bestTestLoss();
    if (best.isPresent() && holds(bestFile, best.get())) {
      return;
    }
    List<Path> sources = sources(resumedFile, resumed, bestFile);
    if (best.isPresent()) {
      for (Path source : sources) {
        if (holds(source, best.get())) {
          AtomicFiles.write(bestFile, out -> Files.copy(source, out));
          log.info("the best epoch, {}, came before the checkpoint resumed from; copied its model "
              + "from {} to {}", best.get().epoch(), source, bestFile);
          return;
        }
      }
    }
    boolean stale = Files.deleteIfExists(bestFile);
    if (best.isPresent()) {
      List<Path> looked = new ArrayList<>(List.of(bestFile));
      looked.addAll(sources);
      int epoch = best.get().epoch();
      log.warn("resumed from {}: the best epoch's model (epoch {}) is in none of {}{}; {} will be "
          + "written only when a later epoch beats epoch {}; to keep epoch {}'s model, copy the "
          + "earlier run's best checkpoint to {} and resume again", resumedFile, epoch, looked,
          stale ? " (deleted " + bestFile + ": it held another model)" : "", bestFile, epoch,
          epoch, bestFile);
    } else if (stale) {
      log.warn("resumed from {}, whose epochs measured no finite held-out loss: deleted {}, which "
          + "claimed to hold the best model", resumedFile, bestFile);
    }
  }

  /** Where the earlier run's best model may be, in the order tried; never {@code bestFile}. */
  private static List<Path> sources(Path resumedFile, Checkpoint resumed, Path bestFile) {
    Path dir = resumedFile.toAbsolutePath().normalize().getParent();
    List<Path> all = new ArrayList<>();
    String named = resumed.metadata().get(KEY);
    if (named != null) {
      all.add(dir.resolve(named).normalize());
    }
    all.add(dir.resolve(bestFile.getFileName().toString()));
    all.add(resumedFile.toAbsolutePath().normalize());
    Path target = bestFile.toAbsolutePath().normalize();
    return all.stream().distinct().filter(p -> !p.equals(target)).toList();
  }

  /**
   * Whether {@code file} is a checkpoint of epoch {@code best.epoch()} whose history records that
   * epoch as {@code best} (wall times aside). A file that cannot be read holds nothing.
   */
  private static boolean holds(Path file, EpochMetrics best) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try {
      Checkpoint c = Checkpoint.load(file);
      String saved = c.metadata().get(HistoryMetadata.KEY);
      if (c.epoch() != best.epoch() || saved == null) {
        return false;
      }
      MetricsHistory h = HistoryMetadata.decode(saved, file.toString());
      return h.epochs().stream().anyMatch(m -> sameMeasures(m, best));
    } catch (IOException | IllegalArgumentException e) {
      log.debug("{} is not a readable checkpoint: {}", file, e.toString());
      return false;
    }
  }

  private static boolean sameMeasures(EpochMetrics a, EpochMetrics b) {
    return a.epoch() == b.epoch() && Double.compare(a.trainLoss(), b.trainLoss()) == 0
        && Double.compare(a.trainAccuracy(), b.trainAccuracy()) == 0
        && Double.compare(a.testLoss(), b.testLoss()) == 0
        && Double.compare(a.testAccuracy(), b.testAccuracy()) == 0;
  }
}
