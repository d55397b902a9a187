package dev.jgrad.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the IDX, MNIST-layout and safetensors readers: small valid files built here,
 * then mutants of them ({@link Mutator}, {@link JsonMutator}). Every read must either succeed with
 * a consistent result or throw the reader's {@link FileFormatException} subclass, one line that
 * names the file and the byte offset; never another throwable, a hang or an allocation the file
 * does not justify ({@link FuzzHarness}). A failure names the seed, the mutant and the mutation.
 * About 4,000 mutants, about a second.
 */
class ReaderFuzzTest {
  private static final long SEED = 0x5EED_F11E5L;

  @TempDir Path dir;

  // ---- IDX ----------------------------------------------------------------------------------

  /** 5 images of 4x3 ubyte pixels. */
  private static IdxArray images() {
    byte[] px = new byte[5 * 4 * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 37);
    }
    return IdxArray.ofUnsignedBytes(px, 5, 4, 3);
  }

  private static IdxArray labels() {
    return IdxArray.ofUnsignedBytes(new byte[] {3, 1, 4, 1, 5}, 5);
  }

  private static IdxArray floats() {
    return IdxArray.ofFloats(new float[] {1.5f, -2, 0, Float.NaN, 1e30f, -0f}, 2, 3);
  }

  /** The header's regions and fields: magic, type code, rank, each dimension, the data. */
  private static Mutator idxMutator(IdxArray a) {
    byte[] bytes = IdxWriter.toBytes(a);
    Mutator m = Mutator.of(bytes).boundaries(2, 3, 4)
        .field("the element type code", 2, 1, ByteOrder.BIG_ENDIAN)
        .field("the rank", 3, 1, ByteOrder.BIG_ENDIAN);
    for (int i = 0; i < a.rank(); i++) {
      m.boundaries(4 + 4 * i + 4).field("dimension " + i, 4 + 4 * i, 4, ByteOrder.BIG_ENDIAN);
    }
    return m;
  }

  @Test
  void rawIdxFilesReadBackExactlyOrFailWithFileAndOffset() throws IOException {
    fuzzIdx("raw images", images(), 500, false);
    fuzzIdx("raw labels", labels(), 250, false);
    fuzzIdx("raw floats", floats(), 250, false);
  }

  @Test
  void gzipIdxFilesReadBackExactlyOrFailWithFileAndOffset() throws IOException {
    // mutants of the decompressed bytes, then compressed: the header's fields reach the reader
    fuzzIdx("gzip of mutated images", images(), 300, true);
    fuzzIdx("gzip of mutated labels", labels(), 150, true);
    // mutants of the compressed bytes: gzip's own header, deflate blocks, CRC and length
    byte[] gz = IdxReaderTest.gzip(IdxWriter.toBytes(images()));
    Mutator m = Mutator.of(gz).boundaries(2, 3, 4, 8, 10, gz.length - 8, gz.length - 4)
        .field("the CRC", gz.length - 8, 4, ByteOrder.LITTLE_ENDIAN)
        .field("the length", gz.length - 4, 4, ByteOrder.LITTLE_ENDIAN)
        .field("the flags", 3, 1, ByteOrder.LITTLE_ENDIAN);
    FuzzHarness h = new FuzzHarness("IDX images.gz, compressed bytes mutated", SEED);
    IdxArray valid = images();
    String source = "images.idx3-ubyte.gz";
    for (Mutator.Mutant mutant : m.mutants(SEED, 400)) {
      h.run(mutant.index(), mutant.how(),
          () -> IdxReader.read(new ByteArrayInputStream(mutant.bytes()), source),
          // the CRC guards the data: what reads at all reads as written
          a -> assertEquals(valid, a, "a damaged gzip file read as other data"),
          FuzzHarness.formatError(IdxFormatException.class, source, -1));
    }
    h.assertNoFailures();
  }

  private static void fuzzIdx(String name, IdxArray valid, int count, boolean gzipped)
      throws IOException {
    FuzzHarness h = new FuzzHarness("IDX " + name, SEED);
    String source = name.replace(' ', '-') + (gzipped ? ".gz" : "");
    for (Mutator.Mutant mutant : idxMutator(valid).mutants(SEED, count)) {
      byte[] raw = mutant.bytes();
      byte[] bytes = gzipped ? IdxReaderTest.gzip(raw) : raw;
      // a small limit on every third read, so that "too large" is reached with plausible sizes
      long limit = mutant.index() % 3 == 0 ? 1 << 12 : IdxReader.DEFAULT_MAX_BYTES;
      h.run(mutant.index(), mutant.how(),
          () -> IdxReader.read(new ByteArrayInputStream(bytes), source, limit),
          // what reads is exactly the file: written back, the same bytes
          a -> assertArrayEquals(raw, IdxWriter.toBytes(a), "read as " + a),
          FuzzHarness.formatError(IdxFormatException.class, source, gzipped ? -1 : raw.length));
    }
    h.assertNoFailures();
  }

  // ---- the MNIST layout ---------------------------------------------------------------------

  @Test
  void mnistLayoutsLoadConsistentlyOrFailNamingTheFile() throws IOException {
    IdxArray testImages = IdxArray.ofUnsignedBytes(new byte[3 * 4 * 3], 3, 4, 3);
    IdxArray testLabels = IdxArray.ofUnsignedBytes(new byte[] {9, 0, 2}, 3);
    String[] names = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte.gz"};
    IdxArray[] arrays = {images(), labels(), testImages, testLabels};
    Mutator[] mutators = new Mutator[4];
    for (int f = 0; f < 4; f++) {
      mutators[f] = idxMutator(arrays[f]);
      writeIdx(dir.resolve(names[f]), IdxWriter.toBytes(arrays[f]));
    }
    assertEquals(5, MnistFiles.load(dir).train().size());
    FuzzHarness h = new FuzzHarness("MNIST layout", SEED);
    int count = 400;
    for (int index = 0; index < count; index++) {
      int f = index % 4;
      Mutator.Mutant mutant = mutators[f].mutant(SEED, index);
      Path file = dir.resolve(names[f]);
      writeIdx(file, mutant.bytes());
      MnistFiles.Loader loader = index % 8 < 4 ? MnistFiles.loader()
          : MnistFiles.loader().inferNumClasses();
      h.run(index, names[f] + ": " + mutant.how(), () -> loader.load(dir),
          ReaderFuzzTest::checkDataset, t -> namesTheDamagedFile(t, file));
      writeIdx(file, IdxWriter.toBytes(arrays[f]));
    }
    h.assertNoFailures();
  }

  /**
   * An IdxFormatException naming {@code file}: first, or after the file it was compared with
   * ("t10k-images: count mismatch at byte 4: declares 3 images ... but t10k-labels declares 9").
   */
  private static String namesTheDamagedFile(Throwable t, Path file) {
    String source = t instanceof FileFormatException e ? e.source() : file.toString();
    String why = FuzzHarness.formatError(IdxFormatException.class, source, -1).judge(t);
    return why != null ? why : t.getMessage().contains(file.toString()) ? null
        : "the message does not name the damaged file";
  }

  private static void writeIdx(Path file, byte[] raw) throws IOException {
    Files.write(file, file.toString().endsWith(".gz") ? IdxReaderTest.gzip(raw) : raw);
  }

  private static void checkDataset(MnistDataset d) {
    for (LabeledImages split : List.of(d.train(), d.test())) {
      assertEquals((long) split.size() * split.rows() * split.cols(), split.images().length);
      for (int y : split.labels()) {
        assertTrue(y >= 0 && y < d.numClasses(), "label " + y + " of " + d.numClasses());
      }
    }
    assertEquals(d.train().pixelsPerImage(), d.test().pixelsPerImage());
  }

  // ---- safetensors --------------------------------------------------------------------------

  /** F32, F64 and I64 tensors, a scalar, an empty tensor and metadata with a non-ASCII value. */
  private static byte[] validSafeTensors() {
    return SafeTensors.toBytes(List.of(
        SafeTensor.ofFloats("w", Shape.of(2, 3), new float[] {1, -2, 3.5f, 0, Float.NaN, 6}),
        SafeTensor.ofDoubles("b", Shape.of(3), new double[] {0.25, -1e300, Math.PI}),
        SafeTensor.ofFloats("scalar", Shape.of(), new float[] {7}),
        SafeTensor.ofFloats("empty", Shape.of(2, 0), new float[0]),
        SafeTensor.ofLongs("count", Shape.scalar(), new long[] {-(1L << 53)}),
        SafeTensor.ofLongs("ids", Shape.of(2), new long[] {1L << 53, 7})),
        Map.of("epoch", "3", "note", "gr\u00fc\u00df"));
  }

  @Test
  void safeTensorsFilesReadConsistentlyOrFailWithFileAndOffset() throws IOException {
    byte[] valid = validSafeTensors();
    int headerLength = (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Mutator m = Mutator.of(valid).boundaries(8, 8 + headerLength, 8 + headerLength + 8)
        .field("the header length", 0, 8, ByteOrder.LITTLE_ENDIAN);
    Path file = dir.resolve("fuzz.safetensors");
    FuzzHarness h = new FuzzHarness("safetensors bytes", SEED);
    for (Mutator.Mutant mutant : m.mutants(SEED, 700)) {
      readSafeTensors(h, file, mutant.index(), mutant.how(), mutant.bytes());
    }
    h.assertNoFailures();
  }

  @Test
  void safeTensorsHeadersEditedAsJsonReadConsistentlyOrFailWithFileAndOffset()
      throws IOException {
    byte[] valid = validSafeTensors();
    int headerLength = (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(valid, 8, headerLength, UTF_8).stripTrailing();
    byte[] data = Arrays.copyOfRange(valid, 8 + headerLength, valid.length);
    Path file = dir.resolve("json.safetensors");
    FuzzHarness h = new FuzzHarness("safetensors headers edited as JSON", SEED);
    List<JsonMutator.Edit> edits = JsonMutator.edits(header, SEED, 4, 400);
    for (int index = 0; index < edits.size(); index++) {
      byte[] json = edits.get(index).json().getBytes(UTF_8);
      // the new length, padded as writers pad, or the old one, which no longer fits
      int framing = index % 4;
      long length = framing == 3 ? headerLength : framing == 2 ? (json.length + 7) / 8 * 8
          : json.length;
      byte[] text = Arrays.copyOf(json, Math.max(json.length, (int) length));
      Arrays.fill(text, json.length, text.length, (byte) ' ');
      readSafeTensors(h, file, index, edits.get(index).how()
          + (framing == 3 ? " (old header length)" : ""),
          SafeTensorsTest.concat(SafeTensorsTest.le(length), text, data));
    }
    h.assertNoFailures();
  }

  private void readSafeTensors(FuzzHarness h, Path file, int index, String how, byte[] bytes)
      throws IOException {
    Files.write(file, bytes);
    h.run(index, how, () -> SafeTensors.read(file), f -> checkSafeTensors(f, bytes),
        FuzzHarness.formatError(SafeTensorsFormatException.class, file.toString(), bytes.length));
  }

  /** Each tensor's data fits its shape, the data tiles the file, and it writes back as read. */
  private void checkSafeTensors(SafeTensorsFile f, byte[] bytes) throws IOException {
    long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    long data = 0;
    for (SafeTensor t : f.tensors()) {
      long values = t.dtype() == DType.FLOAT32 ? t.floats().length : t.doubles().length;
      assertEquals(t.shape().size(), values, t.name());
      data += t.byteSize();
    }
    assertEquals(bytes.length - 8 - headerLength, data, "tensor bytes");
    Path copy = dir.resolve("again.safetensors");
    Files.write(copy, SafeTensors.toBytes(f.tensors(), f.metadata()));
    SafeTensorsFile back = SafeTensors.read(copy);
    assertEquals(f.metadata(), back.metadata());
    for (SafeTensor t : f.tensors()) {
      SafeTensor u = back.get(t.name());
      assertEquals(t.shape(), u.shape(), t.name());
      assertEquals(t.isInt64(), u.isInt64(), t.name());
      assertArrayEquals(t.toDoubleArray(), u.toDoubleArray(), t.name());
    }
  }
}
