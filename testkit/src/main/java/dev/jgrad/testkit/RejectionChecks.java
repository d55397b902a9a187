package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedAdam;
import dev.jgrad.api.FusedAdamW;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import java.util.List;

/**
 * The contract's rejections ({@link dev.jgrad.api.BackendContract}), a few representative bad
 * calls per primitive: mixed dtypes, wrong lengths and sizes, ranges outside a buffer, outputs
 * that alias inputs where the primitive cannot work in place, closed, null and foreign buffers.
 * Each must throw the contract's exception with its message prefix, and write nothing. Bad index
 * values are {@link BadIndexChecks}.
 */
final class RejectionChecks {
  private static final DType F = DType.FLOAT32;
  private static final DType D = DType.FLOAT64;
  private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
  private static final Class<IndexOutOfBoundsException> IOOBE = IndexOutOfBoundsException.class;

  private RejectionChecks() {}

  static void addTo(CheckRunner r) {
    memory(r);
    layout(r);
    elementwise(r);
    matmul(r);
    matmulBatched(r);
    reduceAndTranspose(r);
    indexing(r);
    sgd(r);
    adam(r);
    adamw(r);
  }

  private static Rejection expect(CheckRunner r, Class<? extends RuntimeException> type,
      String primitive) {
    return Rejection.of(r.backend(), type, primitive);
  }

  private static DeviceBuffer closed(Buffers b, DType dtype, int length) {
    DeviceBuffer buffer = b.allocate(dtype, length);
    buffer.close();
    return buffer;
  }

  private static void memory(CheckRunner r) {
    Backend k = r.backend();
    r.check("rejects allocate: a negative length", b -> expect(r, IAE, "allocate")
        .saying("length must be >= 0 but is -1").check(b, () -> k.allocate(F, -1)));
    r.check("rejects allocate: a null dtype", b -> expect(r, NullPointerException.class,
        "allocate").saying("dtype is null").check(b, () -> k.allocate(null, 1)));
    r.check("rejects allocate: a length whose bytes overflow", b -> expect(r, IAE, "allocate")
        .saying("too large").check(b, () -> k.allocate(D, Long.MAX_VALUE / 4)));
    r.check("rejects download: a host array of the wrong length", b -> {
      DeviceBuffer three = b.upload(F, 1, 2, 3);
      expect(r, IAE, "download").saying("length 3", "length 2")
          .check(b, () -> k.download(three, new float[2]));
      return expect(r, IAE, "download").saying("length 3", "length 4")
          .check(b, () -> k.download(three, new double[4]));
    });
    r.check("rejects download: a null host array", b -> expect(r, NullPointerException.class,
        "download").check(b, () -> k.download(b.upload(F, 1), (double[]) null)));
    r.check("rejects download: a closed buffer", b -> expect(r, IllegalStateException.class,
        "download").saying("closed").check(b, () -> k.download(closed(b, F, 2), new double[2])));
    r.check("rejects fill: a closed buffer", b -> expect(r, IllegalStateException.class, "fill")
        .saying("dst", "closed").check(b, () -> k.fill(closed(b, D, 2), 1)));
    r.check("rejects fill: a null buffer", b -> expect(r, NullPointerException.class, "fill")
        .saying("dst is null").check(b, () -> k.fill(null, 1)));
    r.check("rejects fill: another backend's buffer", b -> {
      String other = "not-" + k.name();
      return expect(r, IAE, "fill").saying("'" + other + "'")
          .check(b, () -> k.fill(new ForeignBuffer(F, 3, other), 0));
    });
    r.check("rejects fill: a buffer that only claims this backend", b -> expect(r, IAE, "fill")
        .check(b, () -> k.fill(new ForeignBuffer(F, 3, k.name()), 0)));
  }

