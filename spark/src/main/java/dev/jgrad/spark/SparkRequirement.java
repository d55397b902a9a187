package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Checks that Apache Spark is on the class path before anything of jgrad-spark touches it, so a
 * missing Spark is one sentence saying what to add instead of a {@link NoClassDefFoundError}
 * from deep inside a call. This class names no Spark type, so it loads without Spark.
 */
public final class SparkRequirement {
  /** The class whose presence means Spark core is there. */
  static final String SPARK_CONTEXT = "org.apache.spark.SparkContext";

  private SparkRequirement() {}

  /** Fails unless Spark core is visible to the loader of this class. */
  public static void check() {
    check(SparkRequirement.class.getClassLoader());
  }

  /** Fails unless Spark core is visible to {@code loader}. */
  public static void check(ClassLoader loader) {
    checkNotNull(loader, "class loader is null");
    try {
      Class.forName(SPARK_CONTEXT, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException("jgrad-spark needs Apache Spark on the class path ("
          + SPARK_CONTEXT + " not found): run the job with spark-submit, which provides it, or"
          + " add org.apache.spark:spark-core_2.13 (4.x, the Scala 2.13 build) to the"
          + " application's dependencies", e);
    }
  }
}
