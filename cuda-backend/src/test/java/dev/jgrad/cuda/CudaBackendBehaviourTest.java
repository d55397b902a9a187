package dev.jgrad.cuda;

import static dev.jgrad.cuda.GpuFixture.assertClose;
import static dev.jgrad.cuda.GpuFixture.download;
import static dev.jgrad.cuda.GpuFixture.elementwiseTol;
import static dev.jgrad.cuda.GpuFixture.random;
import static dev.jgrad.cuda.GpuFixture.reductionTol;
import static dev.jgrad.cuda.GpuFixture.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import dev.jgrad.api.op.FusedActivation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CUDA backend's errors, memory management and fused kernels. Needs a GPU; elsewhere every
 * test is reported as skipped with the probe's reason.
 */
class CudaBackendBehaviourTest {
  private CudaBackend b;

  @BeforeEach
  void gpu() {
    b = GpuFixture.backend();
    b.synchronize(); // no error left over from another test
  }

  // ---- errors ----------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "UINT8"})
  void aBadIndexIsReportedAtTheNextSynchronisation(DType dt) {
    try (DeviceBuffer src = dt == DType.UINT8 ? b.upload(new byte[] {1, (byte) 200, 3})
            : upload(b, dt, new double[] {1, 200, 3});
        DeviceBuffer idx = b.upload(new int[] {0, 7, 1});
        DeviceBuffer out = b.allocate(dt, 3)) {
      b.indexSelect(src, 1, 3, 1, idx, out); // queued; the GPU finds index 7
      IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
          () -> download(b, out));
      assertTrue(e.getMessage().contains("indexSelect on the cuda backend: index 7 at position 1"),
          e.getMessage());
      assertTrue(e.getMessage().contains("[0, 3)"), e.getMessage());
      assertArrayEquals(new double[] {1, 0, 200}, download(b, out), "the error was cleared; the "
          + "bad element was skipped (0)");
    }
    DType floating = dt.isFloatingPoint() ? dt : DType.FLOAT32; // oneHot writes floats
    try (DeviceBuffer idx = b.upload(new int[] {1, 4});
        DeviceBuffer out = b.allocate(floating, 8)) {
      b.oneHot(idx, 4, out);
      IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, b::synchronize);
      assertTrue(e.getMessage().contains("oneHot on the cuda backend: index 4 at position 1"),
          e.getMessage());
    }
  }

  /**
   * FusedAdam's one launch gives the bits of the twelve primitive launches Adam makes without it
   * (InPlace's order: the moments, then sqrt, + eps, divide, scale and add), in both dtypes.
   */
  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void adamUpdateIsTheTwelvePrimitiveLaunchesBitForBit(DType dt) {
    int n = 100_003;
    double[][] state = adamState(5, n);
    double[] p = state[0];
    double[] g = state[1];
    double[] m = state[2];
    double[] v = state[3];
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-7;
    double lrT = 0.003;
    Shape s = Shape.of(n);
    try (DeviceBuffer fp = upload(b, dt, p); DeviceBuffer fg = upload(b, dt, g);
        DeviceBuffer fm = upload(b, dt, m); DeviceBuffer fv = upload(b, dt, v);
        DeviceBuffer pp = upload(b, dt, p); DeviceBuffer pg = upload(b, dt, g);
        DeviceBuffer pm = upload(b, dt, m); DeviceBuffer pv = upload(b, dt, v);
        DeviceBuffer t = b.allocate(dt, n); DeviceBuffer rate = b.upload(new double[] {lrT})) {
      b.adamUpdate(fp, fg, fm, fv, beta1, beta2, eps, rate);
      b.binary(BinaryOp.SUB, pg, s, pm, s, t, s); // m += (g - m) * (1 - beta1)
      b.scalar(BinaryOp.MUL, t, 1 - beta1, t);
      b.binary(BinaryOp.ADD, pm, s, t, s, pm, s);
      b.binary(BinaryOp.MUL, pg, s, pg, s, t, s); // v += (g * g - v) * (1 - beta2)
      b.binary(BinaryOp.SUB, t, s, pv, s, t, s);
      b.scalar(BinaryOp.MUL, t, 1 - beta2, t);
      b.binary(BinaryOp.ADD, pv, s, t, s, pv, s);
      b.unary(UnaryOp.SQRT, pv, t); // p += (m / (sqrt(v) + eps)) * -lrT
      b.scalar(BinaryOp.ADD, t, eps, t);
      b.binary(BinaryOp.DIV, pm, s, t, s, t, s);
      b.scalar(BinaryOp.MUL, t, -lrT, t);
      b.binary(BinaryOp.ADD, pp, s, t, s, pp, s);
      assertArrayEquals(download(b, pp), download(b, fp), "param " + dt);
      assertArrayEquals(download(b, pm), download(b, fm), "m " + dt);
      assertArrayEquals(download(b, pv), download(b, fv), "v " + dt);
    }
  }
  /**
   * adamUpdateAll and adamwUpdateAll give each entry the bits of its own adamUpdate or
   * adamwUpdate launch, in one launch per 16 entries of one dtype: 19 entries of {@code dt} (one
   * of them empty) take two launches instead of 18; entries of both dtypes in turn take one launch
   * per run of one dtype.
   */
  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void adamBatchesAreTheSingleLaunchesBitForBitInFewerLaunches(DType dt) {
    DType other = dt == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
    DType[] many = new DType[19];
    java.util.Arrays.fill(many, dt);
    try (DeviceBuffer rate = b.upload(new double[] {0.003});
        DeviceBuffer decay = b.upload(new double[] {1 - 0.003 * 0.01});
        DeviceBuffer root = b.upload(new double[] {Math.sqrt(1 - Math.pow(0.999, 3))});
        DeviceBuffer step = b.upload(new double[] {-0.003 / (1 - Math.pow(0.9, 3))})) {
      for (boolean adamw : new boolean[] {false, true}) {
        BatchCase.Update all = e -> {
          if (adamw) {
            b.adamwUpdateAll(e.get(0), e.get(1), e.get(2), e.get(3), 0.9, 0.999, 1e-8, decay,
                root, step);
          } else {
            b.adamUpdateAll(e.get(0), e.get(1), e.get(2), e.get(3), 0.9, 0.999, 1e-7, rate);
          }
        };
        BatchCase.Update one = e -> {
          if (adamw) {
            b.adamwUpdate(e.get(0).get(0), e.get(1).get(0), e.get(2).get(0), e.get(3).get(0),
                0.9, 0.999, 1e-8, decay, root, step);
          } else {
            b.adamUpdate(e.get(0).get(0), e.get(1).get(0), e.get(2).get(0), e.get(3).get(0),
                0.9, 0.999, 1e-7, rate);
          }
        };
        String what = (adamw ? "adamwUpdateAll " : "adamUpdateAll ") + dt;
        new BatchCase(b, many).check(all, one, 2, 18, what);
        new BatchCase(b, dt, dt, other, other, dt).check(all, one, 3, 4, what + " and " + other);
      }
    }
  }

  /** Entries {param, grad, m, v} of a batch update, and copies for the single update of each. */
  private static final class BatchCase {
    interface Update {
      /** {@code columns.get(k)}: role k's buffers (param, grad, m, v), entry by entry. */
      void run(List<List<DeviceBuffer>> columns);
    }

    private final CudaBackend b;
    private final List<List<DeviceBuffer>> batched = new ArrayList<>();
    private final List<List<DeviceBuffer>> alone = new ArrayList<>(); // per entry, per role

    /**
     * Entries of the given dtypes, entry 3 empty, one large: 2M elements, more than the block
     * cap's threads on any GPU (32 blocks of 256 a multiprocessor), so its threads stride.
     */
    BatchCase(CudaBackend b, DType... dtypes) {
      this.b = b;
      for (int k = 0; k < 4; k++) {
        batched.add(new ArrayList<>());
      }
      for (int i = 0; i < dtypes.length; i++) {
        int n = i == 3 ? 0 : i == 1 ? 2_000_003 : 1 + 37 * i;
        double[][] state = adamState(20 + i, n);
        List<DeviceBuffer> entry = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
          batched.get(k).add(upload(b, dtypes[i], state[k]));
          entry.add(upload(b, dtypes[i], state[k]));
        }
        alone.add(entry);
      }
    }

    /**
     * Runs {@code all} on the batch ({@code launches} kernel launches) and {@code one} on each
     * entry's copy ({@code singles} launches), then compares every buffer, and closes them.
     */
    void check(Update all, Update one, int launches, int singles, String what) {
      DeviceActivity before = b.activity();
      all.run(batched);
      assertEquals(launches, b.activity().since(before).kernelLaunches(), what + ": launches");
      before = b.activity();
      for (List<DeviceBuffer> entry : alone) {
        one.run(entry.stream().map(List::of).toList());
      }
      assertEquals(singles, b.activity().since(before).kernelLaunches(), what + ": singles");
      String[] roles = {"param", "grad", "m", "v"};
      for (int i = 0; i < alone.size(); i++) {
        for (int k = 0; k < 4; k++) {
          assertArrayEquals(download(b, alone.get(i).get(k)),
              download(b, batched.get(k).get(i)), what + ": entry " + i + "'s " + roles[k]);
          alone.get(i).get(k).close();
          batched.get(k).get(i).close();
        }
      }
    }
  }

  /** Random {param, grad, m, v} of length {@code n}, second moments away from 0. */
  private static double[][] adamState(long seed, int n) {
    java.util.Random r = new java.util.Random(seed);
    double[][] s = new double[4][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 3; k++) {
        s[k][i] = r.nextDouble() * 2 - 1;
      }
      s[3][i] = 0.01 + r.nextDouble();
    }
    return s;
  }

  /**
   * FusedAdamW's one launch gives the bits of the fourteen primitive launches AdamW makes without
   * it (AdamW.update's order: the decay, the moments, sqrt, / bias root, + eps, divide, scale and
   * add), in both dtypes.
   */
  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void adamwUpdateIsTheFourteenPrimitiveLaunchesBitForBit(DType dt) {
    int n = 100_003;
    double[][] state = adamState(6, n);
    double[] p = state[0];
    double[] g = state[1];
    double[] m = state[2];
    double[] v = state[3];
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double decay = 1 - 0.003 * 0.01;
    double root = Math.sqrt(1 - Math.pow(beta2, 3));
    double step = -0.003 / (1 - Math.pow(beta1, 3));
    Shape s = Shape.of(n);
    try (DeviceBuffer fp = upload(b, dt, p); DeviceBuffer fg = upload(b, dt, g);
        DeviceBuffer fm = upload(b, dt, m); DeviceBuffer fv = upload(b, dt, v);
        DeviceBuffer pp = upload(b, dt, p); DeviceBuffer pg = upload(b, dt, g);
        DeviceBuffer pm = upload(b, dt, m); DeviceBuffer pv = upload(b, dt, v);
        DeviceBuffer t = b.allocate(dt, n);
        DeviceBuffer rootBuffer = b.upload(new double[] {root});
        DeviceBuffer stepBuffer = b.upload(new double[] {step});
        DeviceBuffer decayBuffer = b.upload(new double[] {decay})) {
      b.adamwUpdate(fp, fg, fm, fv, beta1, beta2, eps, decayBuffer, rootBuffer, stepBuffer);
      b.scalar(BinaryOp.MUL, pp, decay, pp); // p *= 1 - lr * lambda
      b.binary(BinaryOp.SUB, pg, s, pm, s, t, s); // m += (g - m) * (1 - beta1)
      b.scalar(BinaryOp.MUL, t, 1 - beta1, t);
      b.binary(BinaryOp.ADD, pm, s, t, s, pm, s);
      b.binary(BinaryOp.MUL, pg, s, pg, s, t, s); // v += (g * g - v) * (1 - beta2)
      b.binary(BinaryOp.SUB, t, s, pv, s, t, s);
      b.scalar(BinaryOp.MUL, t, 1 - beta2, t);
      b.binary(BinaryOp.ADD, pv, s, t, s, pv, s);
      b.unary(UnaryOp.SQRT, pv, t); // p += m / (sqrt(v) / root + eps) * step
      b.scalar(BinaryOp.DIV, t, root, t);
      b.scalar(BinaryOp.ADD, t, eps, t);
      b.binary(BinaryOp.DIV, pm, s, t, s, t, s);
      b.scalar(BinaryOp.MUL, t, step, t);
      b.binary(BinaryOp.ADD, pp, s, t, s, pp, s);
      assertArrayEquals(download(b, pp), download(b, fp), "param " + dt);
      assertArrayEquals(download(b, pm), download(b, fm), "m " + dt);
      assertArrayEquals(download(b, pv), download(b, fv), "v " + dt);
    }
  }


  /**
   * Each kind of work is counted where it is queued or waited for: an upload is one host copy, a
   * unary op one launch, a product one cuBLAS call, a fill one memory op, a download one wait and
   * one copy (allocating is none of these); the same calls again add the same counts.
   */
  @Test
  void activityCountsLaunchesProductsMemoryOpsWaitsAndCopies() {
    for (int round = 0; round < 2; round++) {
      DeviceActivity before = b.activity();
      try (DeviceBuffer a = b.upload(new float[] {1, -2, 3, -4});
          DeviceBuffer r = b.allocate(DType.FLOAT32, 4);
          DeviceBuffer p = b.allocate(DType.FLOAT32, 4)) {
        b.unary(UnaryOp.RELU, a, r);
        b.matmul(a, false, r, false, p, 2, 2, 2); // [[1, -2], [3, -4]] @ [[1, 0], [3, 0]]
        b.fill(a, 0);
        float[] host = new float[4];
        b.download(p, host);
        assertArrayEquals(new float[] {-5, 0, -9, 0}, host);
      }
      assertEquals(new DeviceActivity(1, 1, 1, 1, 2, 0), b.activity().since(before),
          "round " + round);
    }
  }

  /**
   * The mean softmax cross-entropy: a small batch (100 rows) in one launch, 5,000 rows in three
   * (row losses, their sum, the scaling); both the CPU's value (computed on the CPU backend)
   * within the reductions' tolerance.
   */
  @Test
  void theMeanLossIsOneLaunchForABatchAndTheCpusValue() {
    for (int rows : new int[] {100, 5000}) {
      java.util.Random r = new java.util.Random(rows);
      float[] logits = new float[rows * 10];
      int[] labels = new int[rows];
      for (int i = 0; i < logits.length; i++) {
        logits[i] = (float) (r.nextGaussian() * 3);
      }
      for (int i = 0; i < rows; i++) {
        labels[i] = r.nextInt(10);
      }
      double want;
      try (dev.jgrad.api.Backends.Scope cpu =
          dev.jgrad.api.Backends.use(dev.jgrad.api.Backends.byName("cpu"))) {
        want = dev.jgrad.autograd.Losses.softmaxCrossEntropyLabels(
            dev.jgrad.autograd.Tensor.of(logits, rows, 10),
            dev.jgrad.autograd.Tensor.indices(labels)).item();
      }
      dev.jgrad.autograd.Tensor x = dev.jgrad.autograd.Tensor.of(logits, rows, 10).to(b);
      dev.jgrad.autograd.Tensor y = dev.jgrad.autograd.Tensor.indices(labels).to(b);
      assertEquals("cuda", x.backend().name(), "the GPU's tensors");
      b.synchronize();
      DeviceActivity before = b.activity();
      dev.jgrad.autograd.Tensor loss = dev.jgrad.autograd.Losses.softmaxCrossEntropyLabels(x, y);
      assertEquals(CudaFusedOps.meanInOneLaunch(rows, 10) ? 1 : 3,
          b.activity().since(before).kernelLaunches(), rows + " rows");
      assertEquals(want, loss.item(), 1e-5 * Math.abs(want), rows + " rows");
    }
  }

  /**
   * UINT8 through every path this backend gives it: the byte memset, upload and download (read as
   * unsigned), device copies at odd byte offsets (overlapping too), the 1-byte axis, strided and
   * gather kernels, and conversions both ways (to UINT8: the low 8 bits of Java's (int) cast).
   */
  @Test
  void uint8IsMovedGatheredAndConvertedBytewise() {
    byte[] pixels = new byte[36];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (250 - 7 * i); // the high bit set in many
    }
    try (DeviceBuffer src = b.upload(pixels); DeviceBuffer filled = b.allocate(DType.UINT8, 5);
        DeviceBuffer dst = b.allocate(DType.UINT8, 37)) {
      assertArrayEquals(unsigned(pixels), download(b, src));
      b.fill(filled, 255);
      assertArrayEquals(new double[] {255, 255, 255, 255, 255}, download(b, filled));

      b.fill(dst, 0);
      b.copy(src, 3, dst, 5, 11); // odd byte offsets
      b.copy(dst, 5, dst, 7, 11); // overlapping: through a temporary
      double[] want = new double[37];
      for (int i = 0; i < 11; i++) {
        want[7 + i] = pixels[3 + i] & 0xFF;
      }
      want[5] = pixels[3] & 0xFF;
      want[6] = pixels[4] & 0xFF;
      assertArrayEquals(want, download(b, dst));

      // src as [3, 12] (36 bytes): columns 2..6 of every row into a [3, 5] block
      try (DeviceBuffer cols = b.allocate(DType.UINT8, 15);
          DeviceBuffer view = b.allocate(DType.UINT8, 12);
          DeviceBuffer idx = b.upload(new int[] {2, 0, 2});
          DeviceBuffer rows = b.allocate(DType.UINT8, 36)) {
        b.copyAxisRange(src, 12, 2, cols, 5, 0, 3, 5, 1);
        b.copyStrided(src, 1, new long[] {12, 0, 5}, new int[] {3, 2, 2}, view); // a repeat
        b.indexSelect(src, 1, 3, 12, idx, rows); // rows 2, 0, 2 of [3, 12]
        double[] wantCols = new double[15];
        double[] wantView = new double[12];
        double[] wantRows = new double[36];
        for (int r = 0; r < 3; r++) {
          for (int c = 0; c < 5; c++) {
            wantCols[r * 5 + c] = pixels[r * 12 + 2 + c] & 0xFF;
          }
          for (int k = 0; k < 4; k++) {
            wantView[r * 4 + k] = pixels[1 + r * 12 + (k % 2) * 5] & 0xFF;
          }
          for (int c = 0; c < 12; c++) {
            wantRows[r * 12 + c] = pixels[new int[] {2, 0, 2}[r] * 12 + c] & 0xFF;
          }
        }
        assertArrayEquals(wantCols, download(b, cols), "copyAxisRange");
        assertArrayEquals(wantView, download(b, view), "copyStrided");
        assertArrayEquals(wantRows, download(b, rows), "indexSelect");
      }
    }
    double[] values = {0, 255, 2.7, -2.7, -1, 256, 300.5, -300, Double.NaN, 1e10, -1e10};
    double[] lowBits = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      lowBits[i] = (byte) (int) values[i] & 0xFF;
    }
    for (DType from : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      try (DeviceBuffer x = upload(b, from, values);
          DeviceBuffer u = b.allocate(DType.UINT8, values.length);
          DeviceBuffer back = b.allocate(from, values.length)) {
        b.convert(x, u);
        assertArrayEquals(lowBits, download(b, u), "convert " + from + " to UINT8");
        b.convert(u, back);
        assertArrayEquals(lowBits, download(b, back), "convert UINT8 to " + from);
      }
    }
    try (DeviceBuffer ints = b.upload(new int[] {-1, 256, 511, Integer.MIN_VALUE, 77});
        DeviceBuffer u = b.allocate(DType.UINT8, 5);
        DeviceBuffer back = b.allocate(DType.INT32, 5)) {
      b.convert(ints, u);
      b.convert(u, back);
      int[] got = new int[5];
      b.download(back, got);
      assertArrayEquals(new int[] {255, 0, 255, 0, 77}, got);
    }
  }

  private static double[] unsigned(byte[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] & 0xFF;
    }
    return out;
  }

  @Test
  void argumentErrorsNameThePrimitiveAndWhatWasExpected() {
    try (DeviceBuffer f = b.allocate(DType.FLOAT32, 4); DeviceBuffer d = b.allocate(DType.FLOAT64, 4);
        DeviceBuffer small = b.allocate(DType.FLOAT32, 3)) {
      IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
          () -> b.unary(UnaryOp.EXP, f, d));
      assertEquals("unary(EXP) on the cuda backend: x is FLOAT32 but out is FLOAT64; all buffers "
          + "of one call must have the same dtype", dtype.getMessage());
      IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
          () -> b.binary(BinaryOp.ADD, f, Shape.of(4), f, Shape.of(4), small, Shape.of(4)));
      assertTrue(length.getMessage().contains("out (shape [4]) must have length 4 but has length 3"),
          length.getMessage());
      assertThrows(IllegalArgumentException.class, () -> b.matmul(f, false, f, false, f, 2, 2, 2));
      assertThrows(IndexOutOfBoundsException.class, () -> b.copy(f, 2, small, 0, 3));
      assertThrows(IllegalArgumentException.class, () -> b.reduce(
          dev.jgrad.api.ReduceOp.SUM, f, 1, 0, 4, small));
    }
    DeviceBuffer closed = b.allocate(DType.FLOAT32, 2);
    closed.close();
    assertThrows(IllegalStateException.class, () -> b.fill(closed, 1));
  }

  // ---- memory ----------------------------------------------------------------------------------

  @Test
  void memoryStaysFlatThroughARepeatedStep() {
    for (int warm = 0; warm < 2; warm++) {
      step();
    }
    b.synchronize();
    MemoryStats before = b.memoryStats();
    for (int i = 0; i < 200; i++) {
      step();
    }
    b.synchronize();
    MemoryStats after = b.memoryStats();
    // All GPU test classes share this backend: buffers other tests left unclosed may be reclaimed
    // by the Cleaner meanwhile (whenever the GC runs), lowering bytesInUse. Add those back.
    long othersReclaimed = after.reclaimedBytes() - before.reclaimedBytes();
    assertEquals(before.bytesInUse(), after.bytesInUse() + othersReclaimed,
        "every buffer of a step was released: before " + before + "; after " + after);
    assertEquals(before.deviceAllocations(), after.deviceAllocations(),
        "a steady loop is served from the cache: " + after);
  }

  private void step() {
    try (DeviceBuffer x = b.allocate(DType.FLOAT32, 100 * 784);
        DeviceBuffer w = b.allocate(DType.FLOAT32, 784 * 100);
        DeviceBuffer h = b.allocate(DType.FLOAT32, 100 * 100)) {
      b.fill(x, 0.01);
      b.fill(w, 0.02);
      b.matmul(x, false, w, false, h, 100, 100, 784);
      b.unary(UnaryOp.RELU, h, h);
    }
  }

  @Test
  void unclosedBuffersAreReclaimedByTheCleaner() throws InterruptedException {
    b.synchronize();
    // The backend is shared and the GC also reclaims buffers other tests left unclosed, at any
    // moment: so wait on the reclaimed count, not on bytesInUse, and take every reclaim (ours
    // or theirs: the count is global) off what our 50 buffers added.
    long size = CachingAllocator.sizeClass(10_000L * DType.FLOAT32.byteSize());
    MemoryStats before = b.memoryStats();
    for (int i = 0; i < 50; i++) {
      b.allocate(DType.FLOAT32, 10_000); // never closed
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (b.memoryStats().reclaimedBytes() - before.reclaimedBytes() < 50 * size
        && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    MemoryStats after = b.memoryStats();
    long reclaimed = after.reclaimedBytes() - before.reclaimedBytes();
    assertTrue(reclaimed >= 50 * size, "the Cleaner reclaimed 50 blocks' worth: " + after);
    assertEquals(before.bytesInUse() + 50 * size - reclaimed, after.bytesInUse(),
        "before " + before + "; after " + after);
  }

  @Test
  void outOfMemoryIsAClearExceptionAndTheBackendGoesOn() {
    // More than the device has, so the driver's answer is the ordinary out of memory (an absurd
    // size such as 1 PiB may get another error, e.g. CUDA_ERROR_INVALID_VALUE).
    long length = (b.deviceTotalBytes() + (1L << 30)) / DType.FLOAT64.byteSize();
    DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
        () -> b.allocate(DType.FLOAT64, length));
    assertTrue(e.getMessage().contains("out of device memory allocating FLOAT64[" + length + "]"),
        e.getMessage());
    assertTrue(e.getMessage().contains("(" + length * 8 + " bytes, size class "), e.getMessage());
    assertTrue(e.getMessage().contains("in use by"), e.getMessage());
    assertEquals(length * 8, e.requestedBytes());
    try (DeviceBuffer ok = b.upload(new float[] {1, 2})) {
      assertArrayEquals(new double[] {1, 2}, download(b, ok));
    }
  }

  // ---- plugin PTX --------------------------------------------------------------------------

  @Test
  void pluginPtxKernelsRunWithCheckedArguments() {
    // Any PTX text works; the backend's own fill kernel stands in for a plugin's.
    String ptx = new String(NativeResources.read("elementwise.ptx"),
        java.nio.charset.StandardCharsets.UTF_8);
    try (DeviceBuffer buf = b.allocate(DType.FLOAT32, 1000)) {
      b.launchPtx(ptx, "jg_fill_f32", DType.FLOAT32, 4, 256, java.util.List.of(buf, 1000L, 2.5));
      double[] want = new double[1000];
      java.util.Arrays.fill(want, 2.5);
      assertArrayEquals(want, download(b, buf));
      assertThrows(IllegalArgumentException.class, () -> b.launchPtx(ptx, "jg_fill_f32",
          DType.FLOAT32, 4, 256, java.util.List.of(buf, 1000, 2.5))); // an int where a long goes
      assertThrows(IllegalArgumentException.class, () -> b.launchPtx(ptx, "no_such_kernel",
          DType.FLOAT32, 4, 256, java.util.List.of()));
    }
  }

  // ---- fused kernels ---------------------------------------------------------------------------

  /** Reference softmax cross-entropy: loss per row and grad * scale. */
  private static double[][] softmaxXentRef(double[] x, int[] labels, int rows, int classes,
      double scale) {
    double[] loss = new double[rows];
    double[] grad = new double[rows * classes];
    for (int r = 0; r < rows; r++) {
      double mx = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        mx = Math.max(mx, x[r * classes + c]);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(x[r * classes + c] - mx);
      }
      int label = labels[r];
      loss[r] = Math.log(sum) + mx - x[r * classes + label];
      for (int c = 0; c < classes; c++) {
        grad[r * classes + c] = (Math.exp(x[r * classes + c] - mx) / sum - (c == label ? 1 : 0))
            * scale;
      }
    }
    return new double[][] {loss, grad};
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void softmaxCrossEntropyMatchesTheReference(DType dt) {
    for (int[] s : new int[][] {{100, 10}, {3, 1000}, {1, 1}}) {
      int rows = s[0];
      int classes = s[1];
      double[] x = random(dt, rows * classes, classes, -8, 8);
      int[] labels = new int[rows]; // class indices are INT32 whatever the logits' dtype
      for (int r = 0; r < rows; r++) {
        labels[r] = (r * 7) % classes;
      }
      double[][] want = softmaxXentRef(x, labels, rows, classes, 1.0 / rows);
      try (DeviceBuffer dx = upload(b, dt, x); DeviceBuffer dl = b.upload(labels);
          DeviceBuffer loss = b.allocate(dt, rows); DeviceBuffer grad = b.allocate(dt, x.length)) {
        b.fused().softmaxCrossEntropy(dx, dl, rows, classes, loss, grad, 1.0 / rows);
        assertClose(want[0], download(b, loss), reductionTol(dt), "loss " + rows + "x" + classes);
        assertClose(want[1], download(b, grad), reductionTol(dt), "grad " + rows + "x" + classes);
        b.fused().softmaxCrossEntropy(dx, dl, rows, classes, loss, null, 1);
        assertClose(want[0], download(b, loss), reductionTol(dt), "loss without grad");
      }
    }
  }

  @Test
  void softmaxCrossEntropyGradientPassesAFiniteDifferenceCheckInFloat64() {
    int rows = 4;
    int classes = 7;
    double[] x = random(DType.FLOAT64, rows * classes, 5, -2, 2);
    int[] labels = {0, 6, 3, 3};
    double[] grad = new double[x.length];
    try (DeviceBuffer dx = b.upload(x); DeviceBuffer dl = b.upload(labels);
        DeviceBuffer loss = b.allocate(DType.FLOAT64, rows);
        DeviceBuffer dg = b.allocate(DType.FLOAT64, x.length)) {
      b.fused().softmaxCrossEntropy(dx, dl, rows, classes, loss, dg, 1);
      b.download(dg, grad);
    }
    double h = 1e-6;
    for (int i = 0; i < x.length; i++) {
      double[] plus = x.clone();
      double[] minus = x.clone();
      plus[i] += h;
      minus[i] -= h;
      double numeric = (totalLoss(plus, labels, rows, classes)
          - totalLoss(minus, labels, rows, classes)) / (2 * h);
      assertEquals(numeric, grad[i], 1e-6, "d loss / d x[" + i + "]");
    }
  }

  private double totalLoss(double[] x, int[] labels, int rows, int classes) {
    double[] loss = new double[rows];
    try (DeviceBuffer dx = b.upload(x); DeviceBuffer dl = b.upload(labels);
        DeviceBuffer dloss = b.allocate(DType.FLOAT64, rows)) {
      b.fused().softmaxCrossEntropy(dx, dl, rows, classes, dloss, null, 1);
      b.download(dloss, loss);
    }
    double t = 0;
    for (double v : loss) {
      t += v;
    }
    return t;
  }

  private static double activation(UnaryOp act, double x) {
    return switch (act) {
      case RELU -> Math.max(x, 0);
      case SIGMOID -> 1 / (1 + Math.exp(-x));
      case TANH -> Math.tanh(x);
      default -> throw new IllegalArgumentException("not a fused activation: " + act);
    };
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void biasActivationMatchesTheReference(DType dt) {
    int rows = 37;
    int cols = 19;
    double[] x = random(dt, rows * cols, 1, -3, 3);
    double[] bias = random(dt, cols, 2, -1, 1);
    for (FusedActivation act : FusedActivation.values()) {
      double[] want = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        double v = GpuFixture.round(dt, new double[] {x[i] + bias[i % cols]})[0];
        want[i] = act.unaryOp() == null ? v : activation(act.unaryOp(), v);
      }
      try (DeviceBuffer dx = upload(b, dt, x); DeviceBuffer db = upload(b, dt, bias);
          DeviceBuffer out = b.allocate(dt, x.length)) {
        b.fused().biasActivation(dx, db, rows, cols, act, out);
        assertClose(GpuFixture.round(dt, want), download(b, out), elementwiseTol(dt),
            "bias + " + act);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void sgdUpdateMatchesTheReference(DType dt) {
    double[] p = random(dt, 1001, 1, -1, 1);
    double[] g = random(dt, 1001, 2, -1, 1);
    double[] v = random(dt, 1001, 3, -1, 1);
    double lr = 0.1;
    double mu = 0.9;
    double wd = 1e-4;
    double[] plain = new double[p.length];
    double[] withMomentum = new double[p.length];
    double[] velocity = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      plain[i] = p[i] - lr * (g[i] + wd * p[i]);
      velocity[i] = mu * v[i] + g[i] + wd * p[i];
      withMomentum[i] = p[i] - lr * velocity[i];
    }
    try (DeviceBuffer dp = upload(b, dt, p); DeviceBuffer dg = upload(b, dt, g);
        DeviceBuffer rate = b.upload(new double[] {lr})) {
      b.fused().sgdUpdate(dp, dg, null, rate, 0, wd);
      assertClose(plain, download(b, dp), elementwiseTol(dt) * 10, "sgd");
    }
    try (DeviceBuffer dp = upload(b, dt, p); DeviceBuffer dg = upload(b, dt, g);
        DeviceBuffer dv = upload(b, dt, v); DeviceBuffer rate = b.upload(new double[] {lr})) {
      b.fused().sgdUpdate(dp, dg, dv, rate, mu, wd);
      assertClose(withMomentum, download(b, dp), elementwiseTol(dt) * 10, "sgd with momentum");
      assertClose(velocity, download(b, dv), elementwiseTol(dt) * 10, "velocity");
    }
  }
}