  private static void layout(CheckRunner r) {
    Backend k = r.backend();
    r.check("rejects copy: mixed dtypes", b -> expect(r, IAE, "copy")
        .saying("src is FLOAT32 but dst is FLOAT64")
        .check(b, () -> k.copy(b.upload(F, 1, 2, 3), 0, b.upload(D, 1, 2, 3), 0, 1)));
    r.check("rejects copy: a source range outside the buffer", b -> {
      DeviceBuffer dst = b.upload(F, 7, 7, 7);
      return expect(r, IOOBE, "copy").saying("source range [2, 4)", "[0, 3)").leaving(dst)
          .check(b, () -> k.copy(b.upload(F, 1, 2, 3), 2, dst, 0, 2));
    });
    r.check("rejects copy: a negative destination offset", b -> expect(r, IOOBE, "copy")
        .saying("destination range [-1, 0)")
        .check(b, () -> k.copy(b.upload(F, 1, 2, 3), 0, b.upload(F, 1, 2, 3), -1, 1)));
    r.check("rejects copy: a closed source", b -> expect(r, IllegalStateException.class, "copy")
        .saying("src", "closed").check(b, () -> k.copy(closed(b, F, 3), 0, b.allocate(F, 3), 0,
            1)));
    r.check("rejects copyAxisRange: mixed dtypes", b -> expect(r, IAE, "copyAxisRange")
        .saying("FLOAT32", "FLOAT64")
        .check(b, () -> k.copyAxisRange(b.upload(F, 1, 2, 3), 3, 0, b.upload(D, 1, 2, 3), 3, 0, 1,
            1, 1)));
    r.check("rejects copyAxisRange: a source axis range outside the axis", b -> {
      DeviceBuffer dst = b.upload(F, 7, 7, 7);
      return expect(r, IOOBE, "copyAxisRange").saying("source axis range").leaving(dst)
          .check(b, () -> k.copyAxisRange(b.upload(F, 1, 2, 3), 3, 2, dst, 3, 0, 1, 2, 1));
    });
    r.check("rejects copyAxisRange: a src of the wrong length", b -> expect(r, IAE,
        "copyAxisRange").saying("length 4", "length 3")
        .check(b, () -> k.copyAxisRange(b.upload(F, 1, 2, 3), 4, 0, b.upload(F, 1, 2, 3), 3, 0, 1,
            1, 1)));
    r.check("rejects copyAxisRange: dst = src", b -> {
      DeviceBuffer m = b.upload(F, 1, 2, 3, 4);
      return expect(r, IAE, "copyAxisRange").saying("dst and src are the same buffer").leaving(m)
          .check(b, () -> k.copyAxisRange(m, 2, 0, m, 2, 1, 2, 1, 1));
    });
  }

