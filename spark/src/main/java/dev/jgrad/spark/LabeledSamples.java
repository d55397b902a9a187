package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.io.LabeledImages;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Samples for {@link SparkTrainer} from labeled images that every executor can load itself (a
 * file on shared storage, resources in the application jar): only the partition numbers travel
 * from the driver. An RDD made with {@code parallelize} of the samples themselves would carry
 * each partition's data inside every task Spark sends for it, every round.
 *
 * <pre>{@code
 * JavaRDD<LabeledSample> train = LabeledSamples.loadedOnExecutors(jsc, 4,
 *     () -> MnistFiles.loadResources("/mnist/").train());
 * }</pre>
 */
public final class LabeledSamples {
  private LabeledSamples() {}

  /** Loads a data set where it runs; serializable, e.g. a lambda. */
  @FunctionalInterface
  public interface Source extends Serializable {
    /** The images and labels, read on the machine that calls it (an executor). */
    LabeledImages load() throws IOException;
  }

  /**
   * {@code partitions} partitions, partition {@code p} holding the {@code p}-th contiguous slice
   * of what {@code source} loads on the executor ({@link #slice}).
   */
  public static JavaRDD<LabeledSample> loadedOnExecutors(JavaSparkContext jsc, int partitions,
      Source source) {
    checkNotNull(jsc, "spark context is null");
    checkNotNull(source, "source is null");
    checkArgument(partitions > 0, "partitions must be positive, got %s", partitions);
    List<Integer> indices = IntStream.range(0, partitions).boxed().toList();
    return jsc.parallelize(indices, partitions).flatMap(p -> {
      try {
        return slice(source.load(), p, partitions).iterator();
      } catch (IOException e) {
        throw new UncheckedIOException("partition " + p + ": loading the samples failed", e);
      }
    });
  }

  /** Slice {@code part} of {@code parts} of {@code images}: samples [part n / parts, ...). */
  public static List<LabeledSample> slice(LabeledImages images, int part, int parts) {
    checkArgument(parts > 0 && part >= 0 && part < parts, "slice %s of %s", part, parts);
    int from = (int) ((long) part * images.size() / parts);
    int to = (int) ((long) (part + 1) * images.size() / parts);
    List<LabeledSample> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      out.add(new LabeledSample(images.image(i), images.label(i)));
    }
    return out;
  }
}
