package dev.jgrad.spark;


import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.train.Evaluator;
import dev.jgrad.train.LossFunction;
import java.io.Serializable;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * One partition's part of a round, run on an executor: take a replica of the model (built by the
 * factory the first time, checked against the driver's layout every time), load the broadcast
 * parameters and optimizer state, train {@code localSteps} mini-batches of the shard, and send
 * the result back as flat arrays. Replicas are kept per executor JVM for the run, so the factory
 * runs once per executor thread, not once per round; one that failed mid-step is dropped.
 */
final class RoundTask implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Replicas free for reuse, of the current run only (a new run drops the old run's). */
  private static final Map<String, Queue<Replica>> REPLICAS = new ConcurrentHashMap<>();

  private final ModelFactory modelFactory;
  private final OptimizerFactory optimizerFactory;
  private final LossFunction loss;
  private final boolean accuracy;
  private final int batchSize;
  private final int localSteps;
  private final long seed;
  private final Broadcast<RoundState> broadcast;

  RoundTask(ModelFactory modelFactory, OptimizerFactory optimizerFactory, LossFunction loss,
      boolean accuracy, int batchSize, int localSteps, long seed, Broadcast<RoundState> state) {
    this.modelFactory = modelFactory;
    this.optimizerFactory = optimizerFactory;
    this.loss = loss;
    this.accuracy = accuracy;
    this.batchSize = batchSize;
    this.localSteps = localSteps;
    this.seed = seed;
    this.broadcast = state;
  }

  /** Trains {@code shard} for the round; an empty shard returns the empty result. */
  PartitionResult run(Shard shard) {
    if (shard.size() == 0) {
      return PartitionResult.empty();
    }
    long start = System.nanoTime();
    RoundState state = broadcast.value();
    Replica replica = borrow(state, shard);
    replica.layout.unpackModel(state.model, replica.model);
    replica.layout.unpackState(state.state, state.counters, replica.optimizer);
    replica.upload(shard);
    Tensor inputs = replica.inputs;
    Tensor targets = replica.targets;
    ShardSchedule schedule = new ShardSchedule(shard.size(), batchSize, seed, shard.partition());
    double lossSum = 0;
    long correct = 0;
    long samples = 0;
    replica.model.train();
    for (int s = 0; s < localSteps; s++) {
      int[] batch = schedule.batch(state.firstStep + s);
      try (TensorScope step = TensorScope.open()) {
        Tensor index = Tensor.indices(batch);
        Tensor x = inputs.indexSelect(0, index);
        Tensor y = targets.indexSelect(0, index);
        Tensor output = replica.model.forward(x);
        Tensor l = loss.compute(output, y);
        l.backward();
        replica.optimizer.step();
        replica.optimizer.zeroGrad();
        lossSum += l.item() * batch.length;
        if (accuracy) {
          try (NoGrad ignored = NoGrad.scope()) {
            correct += Evaluator.countCorrect(output, y);
          }
        }
      }
      samples += batch.length;
    }
    PartitionResult result = PartitionResult.of(samples, replica.layout.packModel(replica.model),
        replica.layout.packState(replica.optimizer), replica.optimizer.state().values(), lossSum,
        correct, System.nanoTime() - start);
    giveBack(state.runId, replica); // only after a round that went through
    return result;
  }

  private Replica borrow(RoundState state, Shard shard) {
    REPLICAS.keySet().removeIf(run -> !run.equals(state.runId));
    Replica r = REPLICAS.computeIfAbsent(state.runId, k -> new ConcurrentLinkedQueue<>()).poll();
    if (r == null) {
      Module model = modelFactory.create();
      Optimizer optimizer = optimizerFactory.create(model.namedParameters());
      r = new Replica(model, optimizer, ModelLayout.of(model, optimizer));
    }
    r.layout.checkSameAs(state.layout, where(shard));
    return r;
  }

  private static String where(Shard shard) {
    TaskContext task = TaskContext.get();
    return "the executor running partition " + shard.partition()
        + (task == null ? "" : " (stage " + task.stageId() + ", attempt " + task.attemptNumber()
            + ")");
  }

  private static void giveBack(String runId, Replica replica) {
    Queue<Replica> free = REPLICAS.get(runId);
    if (free != null) {
      free.add(replica);
    }
  }

  /**
   * A model and its optimizer on an executor, with their layout computed once, and the shard it
   * trained on last as tensors: a cached shard is the same object round after round, and is
   * uploaded only once then.
   */
  private static final class Replica {
    final Module model;
    final Optimizer optimizer;
    final ModelLayout layout;
    private Shard shard;
    Tensor inputs;
    Tensor targets;

    Replica(Module model, Optimizer optimizer, ModelLayout layout) {
      this.model = model;
      this.optimizer = optimizer;
      this.layout = layout;
    }

    void upload(Shard s) {
      if (s != shard) {
        // in the model's dtype once, not every batch: a FLOAT64 model trains on the samples'
        // floats widened to doubles
        inputs = s.inputs(layout.inputDtype());
        targets = s.targets(layout.inputDtype());
        shard = s;
      }
    }
  }
}