  private static void elementwise(CheckRunner r) {
    Backend k = r.backend();
    r.check("rejects unary: mixed dtypes", b -> expect(r, IAE, "unary(EXP)")
        .saying("x is FLOAT32 but out is FLOAT64")
        .check(b, () -> k.unary(UnaryOp.EXP, b.upload(F, 1, 2, 3), b.upload(D, 1, 2, 3))));
    r.check("rejects unary: an out of the wrong length", b -> {
      DeviceBuffer out = b.upload(F, 7, 7, 7, 7);
      return expect(r, IAE, "unary(NEG)").saying("out must have length 3 but has length 4")
          .leaving(out).check(b, () -> k.unary(UnaryOp.NEG, b.upload(F, 1, 2, 3), out));
    });
    r.check("rejects unary: a closed input", b -> expect(r, IllegalStateException.class,
        "unary(NEG)").saying("x", "closed")
        .check(b, () -> k.unary(UnaryOp.NEG, closed(b, F, 3), b.allocate(F, 3))));
    r.check("rejects unary: another backend's output", b -> expect(r, IAE, "unary(TANH)")
        .saying("out belongs to backend")
        .check(b, () -> k.unary(UnaryOp.TANH, b.upload(F, 1, 2, 3),
            new ForeignBuffer(F, 3, "not-" + k.name()))));
    Shape three = Shape.of(3);
    r.check("rejects binary: mixed dtypes", b -> expect(r, IAE, "binary(ADD)")
        .saying("a is FLOAT32 but b is FLOAT64")
        .check(b, () -> k.binary(BinaryOp.ADD, b.upload(F, 1, 2, 3), three, b.upload(D, 1, 2, 3),
            three, b.allocate(F, 3), three)));
    r.check("rejects binary: shapes that do not broadcast", b -> {
      DeviceBuffer out = b.upload(F, 7, 7, 7, 7, 7, 7);
      return expect(r, IAE, "binary(MUL)").saying("cannot be broadcast").leaving(out)
          .check(b, () -> k.binary(BinaryOp.MUL, b.upload(F, 1, 2, 3, 4), Shape.of(2, 2),
              b.upload(F, 1, 2, 3), three, out, Shape.of(2, 3)));
    });
    r.check("rejects binary: an outShape that is not the broadcast", b -> expect(r, IAE,
        "binary(SUB)").saying("outShape", "[3]", "[1, 3]")
        .check(b, () -> k.binary(BinaryOp.SUB, b.upload(F, 1, 2, 3), three, b.upload(F, 1, 2, 3),
            three, b.allocate(F, 3), Shape.of(1, 3))));
    r.check("rejects binary: an input shorter than its shape", b -> expect(r, IAE,
        "binary(ADD)").saying("a (shape [4]) must have length 4 but has length 3")
        .check(b, () -> k.binary(BinaryOp.ADD, b.upload(F, 1, 2, 3), Shape.of(4),
            b.upload(F, 1, 2, 3, 4), Shape.of(4), b.allocate(F, 4), Shape.of(4))));
    r.check("rejects binary: an out of the wrong length", b -> expect(r, IAE, "binary(DIV)")
        .saying("out (shape [4]) must have length 4 but has length 3")
        .check(b, () -> k.binary(BinaryOp.DIV, b.upload(F, 1, 2, 3, 4), Shape.of(4),
            b.upload(F, 1, 2, 3, 4), Shape.of(4), b.allocate(F, 3), Shape.of(4))));
    r.check("rejects scalar: mixed dtypes", b -> expect(r, IAE, "scalar(MUL)")
        .saying("a is FLOAT64 but out is FLOAT32")
        .check(b, () -> k.scalar(BinaryOp.MUL, b.upload(D, 1, 2, 3), 2, b.allocate(F, 3))));
    r.check("rejects scalar: an out of the wrong length", b -> expect(r, IAE, "scalar(ADD)")
        .saying("length 3", "length 2")
        .check(b, () -> k.scalar(BinaryOp.ADD, b.upload(F, 1, 2, 3), 1, b.allocate(F, 2))));
  }

  /** Every size a matrix library would trust is checked first, in both dtypes. */
  private static void matmul(CheckRunner r) {
    Backend k = r.backend();
    for (DType t : Values.FLOATS) {
      r.check("rejects matmul: an a inconsistent with k " + t, b -> {
        DeviceBuffer out = b.filled(t, 8, 7);
        return expect(r, IAE, "matmul").saying("a (stored [m, k] = [2, 30])", "length 60",
            "length 6").leaving(out)
            .check(b, () -> k.matmul(b.allocate(t, 6), false, b.allocate(t, 12), false, out, 2, 4,
                30));
      });
      r.check("rejects matmul: a transposed a of the wrong size " + t, b -> expect(r, IAE,
          "matmul").saying("a (stored [k, m] = [4, 2])", "length 8", "length 6")
          .check(b, () -> k.matmul(b.allocate(t, 6), true, b.allocate(t, 12), false,
              b.allocate(t, 8), 2, 4, 4)));
      r.check("rejects matmul: a transposed b of the wrong size " + t, b -> expect(r, IAE,
          "matmul").saying("b (stored [n, k] = [4, 3])", "length 12", "length 9")
          .check(b, () -> k.matmul(b.allocate(t, 6), false, b.allocate(t, 9), true,
              b.allocate(t, 8), 2, 4, 3)));
      r.check("rejects matmul: an out of the wrong length " + t, b -> expect(r, IAE, "matmul")
          .saying("out ([m, n] = [2, 4]) must have length 8 but has length 7")
          .check(b, () -> k.matmul(b.allocate(t, 6), false, b.allocate(t, 12), false,
              b.allocate(t, 7), 2, 4, 3)));
      r.check("rejects matmul: negative sizes " + t, b -> expect(r, IAE, "matmul")
          .saying("m must be >= 0")
          .check(b, () -> k.matmul(b.allocate(t, 6), false, b.allocate(t, 12), false,
              b.allocate(t, 8), -2, -4, 3)));
      r.check("rejects matmul: an out whose length overflows an int " + t, b -> expect(r, IAE,
          "matmul").saying("length 4294967296", "length 8")
          .check(b, () -> k.matmul(b.allocate(t, 0), false, b.allocate(t, 0), false,
              b.allocate(t, 8), 65536, 65536, 0)));
    }
    r.check("rejects matmul: mixed dtypes", b -> expect(r, IAE, "matmul")
        .saying("a is FLOAT32 but b is FLOAT64")
        .check(b, () -> k.matmul(b.allocate(F, 3), false, b.allocate(D, 3), false,
            b.allocate(F, 9), 3, 3, 1)));
    r.check("rejects matmul: out = a", b -> {
      DeviceBuffer m = b.upload(F, 1, 2, 3, 4);
      return expect(r, IAE, "matmul").saying("out and a are the same buffer").leaving(m)
          .check(b, () -> k.matmul(m, false, b.upload(F, 1, 0, 0, 1), false, m, 2, 2, 2));
    });
    r.check("rejects matmul: out = b", b -> {
      DeviceBuffer m = b.upload(D, 1, 2, 3, 4);
      return expect(r, IAE, "matmul").saying("out and b are the same buffer").leaving(m)
          .check(b, () -> k.matmul(b.upload(D, 1, 0, 0, 1), true, m, false, m, 2, 2, 2));
    });
  }

