package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The training and test splits of an MNIST-style dataset, as {@link MnistFiles} loads them. Both
 * splits share the image size and the number of classes.
 */
public final class MnistDataset {
  private final LabeledImages train;
  private final LabeledImages test;

  /**
   * Pairs two splits; splits that differ in image size or number of classes are an
   * IllegalArgumentException.
   */
  public MnistDataset(LabeledImages train, LabeledImages test) {
    checkNotNull(train, "train split is null");
    checkNotNull(test, "test split is null");
    checkArgument(train.channels() == test.channels() && train.rows() == test.rows()
            && train.cols() == test.cols() && train.numClasses() == test.numClasses(),
        "train (%s) and test (%s) splits differ in image size or classes; pass splits of one"
            + " dataset", train, test);
    this.train = train;
    this.test = test;
  }

  /** The training split. */
  public LabeledImages train() {
    return train;
  }

  /** The test split. */
  public LabeledImages test() {
    return test;
  }

  /** Number of classes (10 for MNIST and Fashion-MNIST). */
  public int numClasses() {
    return train.numClasses();
  }

  @Override
  public String toString() {
    return "MnistDataset[train=" + train + ", test=" + test + "]";
  }
}
