package dev.jgrad.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** A Spark context in local mode for the tests: two threads, four attempts per task. */
final class LocalSpark {
  private LocalSpark() {}

  /** {@code local[2,4]}: 2 task slots, and a failed task is tried up to 4 times. */
  static JavaSparkContext start(String name) {
    SparkConf conf = new SparkConf()
        .setMaster("local[2,4]")
        .setAppName(name)
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.ui.showConsoleProgress", "false");
    return new JavaSparkContext(conf);
  }
}