  /** The batched product's sizes, strides and lengths, checked before any product runs. */
  private static void matmulBatched(CheckRunner r) {
    Backend k = r.backend();
    String p = "matmulBatched";
    for (DType t : Values.FLOATS) {
      r.check("rejects matmulBatched: a stride that is neither 0 nor the matrix size " + t,
          b -> {
            DeviceBuffer out = b.filled(t, 24, 7);
            return expect(r, IAE, p).saying("strideA must be 0", "m * k = 6", "but is 5")
                .leaving(out).check(b, () -> k.matmulBatched(b.allocate(t, 18), false,
                    b.allocate(t, 12), false, out, 3, 2, 4, 3, 5, 0));
          });
      r.check("rejects matmulBatched: a b stride that is neither 0 nor the matrix size " + t,
          b -> expect(r, IAE, p).saying("strideB must be 0", "k * n = 12", "but is 6")
              .check(b, () -> k.matmulBatched(b.allocate(t, 6), false, b.allocate(t, 36), false,
                  b.allocate(t, 24), 3, 2, 4, 3, 0, 6)));
      r.check("rejects matmulBatched: a batched a of the wrong length " + t, b -> expect(r, IAE,
          p).saying("a (stored [batch, k, m] = [3, 3, 2])", "length 18", "length 12")
          .check(b, () -> k.matmulBatched(b.allocate(t, 12), true, b.allocate(t, 12), false,
              b.allocate(t, 24), 3, 2, 4, 3, 6, 0)));
      r.check("rejects matmulBatched: a shared b of the wrong length " + t, b -> expect(r, IAE,
          p).saying("b (one shared matrix, stored [n, k] = [4, 3])", "length 12", "length 36")
          .check(b, () -> k.matmulBatched(b.allocate(t, 18), false, b.allocate(t, 36), true,
              b.allocate(t, 24), 3, 2, 4, 3, 6, 0)));
      r.check("rejects matmulBatched: an out of the wrong length " + t, b -> expect(r, IAE, p)
          .saying("out ([batch, m, n] = [3, 2, 4]) must have length 24 but has length 8")
          .check(b, () -> k.matmulBatched(b.allocate(t, 18), false, b.allocate(t, 12), false,
              b.allocate(t, 8), 3, 2, 4, 3, 6, 0)));
      r.check("rejects matmulBatched: a negative batch " + t, b -> expect(r, IAE, p)
          .saying("batch must be >= 0")
          .check(b, () -> k.matmulBatched(b.allocate(t, 6), false, b.allocate(t, 12), false,
              b.allocate(t, 8), -1, 2, 4, 3, 0, 0)));
    }
    r.check("rejects matmulBatched: mixed dtypes", b -> expect(r, IAE, p)
        .saying("a is FLOAT64 but out is FLOAT32")
        .check(b, () -> k.matmulBatched(b.allocate(D, 6), false, b.allocate(D, 12), false,
            b.allocate(F, 24), 3, 2, 4, 3, 0, 0)));
    r.check("rejects matmulBatched: out = a", b -> {
      DeviceBuffer m = b.upload(F, 1, 2, 3, 4, 5, 6, 7, 8);
      return expect(r, IAE, p).saying("out and a are the same buffer").leaving(m)
          .check(b, () -> k.matmulBatched(m, false, b.upload(F, 1, 0, 0, 1), false, m, 2, 2, 2,
              2, 4, 0));
    });
  }

