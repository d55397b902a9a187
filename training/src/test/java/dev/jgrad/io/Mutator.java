package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Seeded mutants of one valid file, for the reader fuzz tests: bits flipped, bytes overwritten
 * with the values at the edges of signed and unsigned ranges (0x00, 0xFF, 0x7F, 0x80), the file
 * cut at each region boundary and at random points, bytes inserted and deleted, and the
 * header's length, count and dimension fields set to values a reader might trust (zero, one off,
 * negative as signed, huge). Mutant {@code i} is a function of the seed and {@code i} alone, so
 * a failure reproduces from the two, and its {@link Mutant#how()} says what was done.
 *
 * <pre>{@code
 * Mutator m = Mutator.of(valid).boundaries(4, 16).field("dim 0", 4, 4, ByteOrder.BIG_ENDIAN);
 * for (Mutant bad : m.mutants(SEED, 500)) {  // the cuts at 0, 4 and 16, then 500 more
 *   read(bad.bytes());                        // bad.how(): "flip bit 3 of byte 17"
 * }
 * }</pre>
 */
public final class Mutator {
  /** The byte values at the edges of signed and unsigned ranges. */
  static final byte[] EDGE_BYTES = {0x00, (byte) 0xFF, 0x7F, (byte) 0x80};

  /** One mutant: its bytes and how they were made from the valid file. */
  public record Mutant(int index, byte[] bytes, String how) {}

  /** A header field: its name, where it is, its width (1, 4 or 8 bytes) and byte order. */
  private record Field(String name, int offset, int width, ByteOrder order) {}

  private final byte[] valid;
  private final TreeSet<Integer> boundaries = new TreeSet<>();
  private final List<Field> fields = new ArrayList<>();

  private Mutator(byte[] valid) {
    this.valid = valid.clone();
    boundaries.add(0);
    boundaries.add(valid.length);
  }

  /** Mutants of {@code valid} (copied). */
  public static Mutator of(byte[] valid) {
    return new Mutator(valid);
  }

  /** Offsets where one region of the file ends and the next begins. */
  public Mutator boundaries(int... offsets) {
    for (int at : offsets) {
      checkArgument(at >= 0 && at <= valid.length, "boundary %s is outside the file", at);
      boundaries.add(at);
    }
    return this;
  }

  /** A length, count or dimension field whose value mutants replace. */
  public Mutator field(String name, int offset, int width, ByteOrder order) {
    checkArgument(width == 1 || width == 4 || width == 8, "width %s: fields are 1, 4 or 8 bytes",
        width);
    checkArgument(offset >= 0 && offset + width <= valid.length, "field %s is outside the file",
        name);
    fields.add(new Field(name, offset, width, order));
    return this;
  }

  /** The file cut at every region boundary and one byte either side of it. */
  public List<Mutant> truncations() {
    TreeSet<Integer> cuts = new TreeSet<>();
    for (int b : boundaries) {
      for (int at = b - 1; at <= b + 1; at++) {
        if (at >= 0 && at < valid.length) {
          cuts.add(at);
        }
      }
    }
    List<Mutant> out = new ArrayList<>();
    for (int at : cuts) {
      out.add(new Mutant(-1 - out.size(), Arrays.copyOf(valid, at),
          "truncate to " + at + " of " + valid.length + " bytes"));
    }
    return out;
  }

  /** The {@link #truncations()}, then mutants 0 to {@code count - 1} of the stream {@code seed}. */
  public List<Mutant> mutants(long seed, int count) {
    List<Mutant> all = truncations();
    for (int i = 0; i < count; i++) {
      all.add(mutant(seed, i));
    }
    return all;
  }

  /** Mutant {@code index} of the stream {@code seed}: one to three mutations of the file. */
  public Mutant mutant(long seed, int index) {
    SplittableRandom r = random(seed, index);
    byte[] bytes = valid.clone();
    StringBuilder how = new StringBuilder();
    int count = r.nextInt(8) == 0 ? 2 + r.nextInt(2) : 1;
    for (int i = 0; i < count; i++) {
      how.append(i == 0 ? "" : ", then ");
      bytes = mutateOnce(bytes, r, how);
    }
    return new Mutant(index, bytes, how.toString());
  }

  /** The random of mutant {@code index}: the same for the same seed and index, whatever ran. */
  public static SplittableRandom random(long seed, int index) {
    return new SplittableRandom(seed ^ Long.rotateLeft(0x9E3779B97F4A7C15L * (index + 1), 29));
  }

  private byte[] mutateOnce(byte[] b, SplittableRandom r, StringBuilder how) {
    if (b.length == 0) {
      how.append("empty file");
      return b;
    }
    int kind = r.nextInt(fields.isEmpty() ? 9 : 12);
    switch (kind) {
      case 0: {
        int at = r.nextInt(b.length);
        int bit = r.nextInt(8);
        b[at] ^= (byte) (1 << bit);
        how.append("flip bit ").append(bit).append(" of byte ").append(at);
        return b;
      }
      case 1: {
        int n = 2 + r.nextInt(7);
        how.append("flip ").append(n).append(" bits at bytes");
        for (int i = 0; i < n; i++) {
          int at = r.nextInt(b.length);
          b[at] ^= (byte) (1 << r.nextInt(8));
          how.append(' ').append(at);
        }
        return b;
      }
      case 2: {
        int at = r.nextInt(b.length);
        byte v = EDGE_BYTES[r.nextInt(EDGE_BYTES.length)];
        b[at] = v;
        how.append(String.format("set byte %d to 0x%02X", at, v & 0xFF));
        return b;
      }
      case 3: {
        int at = r.nextInt(b.length);
        int n = Math.min(b.length - at, 1 + r.nextInt(8));
        byte v = EDGE_BYTES[r.nextInt(EDGE_BYTES.length)];
        Arrays.fill(b, at, at + n, v);
        how.append(String.format("set bytes %d..%d to 0x%02X", at, at + n - 1, v & 0xFF));
        return b;
      }
      case 4: {
        int at = r.nextInt(b.length);
        how.append("truncate to ").append(at).append(" bytes");
        return Arrays.copyOf(b, at);
      }
      case 5: {
        int at = Math.min(nearBoundary(r, b.length), b.length - 1); // shorter, not the same
        how.append("truncate to ").append(at).append(" bytes (a boundary)");
        return Arrays.copyOf(b, at);
      }
      case 6: {
        int at = r.nextBoolean() ? nearBoundary(r, b.length) : r.nextInt(b.length + 1);
        byte[] extra = new byte[1 + r.nextInt(r.nextBoolean() ? 4 : 16)];
        if (r.nextBoolean()) {
          r.nextBytes(extra);
        } else {
          Arrays.fill(extra, EDGE_BYTES[r.nextInt(EDGE_BYTES.length)]);
        }
        how.append("insert ").append(extra.length).append(" bytes at ").append(at);
        return splice(b, at, 0, extra);
      }
      case 7: {
        int at = Math.min(r.nextBoolean() ? nearBoundary(r, b.length) : r.nextInt(b.length),
            b.length - 1);
        int n = Math.min(b.length - at, 1 + r.nextInt(r.nextBoolean() ? 4 : 16));
        how.append("delete ").append(n).append(" bytes at ").append(at);
        return splice(b, at, n, new byte[0]);
      }
      case 8: {
        int at = r.nextInt(b.length);
        byte v = (byte) r.nextInt(256);
        b[at] = v;
        how.append(String.format("set byte %d to 0x%02X", at, v & 0xFF));
        return b;
      }
      default:
        return setField(b, fields.get(r.nextInt(fields.size())), r, how);
    }
  }

  /** A boundary, or one byte either side of it, within {@code 0..length}. */
  private int nearBoundary(SplittableRandom r, int length) {
    Integer[] all = boundaries.toArray(new Integer[0]);
    int at = all[r.nextInt(all.length)] + r.nextInt(3) - 1;
    return Math.max(0, Math.min(length, at));
  }

  private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
    byte[] out = new byte[b.length - remove + insert.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
    return out;
  }

  private static byte[] setField(byte[] b, Field f, SplittableRandom r, StringBuilder how) {
    if (f.offset() + f.width() > b.length) {
      how.append("field ").append(f.name()).append(" is gone");
      return b;
    }
    ByteBuffer buf = ByteBuffer.wrap(b).order(f.order());
    long value;
    if (f.width() == 1) {
      long[] values = {0, 1, 2, 3, 4, 5, 8, 9, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x7F, 0x80, 0xFF};
      value = values[r.nextInt(values.length)];
      buf.put(f.offset(), (byte) value);
    } else if (f.width() == 4) {
      long old = buf.getInt(f.offset()) & 0xFFFFFFFFL;
      long[] values = {0, 1, 2, 0xFFFFFFFFL, 0x7FFFFFFFL, 0x80000000L, 0x7FFFFFFEL, old - 1,
          old + 1, old * 2, old << 8, 1 << 16, 1 << 24, 1 << 26, 0x3FFFFFFFL, 0x40000000L,
          r.nextLong(1L << 32)};
      value = values[r.nextInt(values.length)] & 0xFFFFFFFFL;
      buf.putInt(f.offset(), (int) value);
    } else {
      long old = buf.getLong(f.offset());
      long[] values = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, old - 1, old + 1, old - 8,
          old + 8, b.length - 8, b.length - 7, Integer.MAX_VALUE, 1L << 31, 1L << 32,
          100_000_000, 100_000_001, r.nextLong()};
      value = values[r.nextInt(values.length)];
      buf.putLong(f.offset(), value);
    }
    how.append("set ").append(f.name()).append(" to ").append(value)
        .append(String.format(" (0x%X)", value));
    return b;
  }
}
