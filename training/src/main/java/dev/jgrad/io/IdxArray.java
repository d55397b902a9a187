package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.jgrad.api.HostArrays;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The content of one IDX file: element type, dimensions and the elements in row-major order.
 * Immutable; the elements are kept as the file's big-endian bytes and converted on request.
 *
 * <pre>{@code
 * IdxArray images = IdxReader.read(Path.of("data/train-images-idx3-ubyte.gz"));
 * images.dims();          // [60000, 28, 28]
 * images.type();          // UBYTE
 * float[] px = images.toFloatArray();   // 0..255 as floats
 *
 * IdxArray labels = IdxArray.ofUnsignedBytes(new byte[] {5, 0, 4}, 3);
 * }</pre>
 */
public final class IdxArray {
  /** Ranks the IDX readers in the wild agree on; the format itself would allow up to 255. */
  public static final int MAX_RANK = 4;

  private final IdxType type;
  private final int[] dims;
  private final int size;
  private final byte[] bigEndian;

  /** Takes ownership of {@code bigEndian}; callers check it holds size * byteSize bytes. */
  IdxArray(IdxType type, int[] dims, byte[] bigEndian) {
    this.type = type;
    this.dims = dims;
    this.size = checkedSize(type, dims);
    checkArgument(bigEndian.length == (long) size * type.byteSize(),
        "%s bytes given for %s elements of %s; pass exactly size * %s bytes",
        bigEndian.length, size, type, type.byteSize());
    this.bigEndian = bigEndian;
  }

  /** Unsigned bytes 0..255 (IDX type 0x08, as MNIST images and labels); byte -1 means 255. */
  public static IdxArray ofUnsignedBytes(byte[] data, int... dims) {
    checkNotNull(data, "data is null");
    return new IdxArray(IdxType.UBYTE, checkedDims(dims, data.length), data.clone());
  }

  /** Signed bytes -128..127 (IDX type 0x09). */
  public static IdxArray ofBytes(byte[] data, int... dims) {
    checkNotNull(data, "data is null");
    return new IdxArray(IdxType.BYTE, checkedDims(dims, data.length), data.clone());
  }

  /** 16-bit signed integers (IDX type 0x0B). */
  public static IdxArray ofShorts(short[] data, int... dims) {
    checkNotNull(data, "data is null");
    return encode(IdxType.SHORT, data.length, dims, buf -> buf.asShortBuffer().put(data));
  }

  /** 32-bit signed integers (IDX type 0x0C). */
  public static IdxArray ofInts(int[] data, int... dims) {
    checkNotNull(data, "data is null");
    return encode(IdxType.INT, data.length, dims, buf -> buf.asIntBuffer().put(data));
  }

  /** 32-bit floats (IDX type 0x0D). */
  public static IdxArray ofFloats(float[] data, int... dims) {
    checkNotNull(data, "data is null");
    return encode(IdxType.FLOAT, data.length, dims, buf -> buf.asFloatBuffer().put(data));
  }

  /** 64-bit floats (IDX type 0x0E). */
  public static IdxArray ofDoubles(double[] data, int... dims) {
    checkNotNull(data, "data is null");
    return encode(IdxType.DOUBLE, data.length, dims, buf -> buf.asDoubleBuffer().put(data));
  }

  /** Big-endian bytes of {@code length} elements that {@code put} writes into a buffer. */
  private static IdxArray encode(IdxType type, int length, int[] dims, Consumer<ByteBuffer> put) {
    int[] d = checkedDims(dims, length);
    checkedSize(type, d);
    ByteBuffer buf = ByteBuffer.allocate(length * type.byteSize()); // big-endian by default
    put.accept(buf);
    return new IdxArray(type, d, buf.array());
  }

  /** The element type, as the file declared it. */
  public IdxType type() {
    return type;
  }

  /** The dimensions, outermost first, e.g. [60000, 28, 28] for the MNIST training images. */
  public int[] dims() {
    return dims.clone();
  }

  /** Dimension {@code axis} (0 is outermost); out of range is an IllegalArgumentException. */
  public int dim(int axis) {
    checkArgument(axis >= 0 && axis < dims.length, "axis %s is out of range for rank %s",
        axis, dims.length);
    return dims[axis];
  }

  /** Number of dimensions (1 for labels, 3 for MNIST images). */
  public int rank() {
    return dims.length;
  }

  /** Number of elements: the product of the dimensions. */
  public int size() {
    return size;
  }