  private static void reduceAndTranspose(CheckRunner r) {
    Backend k = r.backend();
    r.check("rejects reduce: mixed dtypes", b -> expect(r, IAE, "reduce(SUM)")
        .saying("FLOAT32", "FLOAT64")
        .check(b, () -> k.reduce(ReduceOp.SUM, b.upload(F, 1, 2, 3), 1, 3, 1, b.allocate(D, 1))));
    r.check("rejects reduce: an out of the wrong length", b -> {
      DeviceBuffer out = b.upload(F, 7, 7, 7);
      return expect(r, IAE, "reduce(MAX)").saying("length 1", "length 3").leaving(out)
          .check(b, () -> k.reduce(ReduceOp.MAX, b.upload(F, 1, 2, 3), 1, 3, 1, out));
    });
    r.check("rejects reduce: an empty axis", b -> expect(r, IAE, "reduce(ARGMAX)")
        .saying("axis must be at least 1")
        .check(b, () -> k.reduce(ReduceOp.ARGMAX, b.allocate(F, 0), 3, 0, 1,
            b.allocate(DType.INT32, 3))));
    r.check("rejects reduce: out = x", b -> {
      DeviceBuffer x = b.upload(F, 1, 2, 3);
      return expect(r, IAE, "reduce(SUM)").saying("out and x are the same buffer").leaving(x)
          .check(b, () -> k.reduce(ReduceOp.SUM, x, 3, 1, 1, x));
    });
    r.check("rejects transpose: mixed dtypes", b -> expect(r, IAE, "transpose")
        .saying("FLOAT32", "FLOAT64")
        .check(b, () -> k.transpose(b.upload(F, 1, 2, 3), 1, 1, 3, b.allocate(D, 3))));
    r.check("rejects transpose: an out of the wrong length", b -> expect(r, IAE, "transpose")
        .saying("length 4", "length 3")
        .check(b, () -> k.transpose(b.upload(F, 1, 2, 3), 1, 2, 2, b.allocate(F, 4))));
    r.check("rejects transpose: out = x", b -> {
      DeviceBuffer m = b.upload(F, 1, 2, 3, 4);
      return expect(r, IAE, "transpose").saying("out and x are the same buffer").leaving(m)
          .check(b, () -> k.transpose(m, 1, 2, 2, m));
    });
  }

