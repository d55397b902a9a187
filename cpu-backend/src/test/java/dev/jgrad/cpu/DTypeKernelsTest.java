package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The dispatch to one dtype's generated loops, and the few kernels the primitive tests reach only
 * indirectly: scalar access and conversion through double round as a cast does.
 */
class DTypeKernelsTest {
  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void eachDtypeHasItsOwnKernelsAndStorage(DType dtype) {
    DTypeKernels k = DTypeKernels.of(dtype);
    assertEquals(dtype, k.dtype());
    Object array = k.newArray(3);
    assertEquals(dtype == DType.FLOAT32 ? float[].class : double[].class, array.getClass());
    assertSame(k, DTypeKernels.ofArray(array));
    assertSame(k, CpuBuffer.allocate(dtype, 2).kernels());
  }

  @Test
  void int32HasStorageButNoArithmeticKernels() {
    CpuBuffer ints = CpuBuffer.allocate(DType.INT32, 3);
    assertEquals(int[].class, ints.intArray().getClass());
    assertThrows(IllegalArgumentException.class, () -> DTypeKernels.of(DType.INT32));
  }

  @Test
  void theStorageOfTheOtherDtypeIsRefused() {
    CpuBuffer doubles = CpuBuffer.wrap(new double[2]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FloatKernels.INSTANCE.array(doubles));
    assertEquals("CPU buffer holds FLOAT64, not FLOAT32", e.getMessage());
    // a plugin kernel's accessor: its author wrote the kernel for one float dtype
    IllegalArgumentException hosted = assertThrows(IllegalArgumentException.class,
        doubles::floatArray);
    assertTrue(hosted.getMessage().contains("floatArray() reads FLOAT32 only; a kernel is called"
        + " in FLOAT32 and FLOAT64") && hosted.getMessage().contains("use doubleArray() for"
        + " FLOAT64"), hosted.getMessage());
  }

  @Test
  void valuesEnterFloatStorageRoundedAndLeaveItExact() {
    DTypeKernels k = FloatKernels.INSTANCE;
    float[] a = new float[4];
    k.fill(a, 1.0 / 3);
    k.set(a, 1, Math.PI);
    k.fromDoubles(new double[] {Math.E, 1e300}, a, 2, 2);
    assertArrayEquals(new float[] {(float) (1.0 / 3), (float) Math.PI, (float) Math.E,
        Float.POSITIVE_INFINITY}, a);
    assertEquals((double) (float) Math.PI, k.get(a, 1));
    double[] d = new double[2];
    k.toDoubles(a, 1, d, 2);
    assertArrayEquals(new double[] {(float) Math.PI, (float) Math.E}, d);
  }

  @Test
  void doubleStorageKeepsEveryBit() {
    DTypeKernels k = DoubleKernels.INSTANCE;
    double[] a = new double[3];
    k.set(a, 0, Math.PI);
    k.fromDoubles(new double[] {Math.E, Double.MIN_VALUE}, a, 1, 2);
    assertArrayEquals(new double[] {Math.PI, Math.E, Double.MIN_VALUE}, a);
    double[] d = new double[3];
    k.toDoubles(a, 0, d, 3);
    assertArrayEquals(a, d);
  }

  /** step's scale (2^MAX_EXPONENT, twice) lifts the smallest subnormal of each dtype to 1. */
  @Test
  void stepIsOneForTheSmallestPositiveValueOfEachDtype() {
    float[] f = {Float.MIN_VALUE, -Float.MIN_VALUE, Float.NaN};
    float[] fOut = new float[3];
    FloatKernels.INSTANCE.unary(UnaryOp.STEP, f, fOut, 0, 3);
    assertArrayEquals(new float[] {1, 0, Float.NaN}, fOut);
    double[] d = {Double.MIN_VALUE, -Double.MIN_VALUE, Double.NaN};
    double[] dOut = new double[3];
    DoubleKernels.INSTANCE.unary(UnaryOp.STEP, d, dOut, 0, 3);
    assertArrayEquals(new double[] {1, 0, Double.NaN}, dOut);
  }
}
