package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LaunchGeometryTest {
  private final LaunchGeometry g = new LaunchGeometry(132);

  @Test
  void elementwiseCoversSmallProblemsExactlyAndCapsLargeOnes() {
    assertEquals(1, g.elementwise(1).gridX());
    assertEquals(1, g.elementwise(256).gridX());
    assertEquals(2, g.elementwise(257).gridX());
    LaunchGeometry.Launch big = g.elementwise(10_000_000_000L);
    assertEquals(132 * 32, big.gridX()); // grid-stride covers the rest
    assertEquals(256, big.blockX());
    assertTrue(big.threads() < Integer.MAX_VALUE, "32-bit kernel indexing needs a small grid");
    assertThrows(IllegalArgumentException.class, () -> g.elementwise(0));
  }

  @Test
  void gemmHasABlockPer64By64TileWithTheBatchOverZ() {
    LaunchGeometry.Launch l = g.gemm(100, 1000, 3);
    assertEquals(List.of(2, 16, 3, 16, 16, 1), List.of(l.gridX(), l.gridY(), l.gridZ(),
        l.blockX(), l.blockY(), l.blockZ()));
    assertEquals(List.of(1, 1, 1), List.of(g.gemm(1, 1, 1).gridX(), g.gemm(1, 1, 1).gridY(),
        g.gemm(64, 64, 1).gridZ()));
    LaunchGeometry.Launch huge = g.gemm(64, 64 * 100_000, 100_000); // the kernel loops past caps
    assertEquals(List.of(65535, 65535), List.of(huge.gridY(), huge.gridZ()));
    assertThrows(IllegalArgumentException.class, () -> g.gemm(0, 5, 1));
  }

  @Test
  void rowBlocksAreWarpMultiplesUpTo256() {
    assertEquals(32, LaunchGeometry.rowBlock(1));
    assertEquals(32, LaunchGeometry.rowBlock(10));
    assertEquals(64, LaunchGeometry.rowBlock(33));
    assertEquals(256, LaunchGeometry.rowBlock(100_000));
  }

  @Test
  void reductionsPickAKernelByShape() {
    assertEquals(LaunchGeometry.ReduceStrategy.ROWS, g.reduceStrategy(1, 1_000_000, 1)); // full sum
    assertEquals(LaunchGeometry.ReduceStrategy.ROWS, g.reduceStrategy(100, 784, 1)); // row sums
    assertEquals(LaunchGeometry.ReduceStrategy.TILED, g.reduceStrategy(1, 60_000, 784)); // bias grad
    assertEquals(LaunchGeometry.ReduceStrategy.COLS, g.reduceStrategy(10_000, 10, 1)); // short rows
    assertEquals(LaunchGeometry.ReduceStrategy.COLS, g.reduceStrategy(1_000_000, 64, 1)); // many
    LaunchGeometry.Launch t = g.reduceTiled(3, 100);
    assertEquals(12, t.gridX());
    assertEquals(32, t.blockX());
    assertEquals(8, t.blockY());
  }

  @Test
  void transposeTilesStayWithinGridLimits() {
    LaunchGeometry.Launch t = g.transpose(1, 100, 33);
    assertEquals(2, t.gridX());
    assertEquals(4, t.gridY());
    assertEquals(1, t.gridZ());
    assertEquals(32, t.blockX());
    assertEquals(8, t.blockY());
    LaunchGeometry.Launch huge = g.transpose(100_000, 5_000_000, 2);
    assertEquals(LaunchGeometry.MAX_GRID_YZ, huge.gridY());
    assertEquals(LaunchGeometry.MAX_GRID_YZ, huge.gridZ());
  }

  @Test
  void invalidGeometriesAreRejected() {
    assertThrows(IllegalStateException.class, () -> new LaunchGeometry.Launch(1, 70_000, 1, 32, 1, 1));
    assertThrows(IllegalStateException.class, () -> new LaunchGeometry.Launch(1, 1, 1, 1024, 2, 1));
    assertThrows(IllegalStateException.class, () -> new LaunchGeometry.Launch(0, 1, 1, 32, 1, 1));
  }
}
