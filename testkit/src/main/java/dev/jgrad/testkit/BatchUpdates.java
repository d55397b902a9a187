package dev.jgrad.testkit;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A fused update of several parameters in one call ({@code sgdUpdateAll}, {@code adamUpdateAll},
 * {@code adamwUpdateAll}) against the single update of each entry, which the api promises it
 * equals bit for bit.
 */
final class BatchUpdates {
  /** Entry lengths, in turn: small, large (split over threads or blocks), empty, odd. */
  private static final int[] LENGTHS = {7, 100_003, 1001, 0, 33, 256, 257};

  private BatchUpdates() {}

  /** The update under test, its scalars fixed: of every entry at once, or of one. */
  interface Update {
    /** {@code columns.get(k)} holds role {@code k}'s buffer of every entry. */
    void all(List<List<DeviceBuffer>> columns);

    /** The single update of one entry, its buffers in role order. */
    void one(DeviceBuffer[] entry);
  }

  /**
   * The entries of the given dtypes, as many: three of one dtype, more than one GPU launch takes
   * (16), and runs of two dtypes.
   */
  static List<DType[]> cases(DType dtype) {
    DType other = dtype == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
    DType[] many = new DType[19];
    Arrays.fill(many, dtype);
    return List.of(new DType[] {dtype, dtype, dtype}, many,
        new DType[] {dtype, dtype, other, dtype, other, other});
  }

  /**
   * One {@link Update#all} over entries of {@code dtypes} and assorted lengths (one of them
   * empty), each with a buffer per role holding values in {@code [low[k], 1)}, and
   * {@link Update#one} on copies, entry by entry: every buffer the same bits.
   */
  static void allAsOneByOne(Buffers b, Random random, String what, String[] roles, double[] low,
      Update update, DType... dtypes) {
    List<List<DeviceBuffer>> columns = new ArrayList<>();
    for (int k = 0; k < roles.length; k++) {
      columns.add(new ArrayList<>());
    }
    List<DeviceBuffer[]> alone = new ArrayList<>();
    for (int i = 0; i < dtypes.length; i++) {
      int n = LENGTHS[i % LENGTHS.length];
      DeviceBuffer[] entry = new DeviceBuffer[roles.length];
      for (int k = 0; k < roles.length; k++) {
        double[] values = Values.uniform(random, dtypes[i], n, low[k], 1);
        columns.get(k).add(b.upload(dtypes[i], values));
        entry[k] = b.upload(dtypes[i], values);
      }
      alone.add(entry);
    }
    update.all(columns);
    for (int i = 0; i < dtypes.length; i++) {
      DeviceBuffer[] one = alone.get(i);
      update.one(one);
      String entry = what + ": entry " + i + " of " + dtypes.length + " (" + dtypes[i]
          + ", length " + one[0].length() + ")";
      for (int k = 0; k < roles.length; k++) {
        Compare.exact(entry + ": " + roles[k], b.read(one[k]), b.read(columns.get(k).get(i)));
      }
    }
  }
}
