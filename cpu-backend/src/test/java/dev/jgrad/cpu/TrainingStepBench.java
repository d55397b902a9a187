package dev.jgrad.cpu;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import java.util.Locale;

/**
 * One SGD step of the book's MLP (784-100-10, batch 100, ReLU, softmax cross-entropy) written
 * directly in backend primitives, timed whole and with the matrix products alone, so the share of
 * GEMM (and of its operand copies) in a real step is known. Used to choose the buffer storage
 * (Java arrays) in docs/benchmarks.md. Not a test; run by hand with the test classpath.
 */
public final class TrainingStepBench {
  private static final int BATCH = 100;
  private static final int IN = 784;
  private static final int HIDDEN = 100;
  private static final int CLASSES = 10;

  private final Backend b = new CpuBackend();
  private final DeviceBuffer x = b.upload(GemmBenchmark.random(1, BATCH * IN));
  private final DeviceBuffer t = b.allocate(DType.FLOAT32, BATCH * CLASSES);
  private final DeviceBuffer w1 = b.upload(GemmBenchmark.random(2, IN * HIDDEN));
  private final DeviceBuffer b1 = b.allocate(DType.FLOAT32, HIDDEN);
  private final DeviceBuffer w2 = b.upload(GemmBenchmark.random(3, HIDDEN * CLASSES));
  private final DeviceBuffer b2 = b.allocate(DType.FLOAT32, CLASSES);
  private final DeviceBuffer h = b.allocate(DType.FLOAT32, BATCH * HIDDEN);
  private final DeviceBuffer a = b.allocate(DType.FLOAT32, BATCH * HIDDEN);
  private final DeviceBuffer y = b.allocate(DType.FLOAT32, BATCH * CLASSES);
  private final DeviceBuffer rowMax = b.allocate(DType.FLOAT32, BATCH);
  private final DeviceBuffer rowSum = b.allocate(DType.FLOAT32, BATCH);
  private final DeviceBuffer dy = b.allocate(DType.FLOAT32, BATCH * CLASSES);
  private final DeviceBuffer dw2 = b.allocate(DType.FLOAT32, HIDDEN * CLASSES);
  private final DeviceBuffer db2 = b.allocate(DType.FLOAT32, CLASSES);
  private final DeviceBuffer da = b.allocate(DType.FLOAT32, BATCH * HIDDEN);
  private final DeviceBuffer mask = b.allocate(DType.FLOAT32, BATCH * HIDDEN);
  private final DeviceBuffer dw1 = b.allocate(DType.FLOAT32, IN * HIDDEN);
  private final DeviceBuffer db1 = b.allocate(DType.FLOAT32, HIDDEN);
  private final DeviceBuffer dx = b.allocate(DType.FLOAT32, BATCH * IN);

  private TrainingStepBench() {
    float[] labels = new float[BATCH];
    for (int i = 0; i < BATCH; i++) {
      labels[i] = i % CLASSES;
    }
    b.oneHot(b.upload(labels), CLASSES, t);
    b.scalar(BinaryOp.MUL, w1, 0.01, w1);
    b.scalar(BinaryOp.MUL, w2, 0.01, w2);
  }

  private void matmuls() {
    b.matmul(x, false, w1, false, h, BATCH, HIDDEN, IN);
    b.matmul(a, false, w2, false, y, BATCH, CLASSES, HIDDEN);
    b.matmul(a, true, dy, false, dw2, HIDDEN, CLASSES, BATCH);
    b.matmul(dy, false, w2, true, da, BATCH, HIDDEN, CLASSES);
    b.matmul(x, true, da, false, dw1, IN, HIDDEN, BATCH);
    b.matmul(da, false, w1, true, dx, BATCH, IN, HIDDEN); // as if X needed a gradient
  }

  private void step() {
    Shape bh = Shape.of(BATCH, HIDDEN);
    Shape bc = Shape.of(BATCH, CLASSES);
    // forward
    b.matmul(x, false, w1, false, h, BATCH, HIDDEN, IN);
    b.binary(BinaryOp.ADD, h, bh, b1, Shape.of(HIDDEN), h, bh);
    b.unary(UnaryOp.RELU, h, a);
    b.matmul(a, false, w2, false, y, BATCH, CLASSES, HIDDEN);
    b.binary(BinaryOp.ADD, y, bc, b2, Shape.of(CLASSES), y, bc);
    // softmax
    b.reduce(ReduceOp.MAX, y, BATCH, CLASSES, 1, rowMax);
    b.binary(BinaryOp.SUB, y, bc, rowMax, Shape.of(BATCH, 1), y, bc);
    b.unary(UnaryOp.EXP, y, y);
    b.reduce(ReduceOp.SUM, y, BATCH, CLASSES, 1, rowSum);
    b.binary(BinaryOp.DIV, y, bc, rowSum, Shape.of(BATCH, 1), y, bc);
    // backward of cross-entropy: dy = (softmax - t) / batch
    b.binary(BinaryOp.SUB, y, bc, t, bc, dy, bc);
    b.scalar(BinaryOp.DIV, dy, BATCH, dy);
    b.matmul(a, true, dy, false, dw2, HIDDEN, CLASSES, BATCH);
    b.reduce(ReduceOp.SUM, dy, 1, BATCH, CLASSES, db2);
    b.matmul(dy, false, w2, true, da, BATCH, HIDDEN, CLASSES);
    b.unary(UnaryOp.STEP, h, mask);
    b.binary(BinaryOp.MUL, da, bh, mask, bh, da, bh);
    b.matmul(x, true, da, false, dw1, IN, HIDDEN, BATCH);
    b.matmul(da, false, w1, true, dx, BATCH, IN, HIDDEN); // as if X needed a gradient
    b.reduce(ReduceOp.SUM, da, 1, BATCH, HIDDEN, db1);
    // SGD
    sgd(w1, dw1);
    sgd(b1, db1);
    sgd(w2, dw2);
    sgd(b2, db2);
  }

  private void sgd(DeviceBuffer w, DeviceBuffer g) {
    b.scalar(BinaryOp.MUL, g, 0.1, g);
    b.binary(BinaryOp.SUB, w, Shape.of((int) w.length()), g, Shape.of((int) g.length()), w,
        Shape.of((int) w.length()));
  }

  public static void main(String[] args) {
    TrainingStepBench s = new TrainingStepBench();
    for (int round = 0; round < 3; round++) {
      double[] step = GemmBenchmark.time(s::step);
      double[] mm = GemmBenchmark.time(s::matmuls);
      System.out.println(String.format(Locale.ROOT,
          "training step: best %.1f us (median %.1f); its six matmuls alone: best %.1f us "
              + "(median %.1f); the rest: ~%.1f us",
          step[0] * 1e6, step[1] * 1e6, mm[0] * 1e6, mm[1] * 1e6, (step[0] - mm[0]) * 1e6));
    }
  }
}
