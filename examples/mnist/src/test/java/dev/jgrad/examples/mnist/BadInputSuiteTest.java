package dev.jgrad.examples.mnist;

import static dev.jgrad.examples.mnist.MnistMainTest.run;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.io.IdxArray;
import dev.jgrad.io.IdxReader;
import dev.jgrad.io.IdxWriter;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.io.OutputLock;
import dev.jgrad.io.SafeTensor;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.SafeTensorsFormatException;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.TorchLayout;
import dev.jgrad.optim.Adam;
import dev.jgrad.train.Checkpoint;
import dev.jgrad.train.Model;
import dev.jgrad.train.TorchStateDict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/**
 * The bad-input catalogue (reliability issue): one table of bad inputs across the tensor API, the
 * IDX and safetensors readers, the command line and the file system, each with what must come
 * out: the exception type and the message fragments naming what was wrong (op and shapes; file
 * and byte offset; option and value) and what to do. For the command line: a nonzero exit and an
 * {@code error:} first line on stderr, with no stack frame and no exception class name.
 * Every case runs under a timeout, so a hang fails too. Many are also tested, in more depth,
 * beside their code; here they are listed in one place.
 */
class BadInputSuiteTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  static Path dir;

  /** One row of the catalogue. */
  private record Case(String area, String name, Executable check) {}

  @TestFactory
  Stream<DynamicTest> catalogue() throws IOException {
    List<Case> cases = new ArrayList<>();
    tensorApi(cases);
    idx(cases);
    safetensors(cases);
    commandLine(cases);
    fileSystem(cases);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.area() + ": " + c.name(),
        () -> assertTimeoutPreemptively(TIMEOUT, c.check())));
  }

  // ---- tensor API -------------------------------------------------------------------------

  private static void tensorApi(List<Case> cases) {
    Tensor a23 = Tensor.zeros(DType.FLOAT32, 2, 3);
    Tensor a45 = Tensor.zeros(DType.FLOAT32, 4, 5);
    add(cases, "tensor", "add of shapes that do not broadcast", IllegalArgumentException.class,
        () -> a23.add(a45), "jgrad::add", "[2, 3]", "[4, 5]");
    add(cases, "tensor", "matmul with different inner dimensions", IllegalArgumentException.class,
        () -> a23.matmul(a45), "jgrad::matmul", "[2, 3]", "[4, 5]", "inner dims 3 and 4");
    add(cases, "tensor", "matmul of a vector of the wrong length", IllegalArgumentException.class,
        () -> Tensor.zeros(DType.FLOAT32, 3).matmul(a23), "jgrad::matmul", "[3] and [2, 3]",
        "inner dims 3 and 2");
    add(cases, "tensor", "reshape to another number of elements",
        IllegalArgumentException.class, () -> a23.reshape(4, 2), "jgrad::reshape", "[2, 3]",
        "6 elements", "[4, 2]");
    add(cases, "tensor", "reshape with two -1", IllegalArgumentException.class,
        () -> a23.reshape(-1, -1), "jgrad::reshape", "only one dimension may be -1");
    add(cases, "tensor", "concat of shapes differing outside the axis",
        IllegalArgumentException.class, () -> Tensor.concat(0, a23, a45), "jgrad::concat",
        "[2, 3]", "[4, 5]", "outside axis 0");
    add(cases, "tensor", "slice past the end", IllegalArgumentException.class,
        () -> a23.slice(1, 2, 2), "jgrad::slice", "[2, 4)", "axis 1 of size 3");
    add(cases, "tensor", "indexSelect with an index out of range", IndexOutOfBoundsException.class,
        () -> a23.indexSelect(0, Tensor.indices(new int[] {0, 7})).toFloatArray(), "indexSelect", "index 7 at position 1", "valid indices are [0, 2)");
    add(cases, "tensor", "oneHot with a label out of range", IndexOutOfBoundsException.class,
        () -> Tensor.indices(new int[] {1, 12}).oneHot(10).toFloatArray(), "oneHot", "index 12 at position 1", "valid indices are [0, 10)");
    add(cases, "tensor", "indexSelect with float indices (16777217 is not a FLOAT32)",
        IllegalArgumentException.class,
        () -> a23.indexSelect(0, Tensor.of(new float[] {0, 1}, 2)).toFloatArray(),
        "jgrad::index_select", "input 1 (indices) is FLOAT32[2]", "must be INT32",
        "use Tensor.indices(...) or .to(DType.INT32)");
    add(cases, "tensor", "backward on a non-scalar", IllegalStateException.class,
        () -> Tensor.zeros(DType.FLOAT32, 2, 3).requiresGrad(true).mul(2).backward(),
        "needs a scalar", "[2, 3]", "reduce it first");
    add(cases, "tensor", "backward on a tensor that does not require grad",
        IllegalStateException.class, () -> a23.sum().backward(), "does not require grad",
        "requiresGrad(true)");
    add(cases, "tensor", "mixing dtypes", IllegalArgumentException.class,
        () -> a23.add(Tensor.zeros(DType.FLOAT64, 2, 3)), "jgrad::add: mixed dtypes FLOAT32[2, 3] and FLOAT64[2, 3]", "to(DType)");
    add(cases, "tensor", "a reduction over an axis the tensor lacks",
        IllegalArgumentException.class, () -> a23.sum(5, false), "jgrad::sum: axis 5 is out of range for shape [2, 3]");
    add(cases, "tensor", "reading a tensor its scope closed", IllegalStateException.class, () -> {
      Tensor t;
      try (TensorScope s = TensorScope.open()) {
        t = a23.add(1);
      }
      t.toFloatArray();
    }, "reading its values: FLOAT32[2, 3] was used after close", "scope.keep(tensor)");
    add(cases, "tensor", "a second backward through a freed graph", IllegalStateException.class,
        () -> {
          Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad(true);
          Tensor loss = x.mul(x).sum();
          loss.backward();
          loss.backward();
        }, "backward through the graph a second time", "backward(true)");
    add(cases, "tensor", "a saved input changed in place", IllegalStateException.class, () -> {
      Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad(true);
      Tensor w = Tensor.of(new double[] {3, 4});
      Tensor loss = x.mul(w).sum();
      w.assign(Tensor.of(new double[] {5, 6}));
      loss.backward();
    }, "jgrad::mul's input 1", "changed in place", "copy() it before");
  }

  // ---- IDX --------------------------------------------------------------------------------

  private static void idx(List<Case> cases) throws IOException {
    byte[] good = IdxWriter.toBytes(IdxArray.ofUnsignedBytes(new byte[] {1, 2, 3}, 3));
    addIdx(cases, "a truncated header", Arrays.copyOf(good, 6), "truncated at byte 6");
    byte[] magic = good.clone();
    magic[0] = 7;
    addIdx(cases, "bad magic", magic, "bad magic number at byte 0", "is this an IDX file?");
    byte[] dtype = good.clone();
    dtype[2] = 0x42;
    addIdx(cases, "an unknown dtype code", dtype, "unknown element type at byte 2: code 0x42");
    addIdx(cases, "dims overflowing", concat(header(0x08, 1 << 16, 1 << 16, 1 << 16)),
        "too large at byte 8", "more than 2 GiB");
    addIdx(cases, "data shorter than declared", Arrays.copyOf(good, good.length - 1),
        "truncated at byte 10: expected 3 bytes of data");
    addIdx(cases, "trailing garbage", concat(good, new byte[] {9}), "more data than the header declares at byte 11");
    addIdx(cases, "a gzip stream declaring far more than it holds",
        gzip(concat(header(0x08, 60000, 28, 28), new byte[100])), "truncated at byte 116",
        "expected 47040000 bytes", "found 100");
    add(cases, "idx", "a gzip bomb declaring more than the limit", IOException.class,
        () -> IdxReader.read(new java.io.ByteArrayInputStream(
            gzip(concat(header(0x08, 60000, 28, 28), new byte[100]))), "bomb.gz", 1 << 20),
        "bomb.gz", "byte");
    addIdx(cases, "a short file declaring a gigabyte",
        concat(header(0x08, 1000, 1024, 1024), new byte[10]),
        "truncated at byte 26: expected 1048576000 bytes of data", "found 10");
    addIdx(cases, "a two-byte .gz", new byte[] {0x1f, (byte) 0x8b},
        "truncated at byte 2: the gzip header is incomplete", "fetch the file again");
    add(cases, "idx", "images and labels of different counts", IOException.class, () -> {
      Path data = dir.resolve("counts");
      SyntheticMnist.write(data, 100, 50, 5, false);
      Path labels = data.resolve("train-labels-idx1-ubyte");
      Files.write(labels, IdxWriter.toBytes(IdxArray.ofUnsignedBytes(new byte[99], 99)));
      MnistFiles.load(data);
    }, "count mismatch at byte 4: declares 100 images", "declares 99 labels");
    add(cases, "idx", "a label out of range", IOException.class, () -> {
      Path data = dir.resolve("label-range");
      SyntheticMnist.write(data, 100, 50, 5, false);
      byte[] labels = new byte[50];
      labels[7] = 42;
      Files.write(data.resolve("t10k-labels-idx1-ubyte"),
          IdxWriter.toBytes(IdxArray.ofUnsignedBytes(labels, 50)));
      MnistFiles.load(data);
    }, "t10k-labels-idx1-ubyte: label out of range at byte 15: label 42 of image 7",
        "numClasses(n)");
  }

  private static void addIdx(List<Case> cases, String name, byte[] bytes, String... fragments) {
    add(cases, "idx", name, IOException.class, () -> {
      Path file = dir.resolve("idx-" + name.replace(' ', '-') + (isGzip(bytes) ? ".gz" : ""));
      Files.write(file, bytes);
      IdxReader.read(file);
    }, concat(new String[] {"idx-" + name.replace(' ', '-')}, fragments));
  }

  // ---- safetensors ------------------------------------------------------------------------

  private static void safetensors(List<Case> cases) {
    byte[] eight = new byte[8];
    // the 8-byte length is outside the checksums: the JSON gives the length it should say
    addSafe(cases, "a header length beyond the file", concat(le(1000), "{}".getBytes(UTF_8)),
        "damaged header length at byte 0: bytes 0 to 7 say the header is 1000 bytes, but its"
            + " JSON and padding take 2", "restore it from a copy");
    addSafe(cases, "a header length one byte short", lengthPlus(-1),
        "damaged header length at byte 0: bytes 0 to 7 say the header is", "restore it from a copy");
    addSafe(cases, "a header length reaching into the data", lengthPlus(4),
        "damaged header length at byte 0: bytes 0 to 7 say the header is", "restore it from a copy");
    addSafe(cases, "a header length splitting a UTF-8 character", splittingE(),
        "damaged header length at byte 0: bytes 0 to 7 say the header is", "restore it from a copy");
    addSafe(cases, "a header cut short by the end of the file",
        concat(le(1000), "{\"a\":".getBytes(UTF_8)), "header length out of range at byte 0",
        "1000 bytes but only 5 bytes follow", "restore it from a copy");
    addSafe(cases, "a header that is not JSON", withHeader("{\"a\":1,}", new byte[0]),
        "bad header at byte 15: malformed JSON");
    addSafe(cases, "an unknown dtype", withHeader(
        "{\"w\":{\"dtype\":\"F99\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight), "unknown dtype at byte 13: tensor 'w' has dtype \"F99\"");
    addSafe(cases, "a shape that does not match the bytes", withHeader(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}", eight),
        "size mismatch at byte 62: tensor 'w' has 8 bytes", "shape [4] F32 needs 16");
    addSafe(cases, "offsets beyond the data", withHeader(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", eight),
        "truncated at byte 71: tensor 'w' ends at data byte 16");
    addSafe(cases, "overlapping offsets", withHeader(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        new byte[16]), "overlapping data at byte 115: tensor 'b' begins at data byte 0");
    addSafe(cases, "a tensor with an empty name", withHeader(
        "{\"\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight),
        "bad tensor entry at byte 12: a tensor has an empty name");
    addSafe(cases, "a shape whose product overflows before its zero", withHeader(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,0],"
            + "\"data_offsets\":[0,0]}}", new byte[0]),
        "tensor too large at byte 13", "overflows 64 bits");
    addSafe(cases, "a number beyond a double", withHeader(
        "{\"w\":{\"dtype\":1e999,\"shape\":[2],\"data_offsets\":[0,8]}}", eight),
        "bad header at byte 22", "number 1e999 is beyond the range of a double");
    addSafe(cases, "a lone surrogate in a name", withHeader(
        "{\"w\\ud800\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight),
        "bad header at byte 9", "lone surrogate \\ud800");
    add(cases, "safetensors", "a checkpoint with a negative epoch", IllegalArgumentException.class,
        () -> {
      Sequential net = Mlp.builder().input(4).hidden(3).output(2).seed(1).build();
      Path file = dir.resolve("negative-epoch.safetensors");
      Checkpoint.save(file, net, null, 1, Map.of());
      var read = SafeTensors.read(file);
      Map<String, String> meta = new java.util.HashMap<>(read.metadata());
      meta.put(Checkpoint.EPOCH_KEY, "-1");
      SafeTensors.write(file, read.tensors(), meta);
      Checkpoint.load(file);
    }, "negative-epoch.safetensors", "metadata epoch='-1' is negative");
    add(cases, "safetensors", "a checkpoint missing a parameter", IllegalArgumentException.class,
        () -> {
      Sequential small = Mlp.builder().input(4).hidden(3).output(2).seed(1).build();
      Path file = dir.resolve("small.safetensors");
      Checkpoint.save(file, small, new Adam(small.namedParameters(), 0.01), 1, Map.of());
      Sequential bigger = Mlp.builder().input(4).hidden(3, 3).output(2).seed(1).build();
      Checkpoint.load(file).restoreModel(bigger);
    }, "small.safetensors", "has no tensors [4.bias, 4.weight]", "Build the same model");
    add(cases, "safetensors", "a checkpoint missing an optimizer slot",
        IllegalArgumentException.class, () -> {
      Sequential net = Mlp.builder().input(4).hidden(3).output(2).seed(1).build();
      Path file = dir.resolve("noslot.safetensors");
      Checkpoint.save(file, net, new Adam(net.namedParameters(), 0.01), 1, Map.of());
      var read = SafeTensors.read(file);
      var kept = read.tensors().stream()
          .filter(t -> !t.name().equals(Checkpoint.OPTIMIZER_PREFIX + "m.0.weight")).toList();
      assertEquals(read.tensors().size() - 1, kept.size());
      SafeTensors.write(file, kept, read.metadata());
      Checkpoint.load(file).restoreOptimizer(new Adam(net.namedParameters(), 0.01));
    }, "noslot.safetensors", "no slot 'm' of parameter '0.weight'", "resume from another");
    add(cases, "safetensors", "a checkpoint with a byte of a weight flipped",
        SafeTensorsFormatException.class, () -> Checkpoint.load(flippedCheckpoint("flipped",
            bytes -> bytes.length - 1, 0x01)), // the last tensor by dtype and name: 2.weight
        "flipped.safetensors: checksum mismatch at byte", "tensor '2.weight' (file bytes",
        "the file is damaged; restore it from a copy");
    // epoch 1 becomes 7: valid JSON, which resumed at the wrong epoch before the header's checksum
    add(cases, "safetensors", "a checkpoint with a digit of its epoch flipped",
        SafeTensorsFormatException.class, () -> Checkpoint.load(flippedCheckpoint("epoch-flipped",
            BadInputSuiteTest::epochDigit, 0x06)),
        "epoch-flipped.safetensors: checksum mismatch at byte 8: the header (bytes 8 to ",
        "the file is damaged; restore it from a copy");
    addSafe(cases, "a checksum list of the wrong length", withHeader(
        "{\"__metadata__\":{\"jgrad.crc32c\":\"00000000 00000000 00000000\"},"
            + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight),
        "bad metadata at byte 24: jgrad.crc32c lists 3 checksums but the file holds 1 tensor"
            + " (expected 1, or 2 with the header's)", "restore it from a copy");
    // a file without tensors used to carry no checksum: its flipped metadata loaded
    add(cases, "safetensors", "a file without tensors with a digit of its metadata flipped",
        SafeTensorsFormatException.class, () -> {
      Path file = dir.resolve("tensorless.safetensors");
      byte[] bytes = SafeTensors.toBytes(List.of(), Map.of("epoch", "3"));
      bytes[new String(bytes, ISO_8859_1).indexOf("\"3\"") + 1] ^= 0x04; // "3" becomes "7"
      Files.write(file, bytes);
      SafeTensors.read(file);
    }, "tensorless.safetensors: checksum mismatch at byte 8: the header (bytes 8 to ",
        "the file is damaged; restore it from a copy");
    add(cases, "safetensors", "a model file that is missing", NoSuchFileException.class,
        () -> Model.load(dir.resolve("missing-model.safetensors")),
        "missing-model.safetensors: no such file; check the path, or train and save a model first");
    add(cases, "safetensors", "a custom layer declaring a vector transposed in PyTorch",
        IllegalArgumentException.class, () -> TorchStateDict.save(
            dir.resolve("torch-layout.safetensors"), new TransposedBias()),
        "the model (TransposedBias) declares 'bias' transposed in PyTorch (TorchLayout) but it is"
            + " [3], not 2-D", "leave it out of transposedInTorch()");
  }

  /**
   * A small model's checkpoint of epoch 1, {@code name}.safetensors, with the byte at
   * {@code at(bytes)} xor {@code mask}.
   */
  private static Path flippedCheckpoint(String name, ToIntFunction<byte[]> at, int mask)
      throws IOException {
    Path file = dir.resolve(name + ".safetensors");
    Checkpoint.save(file, Mlp.builder().input(4).hidden(3).output(2).seed(1).build(), null, 1,
        Map.of());
    byte[] bytes = Files.readAllBytes(file);
    int i = at.applyAsInt(bytes);
    assertTrue(i >= 8 && i < bytes.length, "a byte of the file: " + i);
    bytes[i] ^= (byte) mask;
    Files.write(file, bytes);
    return file;
  }

  /** Where the digit of a checkpoint's epoch 1 is in its {@code bytes}. */
  private static int epochDigit(byte[] bytes) {
    String key = "\"" + Checkpoint.EPOCH_KEY + "\":\"";
    int at = new String(bytes, ISO_8859_1).indexOf(key + "1\""); // a char per byte
    assertTrue(at > 0, "the checkpoint's epoch is 1");
    return at + key.length();
  }

  /** A custom layer that declares its 1-D bias transposed in PyTorch, which has no transpose. */
  private static final class TransposedBias extends Module implements TorchLayout {
    TransposedBias() {
      registerParameter("bias", Tensor.zeros(DType.FLOAT32, 3));
    }

    @Override
    public Tensor forward(Tensor x) {
      return x.add(namedParameters().get("bias"));
    }

    @Override
    public Set<String> transposedInTorch() {
      return Set.of("bias");
    }
  }

  /** A jgrad file with a tensor and "café" in its metadata, its header length off by {@code d}. */
  private static byte[] lengthPlus(long d) {
    byte[] bytes = SafeTensors.toBytes(List.of(SafeTensor.ofFloats("w", Shape.of(2),
        new float[] {1, 2})), Map.of("name", "caf\u00e9"));
    ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    le.putLong(0, le.getLong(0) + d);
    return bytes;
  }

  /** {@link #lengthPlus}'s file, its header length ending between the two bytes of its "é". */
  private static byte[] splittingE() {
    byte[] bytes = lengthPlus(0);
    int e = new String(bytes, ISO_8859_1).indexOf("caf") + 3; // a char per byte
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, e + 1 - 8);
    return bytes;
  }

  private static void addSafe(List<Case> cases, String name, byte[] bytes, String... fragments) {
    add(cases, "safetensors", name, IOException.class, () -> {
      Path file = dir.resolve("st-" + name.replace(' ', '-') + ".safetensors");
      Files.write(file, bytes);
      SafeTensors.read(file);
    }, concat(new String[] {"st-" + name.replace(' ', '-')}, fragments));
  }

  // ---- command line -----------------------------------------------------------------------

  private static void commandLine(List<Case> cases) {
    String out = dir.resolve("cli-out").toString();
    usage(cases, "an unknown option", "unknown options: '--epoch', '1'; did you mean --epochs?",
        "--epoch", "1");
    usage(cases, "a number that is not one", "--epochs", "--epochs", "many");
    usage(cases, "a learning rate that is not a number", "--lr", "--lr", "fast");
    usage(cases, "an option without its value",
        "missing required parameter for option '--seed' (N)", "--seed");
    usage(cases, "a negative weight decay", "option '--weight-decay': '-1' is not a number >= 0",
        "--weight-decay", "-1");
    usage(cases, "a weight decay that is not a number", "'--weight-decay': 'NaN'",
        "--weight-decay", "NaN");
    usage(cases, "--hidden 0", "--hidden", "--hidden", "0");
    cli(cases, "--hidden 3000000", "a layer of 784 x 3000000", "--hidden", "3000000",
        "--epochs", "1", "--limit", "100", "--out", out);
    late(cases, "--batch larger than the data", "--batch 5000 is larger than the 100 training"
        + " images; use --batch 100 or less", "--batch", "5000", "--limit", "100",
        "--epochs", "1", "--out", out);
    late(cases, "--augment as large as the images", "--augment 28 would move the 28x28 images "
        + "out of themselves; give 0 to 27", "--augment", "28", "--limit", "100", "--epochs", "1",
        "--out", out);
    usage(cases, "a negative --augment", "option '--augment': '-1' is not a whole number >= 0",
        "--augment", "-1");
    late(cases, "--validation as large as the data", "--validation 100 would hold out all 100 "
        + "training images; give at most 99", "--validation", "100", "--limit", "100", "--out", out);
    usage(cases, "--rotate past half a turn", "--rotate 200.0: turn by 0 to 180 degrees",
        "--rotate", "200");
    usage(cases, "a --schedule that is none", "'--schedule': 'cos' is not a schedule; use "
        + "constant, cosine", "--schedule", "cos");
    usage(cases, "--schedule plateau without --validation", "--schedule plateau:2:0.5 watches "
        + "the validation loss; give --validation N too", "--schedule", "plateau:2:0.5");
    usage(cases, "--early-stopping without --validation", "--early-stopping 3 watches the "
        + "validation loss; give --validation N too", "--early-stopping", "3");
    cli(cases, "--data of a missing directory", "nowhere: not a directory", "--data",
        dir.resolve("nowhere").toString(), "--out", out);
    cli(cases, "--dataset of a name that is none", "'mnist' is neither a data set name"
        + " (mnist-embedded, fashion-mnist) nor an existing directory", "--dataset", "mnist",
        "--out", out);
    late(cases, "--limit beyond the data", "--limit 99999999 is more than the 8000 training"
        + " images of MNIST; give at most 8000", "--limit", "99999999", "--epochs", "1", "--out",
        out);
    cases.add(new Case("cli", "--dataset fashion-mnist not installed", () -> {
      String was = System.setProperty(DataSource.FASHION_DIR_PROPERTY,
          dir.resolve("no-fashion").toString());
      try {
        assertCliError(run("--dataset", "fashion-mnist", "--out", out), 1,
            "no-fashion does not exist", "apt-get install dataset-fashion-mnist", "--dataset DIR");
      } finally {
        if (was == null) {
          System.clearProperty(DataSource.FASHION_DIR_PROPERTY);
        } else {
          System.setProperty(DataSource.FASHION_DIR_PROPERTY, was);
        }
      }
    }));
    cli(cases, "predict --model of a missing file", "--model: " + dir.resolve("gone.safetensors")
        + ": no such file; check the path, or train and save a model first", "predict",
        "--model", dir.resolve("gone.safetensors").toString(), "digit.png");
    cli(cases, "--resume of a directory", "it is a directory", "--resume", dir.toString(),
        "--epochs", "1", "--limit", "100", "--out", out);
    cases.add(new Case("cli", "--resume of a pipe", () -> {
      Path fifo = dir.resolve("resume.fifo");
      Files.deleteIfExists(fifo);
      assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
      assertCliError(run("--resume", fifo.toString(), "--epochs", "1", "--limit", "100",
          "--out", out), 1, "it is not a regular file");
    }));
    cases.add(new Case("cli", "--resume below a file", () -> {
      Path file = dir.resolve("plain-file");
      Files.writeString(file, "x");
      assertCliError(run("--resume", file.resolve("ckpt.safetensors").toString(), "--epochs",
          "1", "--limit", "100", "--out", out), 1, "plain-file");
    }));
    cases.add(new Case("cli", "--resume of garbage", () -> {
      Path garbage = dir.resolve("garbage.safetensors");
      Files.write(garbage, "this is no checkpoint".getBytes(UTF_8));
      assertCliError(run("--resume", garbage.toString(), "--epochs", "1", "--limit", "100",
          "--out", out), 1, "garbage.safetensors", "byte");
    }));
    cases.add(new Case("cli", "--resume of a checkpoint of another model", () -> {
      Sequential other = Mlp.builder().input(784).hidden(5).output(10).seed(1).build();
      Path file = dir.resolve("other.safetensors");
      Checkpoint.save(file, other, new Adam(other.namedParameters(), 0.01), 1, Map.of());
      assertCliError(run("--resume", file.toString(), "--hidden", "7", "--epochs", "2",
          "--limit", "100", "--out", out), 1, "other.safetensors");
    }));
    cases.add(new Case("cli", "--resume of a checkpoint trained without --validation, with it",
        () -> {
          Path trained = dir.resolve("plain-run");
          assertEquals(0, run("--epochs", "1", "--limit", "100", "--out", trained.toString())
              .status());
          assertCliError(run("--resume", trained.resolve("checkpoint.safetensors").toString(),
              "--validation", "50", "--batch", "10", "--epochs", "2", "--limit", "100", "--out",
              out), 1,
              "was trained without --validation; resume it without --validation as well");
        }));
    cases.add(new Case("cli", "--data with a corrupt file", () -> {
      Path data = dir.resolve("corrupt-data");
      SyntheticMnist.write(data, 100, 50, 5, true);
      Path images = data.resolve("train-images-idx3-ubyte.gz");
      byte[] bytes = Files.readAllBytes(images);
      Files.write(images, Arrays.copyOf(bytes, bytes.length / 2));
      assertCliError(run("--data", data.toString(), "--epochs", "1", "--out", out), 1,
          "train-images-idx3-ubyte.gz", "byte");
    }));
  }

  private static void usage(List<Case> cases, String name, String fragment, String... args) {
    cases.add(new Case("cli", name, () -> assertCliError(run(args), 2, fragment)));
  }

  /** A bad option that only the data can refuse: one line, status 2 as any bad option. */
  private static void late(List<Case> cases, String name, String fragment, String... args) {
    cases.add(new Case("cli", name, () -> {
      MnistMainTest.Run run = run(args);
      assertCliError(run, 2, fragment);
      assertEquals(1, run.err().lines().count(), "one line: " + run.err());
    }));
  }

  private static void cli(List<Case> cases, String name, String fragment, String... args) {
    cases.add(new Case("cli", name, () -> assertCliError(run(args), 1, fragment)));
  }

  // ---- file system ------------------------------------------------------------------------

  private static void fileSystem(List<Case> cases) {
    cases.add(new Case("fs", "--out is a file", () -> {
      Path file = dir.resolve("out-is-a-file");
      Files.writeString(file, "x");
      assertCliError(run("--epochs", "1", "--limit", "100", "--out", file.toString()), 1,
          "--out: " + file + " is not a directory");
    }));
    cases.add(new Case("fs", "--out below a file", () -> {
      Path file = dir.resolve("a-file");
      Files.writeString(file, "x");
      assertCliError(run("--epochs", "1", "--limit", "100", "--out",
          file.resolve("sub").toString()), 1, "--out", "a-file/sub: Not a directory");
    }));
    cases.add(new Case("fs", "--out held by another run", () -> {
      Path out = dir.resolve("held");
      try (OutputLock first = OutputLock.acquire(out)) {
        assertCliError(run("--epochs", "1", "--limit", "100", "--out", out.toString()), 1,
            out + " is in use by another jgrad run (pid " + ProcessHandle.current().pid(),
            "choose another --out");
      }
    }));
    cases.add(new Case("fs", "--data of a file, not a directory", () -> {
      Path file = dir.resolve("data-file");
      Files.writeString(file, "x");
      assertCliError(run("--data", file.toString(), "--out", dir.resolve("o").toString()), 1,
          "data-file", "not a directory");
    }));
    cases.add(new Case("fs", "--data missing one file, with an odd name", () -> {
      Path data = dir.resolve("d\u00e4ta w\u00efth spaces");
      SyntheticMnist.write(data, 100, 50, 5, true);
      Files.delete(data.resolve("t10k-labels-idx1-ubyte.gz"));
      assertCliError(run("--data", data.toString(), "--epochs", "1", "--out",
          dir.resolve("o2").toString()), 1, data.toString(), "t10k-labels-idx1-ubyte");
    }));
    cases.add(new Case("fs", "a read-only --out", () -> {
      Path readOnly = dir.resolve("read-only");
      Files.createDirectories(readOnly);
      assertTrue(readOnly.toFile().setWritable(false, false));
      try {
        if (Files.isWritable(readOnly)) {
          // root writes anywhere: a directory under /proc stands in, which nobody can write
          assertCliError(run("--epochs", "1", "--limit", "100", "--out", "/proc/jgrad-out"), 1,
              "--out", "/proc/jgrad-out");
        } else {
          assertCliError(run("--epochs", "1", "--limit", "100", "--out", readOnly.toString()),
              1, "--out: cannot write in output directory " + readOnly);
        }
      } finally {
        readOnly.toFile().setWritable(true, false);
      }
    }));
  }

  // ---- the checks -------------------------------------------------------------------------

  private static void add(List<Case> cases, String area, String name,
      Class<? extends Throwable> type, Executable action, String... fragments) {
    cases.add(new Case(area, name, () -> {
      Throwable e = assertThrows(type, action, name);
      String message = e.getMessage();
      for (String f : fragments) {
        assertTrue(message != null && message.contains(f),
            name + ": the message should name '" + f + "': " + e);
      }
    }));
  }

  /**
   * Exit {@code status}; stderr's first line {@code error: ...} naming each fragment (and, for
   * status 1, the only line; 2 is a usage error, the usage follows); no stack frame, no exception
   * class name anywhere.
   */
  private static void assertCliError(MnistMainTest.Run run, int status, String... fragments) {
    assertEquals(status, run.status(), run.err());
    String first = run.err().lines().findFirst().orElse("");
    assertTrue(first.startsWith("error: "), run.err());
    if (status == 1) {
      assertEquals(1, run.err().lines().count(), "one line: " + run.err());
    }
    assertFalse(run.err().contains("\tat "), run.err());
    assertFalse(run.err().contains("Exception") || run.err().contains("java."), run.err());
    for (String f : fragments) {
      assertTrue(first.contains(f), "should name '" + f + "': " + first);
    }
    assertFalse(run.out().contains("epoch 1/"), "no training: " + run.out());
  }

  // ---- bytes ------------------------------------------------------------------------------

  private static byte[] header(int type, int... dims) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length);
    b.put(new byte[] {0, 0, (byte) type, (byte) dims.length});
    for (int d : dims) {
      b.putInt(d);
    }
    return b.array();
  }

  private static byte[] withHeader(String json, byte[] data) {
    byte[] h = json.getBytes(UTF_8);
    return concat(le(h.length), h, data);
  }

  private static byte[] le(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes);
    }
    return out.toByteArray();
  }

  private static boolean isGzip(byte[] bytes) {
    return bytes.length >= 2 && bytes[0] == 0x1f && bytes[1] == (byte) 0x8b;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
