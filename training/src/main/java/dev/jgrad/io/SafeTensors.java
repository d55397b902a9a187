package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.base.Utf8;
import com.google.common.math.LongMath;
import com.google.common.primitives.UnsignedBytes;
import dev.jgrad.api.DType;
import dev.jgrad.api.HostArrays;
import dev.jgrad.api.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Reads and writes the safetensors format (https://huggingface.co/docs/safetensors): an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON describing each tensor's dtype, shape and
 * data offsets (padded with spaces to a multiple of 8), then the tensors' little-endian data,
 * back to back. jgrad reads and writes F32, F64 and I64 tensors and string metadata, and reads
 * F16 and BF16 ones (half-precision PyTorch files) widened to F32, exactly
 * ({@link SafeTensor#fileDtype()} tells them apart); files load in PyTorch with
 * {@code safetensors.torch.load_file}. I64 (PyTorch's int64, as in BatchNorm's
 * {@code num_batches_tracked}) is read exactly, as long values and as FLOAT64 ones, and only
 * within +-2^53, where doubles are exact: a value beyond is refused naming the tensor
 * ({@link SafeTensor#ofLongs}).
 *
 * <p>Writing is atomic (see {@link AtomicFiles}): a crash or exception in the middle of a save
 * leaves the previous file intact. The layout is deterministic and the same as the reference
 * implementation's: tensors ordered I64, F64, then F32, then by name; metadata keys sorted.
 *
 * <p>Integrity: the files jgrad writes hold, in the metadata under {@value #CHECKSUM_KEY}, the
 * CRC32C of each tensor's data (computed as the data streams out, then written into the header)
 * and of the header itself; reading checks the header before it believes its entries and each
 * tensor as it is read, so a damaged file fails instead of loading wrong weights, a wrong
 * epoch or a wrong model description. Other readers (PyTorch's {@code load_file}) see one more
 * metadata entry; files without it (written by PyTorch, the {@code safetensors} package or an
 * older jgrad) read as before. The entry is the format's, not the caller's:
 * {@link SafeTensorsFile#metadata()} leaves it out, and writing refuses it.
 *
 * <p>Reading checks everything: the header length against the file size, the JSON, each dtype,
 * shape and offset pair, that the data of each tensor is exactly as long as its shape needs, that
 * the tensors cover the data section without gaps or overlaps, and the checksums. Problems raise
 * a {@link SafeTensorsFormatException} naming the file, the byte offset, the tensor and the fault.
 * The 8-byte length is outside the checksums: where a read fails and the file reads whole with
 * the length its JSON and padding give instead, the error is the damaged length, at byte 0.
 * A missing or unreadable file is a {@link java.nio.file.NoSuchFileException} or
 * {@link java.nio.file.AccessDeniedException} whose message names it and what to do.
 *
 * <pre>{@code
 * SafeTensors.write(Path.of("out/model.safetensors"),
 *     List.of(SafeTensor.ofFloats("fc1.weight", Shape.of(2, 3), new float[] {1, 2, 3, 4, 5, 6}),
 *             SafeTensor.ofFloats("fc1.bias", Shape.of(2), new float[] {0.5f, -0.5f})),
 *     Map.of("epoch", "3"));
 * SafeTensorsFile f = SafeTensors.read(Path.of("out/model.safetensors"));
 * f.get("fc1.bias").floats();          // {0.5, -0.5}
 * f.metadata().get("epoch");           // "3"
 * }</pre>
 */
public final class SafeTensors {
  /** The header key that holds the string-to-string metadata. */
  public static final String METADATA_KEY = "__metadata__";

  /**
   * The metadata key of the file's checksums, 8 lowercase hex digits each, separated by spaces:
   * the CRC32C of each tensor's data bytes, in the order of the data in the file, then last the
   * CRC32C of the header itself (its bytes from byte 8 to the data, padding included), computed
   * with this key's whole value held as the zeros it is first written as ("00000000" per value,
   * the spaces between them kept). Written in every file, one without tensors too (its list is
   * then the header's value alone; jgrad's earlier tensorless files have none). On reading, a
   * list of one value per tensor (jgrad's files before the header was covered) checks the
   * tensors, one more checks the header too, any other count is a format error.
   */
  public static final String CHECKSUM_KEY = "jgrad.crc32c";

  /** The reference implementation refuses larger headers; so do we, before allocating one. */
  static final long MAX_HEADER_BYTES = 100_000_000;

  private static final int CHUNK_BYTES = 1 << 16;

  /** What to do about a file whose layout is broken: jgrad's own files never are. */
  private static final String RESTORE =
      "; the file is damaged or not a safetensors file: restore it from a copy";

  /** Other dtypes of the format, recognised to give a better message than "unknown". */
  private static final Set<String> UNSUPPORTED_DTYPES = Set.of("BOOL", "U8", "I8", "U16", "I16",
      "U32", "I32", "U64", "C64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4",
      "F6_E2M3", "F6_E3M2");

  /** The dtypes read, in the reference's file order: its dtype enum's, last first. */
  private static final List<String> READ_DTYPES = List.of("I64", "F64", "F32");
  /** The 16-bit float dtypes, read widened to F32 (every value of theirs is a float). */
  private static final List<String> HALF_DTYPES = List.of("F16", "BF16");

  /** I64, F64, F32 (as the reference orders them: see {@link #READ_DTYPES}), then UTF-8 name. */
  private static final Comparator<SafeTensor> FILE_ORDER =
      Comparator.comparingInt((SafeTensor t) -> READ_DTYPES.indexOf(dtypeName(t)))
          .thenComparing(t -> t.name().getBytes(UTF_8), UnsignedBytes.lexicographicalComparator());

  private SafeTensors() {}

  /** Writes {@code tensors} without metadata to {@code file}, atomically. */
  public static void write(Path file, Collection<SafeTensor> tensors) throws IOException {
    write(file, tensors, Map.of());
  }

  /** Writes {@code tensors} and the string {@code metadata} to {@code file}, atomically. */
  public static void write(Path file, Collection<SafeTensor> tensors, Map<String, String> metadata)
      throws IOException {
    checkNotNull(file, "file is null; pass the path to write, e.g. out/model.safetensors");
    Layout layout = new Layout(tensors, metadata);
    AtomicFiles.writePatched(file, layout::writeTo);
  }

  /** The bytes of a safetensors file holding {@code tensors} and {@code metadata}. */
  public static byte[] toBytes(Collection<SafeTensor> tensors, Map<String, String> metadata) {
    Layout layout = new Layout(tensors, metadata);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AtomicFiles.Patch patch;
    try {
      patch = layout.writeTo(out);
    } catch (IOException e) {
      throw new AssertionError("ByteArrayOutputStream does not throw", e);
    }
    byte[] bytes = out.toByteArray();
    System.arraycopy(patch.bytes(), 0, bytes, (int) patch.position(), patch.bytes().length);
    return bytes;
  }

  /** Reads every tensor and the metadata of {@code file}. */
  public static SafeTensorsFile read(Path file) throws IOException {
    checkNotNull(file, "file is null; pass the path of a .safetensors file");
    try (FileChannel channel = RegularFile.open(file, "a .safetensors file")) {
      return new Reader(file.toString(), channel).read();
    }
  }

  /** "F32", "F64" or "I64", the names the format uses. */
  static String dtypeName(SafeTensor t) {
    return t.isInt64() ? "I64" : t.dtype() == DType.FLOAT32 ? "F32" : "F64";
  }

  /** The header and the order of the data, computed once before anything is written. */
  private static final class Layout {
    private final List<SafeTensor> ordered;
    private final byte[] header;
    /** Where in the file the checksums' placeholder begins. */
    private final long checksumsAt;
    /** The header's own CRC32C, the checksums' last value (see {@link HeaderChecksum}). */
    private final String headerChecksum;

    Layout(Collection<SafeTensor> tensors, Map<String, String> metadata) {
      checkNotNull(tensors, "tensors is null; pass a list of SafeTensor");
      checkNotNull(metadata, "metadata is null; pass Map.of() for none");
      ordered = new ArrayList<>(tensors);
      Set<String> names = new HashSet<>();
      for (SafeTensor t : ordered) {
        checkNotNull(t, "tensors contains null; pass only SafeTensor values");
        checkArgument(names.add(t.name()), "two tensors are named '%s'; names must be unique",
            t.name());
      }
      ordered.sort(FILE_ORDER);

      Map<String, Object> json = new LinkedHashMap<>();
      Map<String, Object> sorted = new TreeMap<>();
      metadata.forEach((k, v) -> {
        checkArgument(k != null && v != null,
            "metadata %s has a null key or value; pass strings only", metadata);
        checkArgument(!k.equals(CHECKSUM_KEY), "metadata key '%s' is the file's own (its"
            + " checksums, written and checked by SafeTensors); rename it", k);
        sorted.put(k, v);
      });
      // zeros of the checksums' width (each tensor's, then the header's), overwritten once the
      // data is written (see writeTo)
      String placeholder = String.join(" ", Collections.nCopies(ordered.size() + 1, "00000000"));
      sorted.put(CHECKSUM_KEY, placeholder);
      json.put(METADATA_KEY, new LinkedHashMap<>(sorted));
      long offset = 0;
      for (SafeTensor t : ordered) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("dtype", dtypeName(t));
        List<Object> shape = new ArrayList<>();
        for (int d : t.shape().dims()) {
          shape.add((long) d);
        }
        entry.put("shape", shape);
        entry.put("data_offsets", List.of(offset, offset + t.byteSize()));
        offset += t.byteSize();
        json.put(t.name(), entry);
      }
      byte[] text = JsonWriter.write(json).getBytes(UTF_8);
      // Pad with spaces so the data starts 8-byte aligned, as the reference does.
      int padded = (text.length + 7) / 8 * 8;
      header = Arrays.copyOf(text, padded);
      Arrays.fill(header, text.length, padded, (byte) ' ');
      int at = HeaderChecksum.valueAt(header);
      checkState(at >= 0, "checksum entry not found in the header");
      checksumsAt = 8L + at;
      headerChecksum = hex(HeaderChecksum.of(header));
    }

    /** Writes the file with zeros for the checksums, and returns them to write over those. */
    AtomicFiles.Patch writeTo(OutputStream out) throws IOException {
      ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      chunk.putLong(0, header.length);
      out.write(chunk.array(), 0, 8);
      out.write(header);
      List<String> checksums = new ArrayList<>();
      for (SafeTensor t : ordered) {
        CRC32C crc = new CRC32C();
        if (t.dtype() == DType.FLOAT32) {
          float[] data = t.floats(); // lazy tensors fetch their data here, one at a time
          writeChunks(out, chunk, crc, data.length, 4,
              (c, from, n) -> c.asFloatBuffer().put(data, from, n));
        } else if (t.isInt64()) {
          long[] data = t.longs();
          writeChunks(out, chunk, crc, data.length, 8,
              (c, from, n) -> c.asLongBuffer().put(data, from, n));
        } else {
          double[] data = t.doubles();
          writeChunks(out, chunk, crc, data.length, 8,
              (c, from, n) -> c.asDoubleBuffer().put(data, from, n));
        }
        checksums.add(hex(crc));
      }
      checksums.add(headerChecksum);
      return new AtomicFiles.Patch(checksumsAt, String.join(" ", checksums).getBytes(UTF_8));
    }

    /**
     * Writes {@code count} values of {@code size} bytes through {@code chunk}, a chunk a time,
     * adding them to {@code crc}.
     */
    private static void writeChunks(OutputStream out, ByteBuffer chunk, CRC32C crc, int count,
        int size, ChunkFill fill) throws IOException {
      for (int from = 0; from < count; from += CHUNK_BYTES / size) {
        int n = Math.min(CHUNK_BYTES / size, count - from);
        chunk.clear();
        fill.put(chunk, from, n);
        out.write(chunk.array(), 0, n * size);
        crc.update(chunk.array(), 0, n * size);
      }
    }

    /** Puts values {@code [from, from + n)} of one array into the chunk, little-endian. */
    @FunctionalInterface
    private interface ChunkFill {
      void put(ByteBuffer chunk, int from, int n);
    }
  }

  /** Reads and validates one file. */
  private static final class Reader {
    private final String source;
    private final FileChannel channel;
    private String headerText;
    private boolean headerAscii;
    private JsonReader parser;

    Reader(String source, FileChannel channel) {
      this.source = source;
      this.channel = channel;
    }

    /** "PK\3\4" read little-endian: a zip archive's first local file header. */
    private static final int ZIP_MAGIC = 0x04034b50;

    SafeTensorsFile read() throws IOException {
      long fileSize = channel.size();
      if (fileSize < 8) {
        throw error(fileSize, "truncated", "expected an 8-byte header length, found " + fileSize
            + " bytes; this is not a safetensors file, or an incomplete one");
      }
      long headerLength = readBytes(0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if ((int) headerLength == ZIP_MAGIC) { // what PyTorch users try first: torch.save's .pt
        throw error(0, "a zip archive, not safetensors", "torch.save writes such files (pickles)"
            + "; in PyTorch save the weights with safetensors.torch.save_file(state_dict, path)");
      }
      try {
        return read(headerLength, fileSize);
      } catch (SafeTensorsFormatException e) {
        throw damagedPrefix(headerLength, fileSize, e);
      }
    }

    /**
     * The checksums do not cover the 8-byte prefix: where a read fails, and the file reads whole
     * with the length its JSON gives ({@link HeaderLength}), the prefix is the damage, named as
     * such instead of what it broke (a cut header, data read as JSON, a header checksum taken
     * over the wrong bytes). Otherwise {@code failure} stands.
     */
    private SafeTensorsFormatException damagedPrefix(long said, long fileSize,
        SafeTensorsFormatException failure) throws IOException {
      long length = HeaderLength.ofJson(channel, fileSize, MAX_HEADER_BYTES);
      if (length < 0 || length == said) {
        return failure;
      }
      try {
        new Reader(source, channel).read(length, fileSize);
      } catch (SafeTensorsFormatException stillBad) {
        return failure;
      }
      return error(0, "damaged header length", "bytes 0 to 7 say the header is "
          + Long.toUnsignedString(said) + " bytes, but its JSON and padding take " + length
          + " (bytes 8 to " + (8 + length - 1) + "), with which the rest of the file reads"
          + " and checks whole: the file is damaged; restore it from a copy");
    }

    /** Reads the file whose header is {@code headerLength} bytes from byte 8. */
    private SafeTensorsFile read(long headerLength, long fileSize) throws IOException {
      if (headerLength < 0 || headerLength > fileSize - 8) {
        throw error(0, "header length out of range", "the header length is "
            + Long.toUnsignedString(headerLength) + " bytes but only " + (fileSize - 8)
            + " bytes follow; the file is truncated or not a safetensors file: restore it from"
            + " a copy");
      }
      if (headerLength > MAX_HEADER_BYTES) {
        throw error(0, "header too large", headerLength + " bytes, more than the "
            + MAX_HEADER_BYTES + " bytes the reference implementation allows");
      }
      ByteBuffer headerBytes = readBytes(8, (int) headerLength);
      byte[] rawHeader = headerBytes.array();
      Map<String, Object> header = parseHeader(headerBytes);
      long dataStart = 8 + headerLength;
      long dataLength = fileSize - dataStart;

      // The header's checksum first, before its entries are believed: a damaged shape or dtype
      // is then named as the damage it is, not as the mismatch it causes.
      boolean hasMetadata = header.containsKey(METADATA_KEY);
      Map<String, String> metadata =
          hasMetadata ? metadata(header.get(METADATA_KEY)) : new LinkedHashMap<>();
      long metadataAt = hasMetadata ? at(header.get(METADATA_KEY)) : 8;
      int tensorCount = header.size() - (hasMetadata ? 1 : 0);
      String listed = metadata.remove(CHECKSUM_KEY);
      long[] checksums = listed == null ? null : checksums(listed, tensorCount, metadataAt);
      if (checksums != null && checksums.length == tensorCount + 1) {
        checkHeader(rawHeader, checksums[tensorCount]);
      }

      List<Entry> entries = new ArrayList<>();
      for (Map.Entry<String, Object> e : header.entrySet()) {
        if (!e.getKey().equals(METADATA_KEY)) {
          entries.add(entry(e.getKey(), e.getValue(), dataStart));
        }
      }
      checkCoverage(entries, dataStart, dataLength); // sorts them into the data's order

      List<SafeTensor> tensors = new ArrayList<>();
      for (int i = 0; i < entries.size(); i++) {
        tensors.add(readTensor(entries.get(i), dataStart,
            checksums == null ? -1 : checksums[i], metadataAt));
      }
      return new SafeTensorsFile(source, tensors, metadata);
    }

    /**
     * The checksums entry (jgrad.crc32c): one CRC32C per tensor, in the data's order, and
     * perhaps the header's after them.
     */
    private long[] checksums(String listed, int tensors, long at) throws IOException {
      // by hand, not a regular expression, whose repeated group recurses per tensor
      boolean wellFormed = (listed.length() + 1) % 9 == 0 || listed.isEmpty();
      for (int i = 0; i < listed.length() && wellFormed; i++) {
        char c = listed.charAt(i);
        wellFormed = i % 9 == 8 ? c == ' ' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      }
      if (!wellFormed) {
        throw error(at, "bad metadata", CHECKSUM_KEY + " is not 8 hex digits per tensor,"
            + " separated by spaces: the file is damaged; restore it from a copy");
      }
      int count = (listed.length() + 1) / 9;
      if (count != tensors && count != tensors + 1) {
        throw error(at, "bad metadata", CHECKSUM_KEY + " lists " + count + " checksum"
            + (count == 1 ? "" : "s") + " but the file holds " + tensors + " tensor"
            + (tensors == 1 ? "" : "s") + " (expected " + tensors + ", or " + (tensors + 1)
            + " with the header's): the file is damaged; restore it from a copy");
      }
      long[] values = new long[count];
      for (int i = 0; i < count; i++) {
        values[i] = Long.parseLong(listed.substring(9 * i, 9 * i + 8), 16);
      }
      return values;
    }

    /** The header's bytes against its checksum (see {@link HeaderChecksum}). */
    private void checkHeader(byte[] rawHeader, long checksum) throws IOException {
      long actual = HeaderChecksum.of(rawHeader);
      if (actual != checksum) {
        throw error(8, "checksum mismatch", "the header (bytes 8 to " + (8L + rawHeader.length - 1)
            + ") has CRC32C " + hex(actual) + " but " + CHECKSUM_KEY + " says "
            + hex(checksum) + ": the file is damaged; restore it from a copy");
      }
    }

    private Map<String, Object> parseHeader(ByteBuffer bytes) throws IOException {
      CharsetDecoder decoder = UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      CharBuffer chars = CharBuffer.allocate(bytes.remaining());
      if (decoder.decode(bytes, chars, true).isError() || decoder.flush(chars).isError()) {
        throw error(8 + bytes.position(), "bad header", "the JSON header is not valid UTF-8"
            + RESTORE);
      }
      headerText = chars.flip().toString();
      headerAscii = headerText.chars().allMatch(c -> c < 0x80);
      if (headerText.isEmpty() || headerText.charAt(0) != '{') {
        throw error(8, "bad header", "the JSON header must start with '{'; this is not a"
            + " safetensors file");
      }
      parser = new JsonReader(headerText);
      try {
        @SuppressWarnings("unchecked") // a header starting with '{' parses to a map
        Map<String, Object> map = (Map<String, Object>) parser.parse();
        return map;
      } catch (JsonReader.ParseException e) {
        throw error(headerByte(e.charOffset), "bad header", "malformed JSON: " + e.getMessage()
            + RESTORE);
      }
    }

    private Map<String, String> metadata(Object value) throws IOException {
      if (!(value instanceof Map)) {
        throw error(8, "bad metadata", METADATA_KEY + " must be an object of strings, found "
            + JsonWriter.write(value));
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!(e.getValue() instanceof String)) {
          throw error(at(value), "bad metadata", "the value of "
              + JsonWriter.quote((String) e.getKey())
              + " is not a string; the format allows string values only");
        }
        metadata.put((String) e.getKey(), (String) e.getValue());
      }
      return metadata;
    }

    private Entry entry(String name, Object value, long dataStart) throws IOException {
      if (!(value instanceof Map)) {
        throw error(8, "bad tensor entry", "tensor '" + name + "' must be an object with dtype,"
            + " shape and data_offsets");
      }
      Map<?, ?> map = (Map<?, ?>) value;
      long at = at(map);
      if (name.isEmpty()) { // the format allows it; a SafeTensor (and a module's tensor) cannot
        throw error(at, "bad tensor entry", "a tensor has an empty name; name every tensor"
            + " when saving");
      }
      for (Object key : map.keySet()) {
        if (!Set.of("dtype", "shape", "data_offsets").contains(key)) {
          throw error(at, "bad tensor entry", "tensor '" + name + "' has unknown field "
              + JsonWriter.quote((String) key) + "; expected dtype, shape and data_offsets");
        }
      }
      String dtype = dtype(name, map.get("dtype"), at);
      long[] shape = longs(name, "shape", map.get("shape"), -1, at);
      long[] offsets = longs(name, "data_offsets", map.get("data_offsets"), 2, at);
      if (offsets[1] < offsets[0]) {
        throw error(at, "bad data_offsets", "tensor '" + name + "' has data_offsets "
            + Arrays.toString(offsets) + ": the end is before the begin");
      }
      // saturating: a hostile shape cannot overflow
      long expected = dtype.equals("F32") ? 4 : HALF_DTYPES.contains(dtype) ? 2 : 8;
      long elements = 1;
      int[] dims = new int[shape.length];
      for (int i = 0; i < shape.length; i++) {
        if (shape[i] > Integer.MAX_VALUE) {
          throw error(at, "tensor too large", "tensor '" + name + "' has dimension " + shape[i]
              + "; jgrad holds at most " + Integer.MAX_VALUE + " per dimension");
        }
        // Counted as Shape counts, left to right: [2^31-1, 2^31-1, 2^31-1, 0] overflows before
        // the 0 makes it empty, and Shape would throw an ArithmeticException (the reference
        // refuses such a shape too).
        if (shape[i] != 0 && elements > Long.MAX_VALUE / shape[i]) {
          throw error(at, "tensor too large", "tensor '" + name + "' has shape "
              + Arrays.toString(shape) + ", whose product overflows 64 bits before its end");
        }
        elements *= shape[i];
        dims[i] = (int) shape[i];
        expected = LongMath.saturatedMultiply(expected, shape[i]);
      }
      long actual = offsets[1] - offsets[0];
      if (actual != expected) {
        throw error(dataStart + offsets[0], "size mismatch", "tensor '" + name + "' has "
            + actual + " bytes (data_offsets " + Arrays.toString(offsets) + ") but shape "
            + Arrays.toString(shape) + " " + dtype + " needs " + expected);
      }
      if (expected > Integer.MAX_VALUE - 8) {
        throw error(dataStart + offsets[0], "tensor too large", "tensor '" + name + "' has "
            + expected + " bytes, more than one Java array holds; split it when saving");
      }
      return new Entry(name, dtype, Shape.of(dims), offsets[0], offsets[1]);
    }

    /** "F32", "F64", "I64", "F16" or "BF16". */
    private String dtype(String name, Object value, long at) throws IOException {
      if (value instanceof String s && (READ_DTYPES.contains(s) || HALF_DTYPES.contains(s))) {
        return s;
      } else if (value instanceof String && UNSUPPORTED_DTYPES.contains(value)) {
        throw error(at, "unsupported dtype", "tensor '" + name + "' is " + value + "; jgrad reads"
            + " F32, F64, I64, F16 and BF16 only: convert the tensor when saving (in PyTorch:"
            + " t.float())");
      }
      throw error(at, "unknown dtype", "tensor '" + name + "' has dtype "
          + (value == null ? "missing" : JsonWriter.write(value))
          + "; expected \"F32\", \"F64\", \"I64\", \"F16\" or \"BF16\"");
    }

    private long[] longs(String name, String field, Object value, int length, long at)
        throws IOException {
      if (!(value instanceof List)) {
        throw error(at, "bad " + field, "tensor '" + name + "' has " + (value == null
            ? "no " + field : "a " + field + " that is not an array of integers"));
      }
      List<?> list = (List<?>) value;
      if (length >= 0 && list.size() != length) {
        throw error(at, "bad " + field, "tensor '" + name + "' has " + list.size() + " "
            + field + ", expected " + length);
      }
      long[] out = new long[list.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(list.get(i) instanceof Long) || (Long) list.get(i) < 0) {
          throw error(at, "bad " + field, "tensor '" + name + "' has " + field + " " + list
              + "; every entry must be a non-negative integer");
        }
        out[i] = (Long) list.get(i);
      }
      return out;
    }

    /** The tensors must tile the data section exactly: no gap, no overlap, nothing after. */
    private void checkCoverage(List<Entry> entries, long dataStart, long dataLength)
        throws IOException {
      entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
      long covered = 0;
      String previous = null;
      for (Entry e : entries) {
        if (e.begin() != covered) {
          String problem = e.begin() > covered ? "gap in data" : "overlapping data";
          throw error(dataStart + Math.min(e.begin(), covered), problem, "tensor '" + e.name()
              + "' begins at data byte " + e.begin() + " but " + (previous == null
                  ? "the first tensor must begin at 0"
                  : "the previous tensor '" + previous + "' ends at " + covered)
              + "; the tensors must cover the data section back to back" + RESTORE);
        }
        if (e.end() > dataLength) {
          throw error(dataStart + dataLength, "truncated", "tensor '" + e.name() + "' ends at"
              + " data byte " + e.end() + " but the data section has only " + dataLength
              + " bytes" + RESTORE);
        }
        covered = e.end();
        previous = e.name();
      }
      if (covered != dataLength) {
        throw error(dataStart + covered, "trailing garbage", (dataLength - covered) + " bytes"
            + (previous == null ? " after the header, which lists no tensor"
                : " after the last tensor '" + previous + "'")
            + "; the tensors must cover the data section exactly" + RESTORE);
      }
    }

    /** Reads {@code e}'s data once, checking it against {@code checksum} unless that is -1. */
    private SafeTensor readTensor(Entry e, long dataStart, long checksum, long metadataAt)
        throws IOException {
      ByteBuffer bytes = readBytes(dataStart + e.begin(), (int) (e.end() - e.begin()))
          .order(ByteOrder.LITTLE_ENDIAN);
      if (checksum >= 0) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        if (crc.getValue() != checksum) {
          long from = dataStart + e.begin();
          // an empty tensor has no bytes to damage: its checksum is what changed
          throw error(e.end() > e.begin() ? from : metadataAt, "checksum mismatch", "tensor '"
              + e.name() + "' (" + (e.end() > e.begin() ? "file bytes " + from + " to "
                  + (dataStart + e.end() - 1) : "no bytes") + ") has CRC32C " + hex(crc)
              + " but " + CHECKSUM_KEY + " says " + hex(checksum)
              + ": the file is damaged; restore it from a copy");
        }
      }
      Supplier<String> where = () -> "reading tensor '" + e.name() + "' of " + source;
      if (e.dtype().equals("F32")) {
        float[] data = HostArrays.floats(bytes.remaining() / 4, where);
        bytes.asFloatBuffer().get(data);
        return SafeTensor.ofFloats(e.name(), e.shape(), data);
      } else if (HALF_DTYPES.contains(e.dtype())) {
        float[] data = new float[bytes.remaining() / 2];
        boolean bf16 = e.dtype().equals("BF16");
        for (int i = 0; i < data.length; i++) {
          short bits = bytes.getShort(2 * i);
          data[i] = bf16 ? HalfFloats.bf16ToFloat(bits) : HalfFloats.f16ToFloat(bits);
        }
        return SafeTensor.widened(e.name(), e.shape(), data, e.dtype());
      } else if (e.dtype().equals("I64")) {
        long[] data = new long[bytes.remaining() / 8];
        bytes.asLongBuffer().get(data);
        for (int i = 0; i < data.length; i++) {
          if (!SafeTensor.isExact(data[i])) {
            throw error(dataStart + e.begin() + 8L * i, "value out of range",
                SafeTensor.outOfRange(e.name(), i, data[i]));
          }
        }
        return SafeTensor.ofLongs(e.name(), e.shape(), data);
      }
      double[] data = HostArrays.doubles(bytes.remaining() / 8, where);
      bytes.asDoubleBuffer().get(data);
      return SafeTensor.ofDoubles(e.name(), e.shape(), data);
    }

    private ByteBuffer readBytes(long position, int length) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap((byte[]) HostArrays.newArray(DType.UINT8, length,
          () -> "reading " + length + " bytes of " + source));
      while (buf.hasRemaining()) {
        int n = channel.read(buf, position + buf.position());
        if (n < 0) {
          throw error(position + buf.position(), "truncated", "expected " + length
              + " bytes from byte " + position + "; the file shrank while being read");
        }
      }
      return buf.flip();
    }

    /** File offset of a header object. */
    private long at(Object map) {
      int charOffset = parser.offsetOf(map);
      return charOffset < 0 ? 8 : headerByte(charOffset);
    }

    /**
     * File offset of the header's character {@code charOffset}. Every tensor entry asks for its
     * own, so an all-ASCII header (jgrad's and PyTorch's) answers without measuring the text
     * before it: measured each time, reading took the square of the header's size (a file of
     * 20,000 tensors: 11.8 s).
     */
    private long headerByte(int charOffset) {
      if (headerAscii) {
        return 8 + charOffset;
      }
      return 8 + Utf8.encodedLength(headerText.subSequence(0, charOffset));
    }

    private SafeTensorsFormatException error(long offset, String problem, String detail) {
      return new SafeTensorsFormatException(source, offset, problem, detail);
    }
  }

  /** {@code crc}'s value as 8 lowercase hex digits. */
  private static String hex(CRC32C crc) {
    return hex(crc.getValue());
  }

  /** A CRC32C value as 8 lowercase hex digits. */
  private static String hex(long crc) {
    return String.format("%08x", crc);
  }

  /** A validated header entry. */
  private record Entry(String name, String dtype, Shape shape, long begin, long end) {}
}