  private static void indexing(CheckRunner r) {
    Backend k = r.backend();
    r.check("rejects indexSelect: indices of another dtype", b -> expect(r, IAE, "indexSelect")
        .saying("indices is FLOAT64")
        .check(b, () -> k.indexSelect(b.upload(F, 1, 2, 3), 1, 3, 1, b.upload(D, 0),
            b.allocate(F, 1))));
    r.check("rejects indexSelect: out = src", b -> {
      DeviceBuffer m = b.upload(F, 1, 2, 3, 4);
      return expect(r, IAE, "indexSelect").saying("out and src are the same buffer").leaving(m)
          .check(b, () -> k.indexSelect(m, 1, 4, 1, b.indices(3, 2, 1, 0), m));
    });
    r.check("rejects indexSelect: out = indices", b -> {
      DeviceBuffer idx = b.indices(0, 1); // INT32 labels gathered by INT32 indices
      return expect(r, IAE, "indexSelect").saying("out and indices are the same buffer")
          .leaving(idx).check(b, () -> k.indexSelect(b.indices(1, 2, 3), 1, 3, 1, idx, idx));
    });
    r.check("rejects indexAdd: a dst of another dtype", b -> expect(r, IAE, "indexAdd")
        .saying("dst")
        .check(b, () -> k.indexAdd(b.upload(F, 1, 2, 3), b.indices(0, 1, 2),
            b.upload(D, 1, 2, 3), 1, 3, 1)));
    r.check("rejects indexAdd: dst = src", b -> {
      DeviceBuffer m = b.upload(F, 1, 2, 3);
      return expect(r, IAE, "indexAdd").saying("dst and src are the same buffer").leaving(m)
          .check(b, () -> k.indexAdd(m, b.indices(0, 1, 2), m, 1, 3, 1));
    });
    r.check("rejects oneHot: an out of the wrong length", b -> expect(r, IAE, "oneHot")
        .saying("length 12", "length 9")
        .check(b, () -> k.oneHot(b.indices(1, 2, 3), 4, b.allocate(F, 9))));
    r.check("rejects oneHot: an INT32 out", b -> expect(r, IAE, "oneHot")
        .saying("out is INT32", "FLOAT32 or FLOAT64")
        .check(b, () -> k.oneHot(b.indices(0, 1, 2), 3, b.allocate(DType.INT32, 9))));
  }

  private static void sgd(CheckRunner r) {
    if (!(r.backend() instanceof FusedSgd sgd)) {
      r.skip("rejects sgdUpdate", "the " + r.backend().name()
          + " backend does not implement FusedSgd");
      return;
    }
    r.check("rejects sgdUpdate: a grad of the wrong length", b -> {
      DeviceBuffer param = b.upload(F, 1, 2, 3, 4);
      return expect(r, IAE, "sgdUpdate").saying("grad must have length 4 but has length 3")
          .leaving(param).check(b, () -> sgd.sgdUpdate(param, b.upload(F, 1, 2, 3), null,
              b.upload(D, 0.1), 0, 0));
    });
    r.check("rejects sgdUpdate: velocity = param", b -> {
      DeviceBuffer param = b.upload(D, 1, 2, 3);
      return expect(r, IAE, "sgdUpdate").saying("velocity and param are the same buffer")
          .leaving(param).check(b, () -> sgd.sgdUpdate(param, b.upload(D, 1, 1, 1), param,
              b.upload(D, 0.1), 0.9, 0));
    });
    r.check("rejects sgdUpdate: mixed dtypes", b -> expect(r, IAE, "sgdUpdate")
        .saying("param is FLOAT32 but grad is FLOAT64")
        .check(b, () -> sgd.sgdUpdate(b.upload(F, 1, 2), b.upload(D, 1, 2), null, b.upload(D, 0.1),
            0, 0)));
    r.check("rejects sgdUpdateAll: fewer grads than params", b -> {
      DeviceBuffer param = b.upload(F, 1, 2);
      return expect(r, IAE, "sgdUpdateAll").saying("2 params, 1 grads")
          .leaving(param).check(b, () -> sgd.sgdUpdateAll(List.of(param, b.upload(F, 3)),
              List.of(b.upload(F, 1, 1)), null, b.upload(D, 0.1), 0, 0));
    });
    r.check("rejects sgdUpdateAll: a parameter given twice", b -> {
      DeviceBuffer param = b.upload(F, 1, 2);
      DeviceBuffer grad = b.upload(F, 1, 1);
      return expect(r, IAE, "sgdUpdateAll").saying("param 1 is also written by entry 0")
          .leaving(param).check(b, () -> sgd.sgdUpdateAll(List.of(param, param),
              List.of(grad, grad), null, b.upload(D, 0.1), 0, 0));
    });
    r.check("rejects sgdUpdateAll: a grad that another entry updates", b -> {
      DeviceBuffer first = b.upload(F, 1, 2);
      DeviceBuffer second = b.upload(F, 3, 4);
      return expect(r, IAE, "sgdUpdateAll").saying("grad 1 is the buffer entry 0 updates")
          .leaving(first).leaving(second).check(b, () -> sgd.sgdUpdateAll(
              List.of(first, second), List.of(b.upload(F, 1, 1), first), null, b.upload(D, 0.1),
              0, 0));
    });
    r.check("rejects sgdUpdateAll: a bad entry, before updating any", b -> {
      DeviceBuffer first = b.upload(F, 1, 2);
      return expect(r, IAE, "sgdUpdate").saying("grad must have length 3 but has length 2")
          .leaving(first).check(b, () -> sgd.sgdUpdateAll(List.of(first, b.upload(F, 1, 2, 3)),
              List.of(b.upload(F, 1, 1), b.upload(F, 1, 1)), null, b.upload(D, 0.1), 0, 0));
    });
    r.check("rejects sgdUpdate: a FLOAT32 rate", b -> {
      DeviceBuffer param = b.upload(F, 1, 2, 3);
      return expect(r, IAE, "sgdUpdate").saying("lr is FLOAT32 but must be FLOAT64")
          .leaving(param).check(b, () -> sgd.sgdUpdate(param, b.upload(F, 1, 1, 1), null,
              b.upload(F, 0.1), 0, 0));
    });
  }

