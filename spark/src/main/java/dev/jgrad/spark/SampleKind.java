package dev.jgrad.spark;

/**
 * Which {@link Sample} a shard holds, and so what its targets are and which losses fit it: the
 * trainer learns it from the data (an RDD's element type is erased) and checks it against the
 * loss before the first round.
 */
enum SampleKind {
  /** {@link LabeledSample}: INT32 class labels {@code [batch]}, a classification loss. */
  LABELED("LabeledSample", "class labels"),
  /** {@link RegressionSample}: targets {@code [batch, targets]} in the model's dtype. */
  REGRESSION("RegressionSample", "float targets");

  private final String type;
  private final String targets;

  SampleKind(String type, String targets) {
    this.type = type;
    this.targets = targets;
  }

  static SampleKind of(Sample s) {
    return s instanceof LabeledSample ? LABELED : REGRESSION;
  }

  /** The sample type's simple name: "LabeledSample", "RegressionSample". */
  String typeName() {
    return type;
  }

  /** The sample type and its targets, for messages: "RegressionSample (float targets)". */
  @Override
  public String toString() {
    return type + " (" + targets + ")";
  }
}
