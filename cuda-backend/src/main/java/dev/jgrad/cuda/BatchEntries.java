package dev.jgrad.cuda;

import dev.jgrad.api.DType;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of a batch update ({@code sgdUpdateAll}, {@code adamUpdateAll},
 * {@code adamwUpdateAll}) as fused.cu's batch kernels take them, and their launches: a launch
 * per run of at most {@link FusedKernels#BATCH} consecutive entries of one dtype. Each entry
 * gets the blocks a launch of its own would have, so it is updated as its own launch would
 * update it. Empty entries are left out.
 */
final class BatchEntries {
  /** One launch's arguments over entries {@code from .. from + count - 1} of the columns. */
  interface Args {
    List<Object> of(long[][] columns, int[] blocks, int from, int count);
  }

  private final LaunchGeometry geometry;
  /** Per role, each entry's device address (0: no buffer); the last column the lengths. */
  private final long[][] columns;
  private final int[] blocks;
  private final DType[] dtypes;
  /** The buffers whose addresses the columns hold: kept reachable until they are launched. */
  private final List<CudaBuffer> buffers = new ArrayList<>();
  private int size;

  /** Room for {@code capacity} entries of {@code roles} buffers each. */
  BatchEntries(LaunchGeometry geometry, int roles, int capacity) {
    this.geometry = geometry;
    this.columns = new long[roles + 1][capacity];
    this.blocks = new int[capacity];
    this.dtypes = new DType[capacity];
  }

  /**
   * An entry's buffers in role order (a null one: address 0), checked by the caller; the first,
   * the param, gives its length and dtype. An empty entry is left out.
   */
  void add(CudaBuffer... roles) {
    long n = roles[0].length();
    if (n == 0) {
      return;
    }
    for (int r = 0; r < roles.length; r++) {
      columns[r][size] = roles[r] == null ? 0 : DeviceAddress.of(roles[r].pointer());
      if (roles[r] != null) {
        buffers.add(roles[r]);
      }
    }
    columns[roles.length][size] = n;
    blocks[size] = geometry.elementwise(n).gridX();
    dtypes[size] = roles[0].dtype();
    size++;
  }

  /** Launches {@code base} (e.g. "jg_adam_batch") once per run of entries of one dtype. */
  void launch(CudaBackend backend, String base, Args args) {
    for (int from = 0, to; from < size; from = to) {
      int grid = 0;
      for (to = from; to < size && to - from < FusedKernels.BATCH && dtypes[to] == dtypes[from];
          to++) {
        grid += blocks[to];
      }
      backend.launchFused(base, dtypes[from],
          new LaunchGeometry.Launch(grid, 1, 1, LaunchGeometry.BLOCK, 1, 1),
          args.of(columns, blocks, from, to - from));
    }
    Reference.reachabilityFence(buffers); // their addresses are in the launches' arguments
  }
}
