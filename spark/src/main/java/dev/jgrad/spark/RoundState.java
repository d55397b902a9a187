package dev.jgrad.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * What the driver broadcasts at the start of a round: the model's parameters and buffers and
 * the optimizer's state as flat arrays (in {@link ModelLayout} order), the optimizer's
 * counters, and the local step the round starts at.
 */
final class RoundState implements Serializable {
  private static final long serialVersionUID = 1L;

  final String runId;
  final int round;
  final long firstStep;
  final ModelLayout layout;
  final PackedTensors model;
  final PackedTensors state;
  final HashMap<String, String> counters;

  RoundState(String runId, int round, long firstStep, ModelLayout layout, PackedTensors model,
      PackedTensors state, Map<String, String> counters) {
    this.runId = runId;
    this.round = round;
    this.firstStep = firstStep;
    this.layout = layout;
    this.model = model;
    this.state = state;
    this.counters = new HashMap<>(counters);
  }
}
