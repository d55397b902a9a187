package dev.jgrad.cuda;

/**
 * Grid and block sizes for each kind of kernel. Plain arithmetic, tested without a GPU.
 *
 * <p>Kernels use grid-stride loops, so grids are capped (a few waves per multiprocessor keeps
 * every SM busy without launching millions of blocks) and every dimension stays within the
 * hardware limits: grid x below 2^31, grid y and z at most 65535, 1024 threads per block.
 */
final class LaunchGeometry {
  /** Threads per block for 1-D kernels; a multiple of 32 as the block reductions require. */
  static final int BLOCK = 256;
  /** Hardware limit of gridDim.y and gridDim.z. */
  static final int MAX_GRID_YZ = 65535;
  /** Blocks per multiprocessor in a capped grid: 8 resident blocks of 256 threads, 4 waves. */
  private static final int BLOCKS_PER_SM = 32;

  private final int maxBlocks;

  /** @param multiprocessors the device's SM count (at least 1 is assumed) */
  LaunchGeometry(int multiprocessors) {
    this.maxBlocks = Math.max(1, multiprocessors) * BLOCKS_PER_SM;
  }

  /** Grid x, y, z and block x, y, z of one launch. */
  record Launch(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ) {
    Launch {
      if (gridX < 1 || gridY < 1 || gridZ < 1 || gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ
          || blockX < 1 || blockY < 1 || blockZ < 1 || blockX * blockY * blockZ > 1024) {
        throw new IllegalStateException("invalid launch geometry: grid (" + gridX + ", " + gridY
            + ", " + gridZ + "), block (" + blockX + ", " + blockY + ", " + blockZ + ")");
      }
    }

    long threads() {
      return (long) gridX * gridY * gridZ * blockX * blockY * blockZ;
    }
  }

  /** One thread per element, grid-stride: {@code n} must be at least 1. */
  Launch elementwise(long n) {
    return new Launch(blocks(n, BLOCK), 1, 1, BLOCK, 1, 1);
  }

  /** One block per item (a reduction output, a softmax row), grid-stride over items. */
  Launch blockPerItem(long items, int threadsPerBlock) {
    return new Launch(blocks(items, 1), 1, 1, threadsPerBlock, 1, 1);
  }

  /** The three reduction kernels of reduce.cu. */
  enum ReduceStrategy {
    /** reduce_cols: one thread per output. */
    COLS,
    /** reduce_rows: one block per output, for a contiguous axis (inner == 1). */
    ROWS,
    /** reduce_tiled: one 32 x 8 block per 32 neighbouring outputs, for a strided axis. */
    TILED
  }

  /**
   * The kernel for a reduction of {@code [outer, axis, inner]}: one thread per output when that
   * fills the GPU (at least a quarter of its resident threads) or the axis is short; otherwise
   * blocks share the axis, by rows when it is contiguous and by tiles when it is strided.
   */
  ReduceStrategy reduceStrategy(long outer, long axis, long inner) {
    long outputs = outer * inner;
    if (axis < 32 || outputs * 4 >= (long) maxBlocks * BLOCK) {
      return ReduceStrategy.COLS;
    }
    return inner == 1 ? ReduceStrategy.ROWS : ReduceStrategy.TILED;
  }

  /** reduce_tiled: block (32, 8), one block per (outer, 32-wide tile of inner). */
  Launch reduceTiled(long outer, long inner) {
    return new Launch(blocks(outer * ((inner + 31) / 32), 1), 1, 1, 32, 8, 1);
  }

  /** Threads per block for a per-row kernel over {@code width} columns: a multiple of 32. */
  static int rowBlock(long width) {
    long rounded = (Math.max(1, Math.min(width, BLOCK)) + 31) / 32 * 32;
    return (int) rounded;
  }

  /** The 32x32-tile transpose: block (32, 8), tiles over x, y and the batch over z. */
  Launch transpose(long batch, long rows, long cols) {
    long tilesX = (cols + 31) / 32;
    long tilesY = (rows + 31) / 32;
    if (tilesX > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("transpose: " + cols + " columns is too many");
    }
    return new Launch((int) tilesX, (int) Math.min(tilesY, MAX_GRID_YZ),
        (int) Math.min(batch, MAX_GRID_YZ), 32, 8, 1);
  }

  /**
   * gemm.cu: block (16, 16), one block per 64 x 64 tile of the column-major {@code m x n}
   * output, tiles of n over y and the batch over z (each capped; the kernel loops past a cap).
   */
  Launch gemm(int m, int n, int batch) {
    if (m < 1 || n < 1 || batch < 1) {
      throw new IllegalArgumentException("gemm: a launch needs m, n and batch of at least 1, got "
          + m + ", " + n + ", " + batch);
    }
    return new Launch((m + 63) / 64, Math.min((n + 63) / 64, MAX_GRID_YZ),
        Math.min(batch, MAX_GRID_YZ), 16, 16, 1);
  }

  private int blocks(long items, int perBlock) {
    if (items < 1) {
      throw new IllegalArgumentException("a launch needs at least one item, got " + items);
    }
    long needed = (items + perBlock - 1) / perBlock;
    return (int) Math.min(needed, maxBlocks);
  }
}
