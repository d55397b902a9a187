package dev.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;

import dev.jgrad.api.GraphCapture;
import java.util.List;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUgraphExec;

/**
 * GPU work captured once ({@link CudaBackend#capture}) and replayed with one launch: every kernel,
 * cuBLAS call and memory operation the captured code queued, with the same arguments (device
 * addresses and scalars) and in the same order, so a replay gives the same bits as running the
 * code again would, for the same inputs; values that change every step are read from device
 * buffers that host work fills before each launch ({@link CudaBackend#beforeEachLaunch}). A small model's training step
 * becomes one launch instead of some twenty, which is what bounds such a step on a GPU.
 *
 * <p>Replays read and write the buffers the capture used: put each step's inputs into the
 * captured input buffers (e.g. {@link dev.jgrad.api.Backend#copy}) before {@link #launch()},
 * and read results from the captured output buffers after it. Buffers the capture allocated stay
 * reserved for this graph (they are not handed to other buffers) until {@link #close()}.
 *
 * <p>Not thread-safe; close it when done (try-with-resources): the reserved memory is not
 * reclaimed by the garbage collector.
 */
public final class CudaGraph implements GraphCapture.Replay {
  private final CudaBackend backend;
  private final CUgraphExec exec;
  private final CachingAllocator.Pool<CUdeviceptr> pool;
  private final long nodes;
  private final List<Runnable> beforeEachLaunch;
  private boolean closed;

  CudaGraph(CudaBackend backend, CUgraphExec exec, CachingAllocator.Pool<CUdeviceptr> pool,
      long nodes, List<Runnable> beforeEachLaunch) {
    this.backend = backend;
    this.exec = exec;
    this.pool = pool;
    this.nodes = nodes;
    this.beforeEachLaunch = List.copyOf(beforeEachLaunch);
  }

  /**
   * Runs the host work the capture registered ({@link CudaBackend#beforeEachLaunch}), which
   * queues this launch's changing values, then queues one replay on the backend's stream, after
   * all work queued before it; returns at once. Errors the replayed kernels report (a bad index)
   * surface at the next synchronisation.
   */
  @Override
  public void launch() {
    if (closed) {
      throw new IllegalStateException("cuda backend: this CUDA graph was closed; capture the "
          + "work again");
    }
    backend.checkGraphLaunch(); // before the host work, which would count a step not launched
    beforeEachLaunch.forEach(Runnable::run);
    backend.launchGraph(exec);
  }

  /** The operations captured: kernels, copies, fills (cuBLAS calls may be several each). */
  public long nodes() {
    return nodes;
  }

  /** Frees the graph and gives its reserved buffers back to the allocator's shared cache. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    backend.destroyGraph(() -> CudaDriver.check(cuGraphExecDestroy(exec), "cuGraphExecDestroy"),
        pool);
    closed = true; // not before: a close refused (another thread capturing) may be retried
  }

  @Override
  public String toString() {
    return "CudaGraph[" + nodes + " nodes" + (closed ? ", closed" : "") + "]";
  }
}