  private static void adam(CheckRunner r) {
    if (!(r.backend() instanceof FusedAdam adam)) {
      r.skip("rejects adamUpdate", "the " + r.backend().name()
          + " backend does not implement FusedAdam");
      return;
    }
    r.check("rejects adamUpdate: m = v", b -> {
      DeviceBuffer param = b.upload(F, 1, 2, 3);
      DeviceBuffer moment = b.upload(F, 0, 0, 0);
      return expect(r, IAE, "adamUpdate").saying("m and v are the same buffer")
          .leaving(param).check(b, () -> adam.adamUpdate(param, b.upload(F, 1, 1, 1), moment,
              moment, 0.9, 0.999, 1e-7, b.upload(D, 0.001)));
    });
    r.check("rejects adamUpdate: a v of the wrong length", b -> {
      DeviceBuffer param = b.upload(D, 1, 2, 3);
      return expect(r, IAE, "adamUpdate").saying("v must have length 3 but has length 2")
          .leaving(param).check(b, () -> adam.adamUpdate(param, b.upload(D, 1, 1, 1),
              b.upload(D, 0, 0, 0), b.upload(D, 0, 0), 0.9, 0.999, 1e-7, b.upload(D, 0.001)));
    });
    r.check("rejects adamUpdate: a FLOAT32 rate", b -> {
      DeviceBuffer param = b.upload(F, 1, 2, 3);
      return expect(r, IAE, "adamUpdate").saying("lrT is FLOAT32 but must be FLOAT64")
          .leaving(param).check(b, () -> adam.adamUpdate(param, b.upload(F, 1, 1, 1),
              b.upload(F, 0, 0, 0), b.upload(F, 1, 1, 1), 0.9, 0.999, 1e-7, b.upload(F, 0.001)));
    });
    r.check("rejects adamUpdate: a rate of two elements", b -> {
      DeviceBuffer param = b.upload(F, 1, 2, 3);
      return expect(r, IAE, "adamUpdate").saying("lrT must have length 1 but has length 2")
          .leaving(param).check(b, () -> adam.adamUpdate(param, b.upload(F, 1, 1, 1),
              b.upload(F, 0, 0, 0), b.upload(F, 1, 1, 1), 0.9, 0.999, 1e-7,
              b.upload(D, 0.001, 0.002)));
    });
    r.check("rejects adamUpdateAll: fewer ms than params", b -> {
      DeviceBuffer param = b.upload(F, 1, 2);
      return expect(r, IAE, "adamUpdateAll").saying("2 params, 2 grads, 1 ms and 2 vs")
          .leaving(param).check(b, () -> adam.adamUpdateAll(List.of(param, b.upload(F, 3)),
              List.of(b.upload(F, 1, 1), b.upload(F, 1)), List.of(b.upload(F, 0, 0)),
              List.of(b.upload(F, 1, 1), b.upload(F, 1)), 0.9, 0.999, 1e-7, b.upload(D, 0.001)));
    });
    r.check("rejects adamUpdateAll: a moment two entries update", b -> {
      DeviceBuffer first = b.upload(F, 1, 2);
      DeviceBuffer m = b.upload(F, 0.5, 0.5);
      return expect(r, IAE, "adamUpdateAll").saying("m 1 is also written by entry 0")
          .leaving(first).leaving(m).check(b, () -> adam.adamUpdateAll(
              List.of(first, b.upload(F, 3, 4)), List.of(b.upload(F, 1, 1), b.upload(F, 1, 1)),
              List.of(m, m), List.of(b.upload(F, 1, 1), b.upload(F, 1, 1)), 0.9, 0.999, 1e-7,
              b.upload(D, 0.001)));
    });
    r.check("rejects adamUpdateAll: a bad entry, before updating any", b -> {
      DeviceBuffer first = b.upload(D, 1, 2);
      return expect(r, IAE, "adamUpdateAll entry 1").saying("v must have length 3 but has "
          + "length 2").leaving(first).check(b, () -> adam.adamUpdateAll(
              List.of(first, b.upload(D, 1, 2, 3)), List.of(b.upload(D, 1, 1),
                  b.upload(D, 1, 1, 1)), List.of(b.upload(D, 0, 0), b.upload(D, 0, 0, 0)),
              List.of(b.upload(D, 1, 1), b.upload(D, 1, 1)), 0.9, 0.999, 1e-7,
              b.upload(D, 0.001)));
    });
  }