  /** The elements as floats: ubyte 0..255, byte -128..127, and so on (double is narrowed). */
  public float[] toFloatArray() {
    float[] out = HostArrays.floats(size, () -> "in toFloatArray() of " + describe());
    ByteBuffer buf = ByteBuffer.wrap(bigEndian);
    switch (type) {
      case UBYTE:
        for (int i = 0; i < size; i++) {
          out[i] = bigEndian[i] & 0xFF;
        }
        break;
      case FLOAT:
        buf.asFloatBuffer().get(out);
        break;
      case DOUBLE:
        for (int i = 0; i < size; i++) {
          out[i] = (float) buf.getDouble(i * 8);
        }
        break;
      default:
        int[] ints = toIntArray();
        for (int i = 0; i < size; i++) {
          out[i] = ints[i];
        }
    }
    return out;
  }

  /** The elements as doubles, exactly. */
  public double[] toDoubleArray() {
    double[] out = HostArrays.doubles(size, () -> "in toDoubleArray() of " + describe());
    if (type == IdxType.DOUBLE) {
      ByteBuffer.wrap(bigEndian).asDoubleBuffer().get(out);
    } else if (type == IdxType.FLOAT) {
      ByteBuffer buf = ByteBuffer.wrap(bigEndian);
      for (int i = 0; i < size; i++) {
        out[i] = buf.getFloat(i * 4);
      }
    } else {
      int[] ints = toIntArray();
      for (int i = 0; i < size; i++) {
        out[i] = ints[i];
      }
    }
    return out;
  }

  /** The elements of an integer type as ints; ubyte gives 0..255. */
  public int[] toIntArray() {
    checkState(type.isIntegral(),
        "%s holds %s elements; call toFloatArray() or toDoubleArray() instead", describe(), type);
    int[] out = HostArrays.ints(size, () -> "in toIntArray() of " + describe());
    ByteBuffer buf = ByteBuffer.wrap(bigEndian);
    switch (type) {
      case UBYTE:
        for (int i = 0; i < size; i++) {
          out[i] = bigEndian[i] & 0xFF;
        }
        break;
      case BYTE:
        for (int i = 0; i < size; i++) {
          out[i] = bigEndian[i];
        }
        break;
      case SHORT:
        for (int i = 0; i < size; i++) {
          out[i] = buf.getShort(i * 2);
        }
        break;
      default: // INT
        buf.asIntBuffer().get(out);
    }
    return out;
  }

  /** A copy of the elements as stored in an IDX file (big-endian). */
  public byte[] toBigEndianBytes() {
    return bigEndian.clone();
  }

  /** Direct view for the writer; read-only so the array stays immutable. */
  ByteBuffer bigEndianView() {
    return ByteBuffer.wrap(bigEndian).asReadOnlyBuffer().order(ByteOrder.BIG_ENDIAN);
  }

  /** "60000x28x28 ubyte", as error messages and {@link #toString()} show it. */
  public String describe() {
    return describe(dims, type);
  }

  static String describe(int[] dims, IdxType type) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < dims.length; i++) {
      sb.append(i == 0 ? "" : "x").append(dims[i]);
    }
    return sb.append(' ').append(type).toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdxArray
        && ((IdxArray) o).type == type
        && Arrays.equals(((IdxArray) o).dims, dims)
        && Arrays.equals(((IdxArray) o).bigEndian, bigEndian);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type.hashCode() + Arrays.hashCode(dims)) + Arrays.hashCode(bigEndian);
  }

  @Override
  public String toString() {
    return "IdxArray[" + describe() + "]";
  }

  private static int[] checkedDims(int[] dims, int length) {
    checkNotNull(dims, "dims is null; pass the dimensions, e.g. 60000, 28, 28");
    int[] d = dims.clone();
    long product = 1;
    for (int x : d) {
      product = Math.min(product * Math.max(x, 0), Integer.MAX_VALUE + 1L); // no overflow
    }
    checkArgument(d.length >= 1 && d.length <= MAX_RANK && product == length,
        "dims %s do not fit %s elements; pass 1 to %s positive dimensions whose product is %s",
        Arrays.toString(d), length, MAX_RANK, length);
    return d;
  }

  private static int checkedSize(IdxType type, int[] dims) {
    checkArgument(dims.length >= 1 && dims.length <= MAX_RANK,
        "rank %s is not supported; IDX arrays have 1 to %s dimensions", dims.length, MAX_RANK);
    long n = 1;
    for (int d : dims) {
      checkArgument(d > 0, "dims %s: every dimension must be positive", Arrays.toString(dims));
      n *= d;
      checkArgument(n * type.byteSize() <= Integer.MAX_VALUE - 8,
          "%s is too large: more than 2 GiB of data does not fit a Java array; split the file",
          describe(dims, type));
    }
    return (int) n;
  }
}
