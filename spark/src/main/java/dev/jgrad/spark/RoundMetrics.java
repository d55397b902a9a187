package dev.jgrad.spark;

/**
 * What one round of {@link SparkTrainer} took and achieved. The compute time is the slowest
 * partition's (loading the broadcast state, the local steps, packing the result): the round's
 * critical path on the executors; the rest of the round's wall time is communication and
 * scheduling (broadcast, task launch, result transfer, the aggregation, the driver's update).
 *
 * @param round 1 for the first round
 * @param samples samples trained on in the round, over all partitions
 * @param partitions partitions that trained (non-empty ones)
 * @param loss mean training loss over those samples, at the time each step saw them
 * @param accuracy fraction of those samples classified correctly; NaN if not measured
 * @param seconds the round's wall time on the driver
 * @param computeSeconds the slowest partition's time in the round
 */
public record RoundMetrics(int round, long samples, int partitions, double loss, double accuracy,
    double seconds, double computeSeconds) {
  /** Wall time not spent computing on the slowest partition. */
  public double communicationSeconds() {
    return Math.max(0, seconds - computeSeconds);
  }

  /** Training throughput of the round. */
  public double samplesPerSecond() {
    return seconds > 0 ? samples / seconds : Double.NaN;
  }
}