  private static void adamw(CheckRunner r) {
    if (!(r.backend() instanceof FusedAdamW adamw)) {
      r.skip("rejects adamwUpdate", "the " + r.backend().name()
          + " backend does not implement FusedAdamW");
      return;
    }
    r.check("rejects adamwUpdate: a bias root of two elements", b -> {
      DeviceBuffer param = b.upload(F, 1, 2, 3);
      return expect(r, IAE, "adamwUpdate").saying("biasRoot must have length 1 but has length 2")
          .leaving(param).check(b, () -> adamw.adamwUpdate(param, b.upload(F, 1, 1, 1),
              b.upload(F, 0, 0, 0), b.upload(F, 1, 1, 1), 0.9, 0.999, 1e-8, b.upload(D, 1),
              b.upload(D, 0.5, 0.5), b.upload(D, -0.01)));
    });
    r.check("rejects adamwUpdate: a FLOAT32 step", b -> {
      DeviceBuffer param = b.upload(F, 1, 2, 3);
      return expect(r, IAE, "adamwUpdate").saying("step is FLOAT32 but must be FLOAT64")
          .leaving(param).check(b, () -> adamw.adamwUpdate(param, b.upload(F, 1, 1, 1),
              b.upload(F, 0, 0, 0), b.upload(F, 1, 1, 1), 0.9, 0.999, 1e-8, b.upload(D, 1),
              b.upload(D, 0.5), b.upload(F, -0.01)));
    });
    r.check("rejects adamwUpdateAll: a grad that another entry updates", b -> {
      DeviceBuffer first = b.upload(F, 1, 2);
      DeviceBuffer second = b.upload(F, 3, 4);
      return expect(r, IAE, "adamwUpdateAll").saying("grad 1 is the buffer entry 0 updates")
          .leaving(first).leaving(second).check(b, () -> adamw.adamwUpdateAll(
              List.of(first, second), List.of(b.upload(F, 1, 1), first),
              List.of(b.upload(F, 0, 0), b.upload(F, 0, 0)),
              List.of(b.upload(F, 1, 1), b.upload(F, 1, 1)), 0.9, 0.999, 1e-8, b.upload(D, 1),
              b.upload(D, 0.5), b.upload(D, -0.01)));
    });
    r.check("rejects adamwUpdateAll: a step scalar that an entry updates", b -> {
      DeviceBuffer first = b.upload(D, 1);
      DeviceBuffer v = b.upload(D, 1);
      return expect(r, IAE, "adamwUpdateAll entry 1").saying("step and v are the same buffer")
          .leaving(first).leaving(v).check(b, () -> adamw.adamwUpdateAll(
              List.of(first, b.upload(D, 2)), List.of(b.upload(D, 1), b.upload(D, 1)),
              List.of(b.upload(D, 0), b.upload(D, 0)), List.of(b.upload(D, 1), v), 0.9, 0.999,
              1e-8, b.upload(D, 1), b.upload(D, 0.5), v));
    });
  }
}
