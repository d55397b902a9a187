package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.buffer;
import static dev.jgrad.cpu.Fixture.random;
import static dev.jgrad.cpu.Fixture.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** indexSelect, indexAdd and oneHot against plain loops, with repeated indices. */
class IndexingTest {
  private static final double[] INDICES = {2, 0, 2, 2, 3};

  @ParameterizedTest
  @EnumSource(DType.class)
  void indexSelectGathersAlongTheMiddleAxis(DType dtype) {
    int outer = 3;
    int axis = 4;
    int inner = 2;
    double[] src = random(1, outer * axis * inner);
    DeviceBuffer out = CPU.allocate(dtype, outer * INDICES.length * inner);
    CPU.indexSelect(buffer(dtype, src), outer, axis, inner, buffer(dtype, INDICES), out);
    double[] expected = new double[outer * INDICES.length * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < INDICES.length; i++) {
        for (int j = 0; j < inner; j++) {
          expected[(o * INDICES.length + i) * inner + j] =
              src[(o * axis + (int) INDICES[i]) * inner + j];
        }
      }
    }
    assertArrayEquals(Fixture.stored(dtype, expected), read(out));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void indexSelectOfRowsIsAnEmbeddingLookup(DType dtype) {
    DeviceBuffer table = buffer(dtype, 10, 11, 20, 21, 30, 31);
    DeviceBuffer out = CPU.allocate(dtype, 6);
    CPU.indexSelect(table, 1, 3, 2, buffer(dtype, 2, 2, 0), out);
    assertArrayEquals(new double[] {30, 31, 30, 31, 10, 11}, read(out));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void indexAddAccumulatesRepeatedIndices(DType dtype) {
    int outer = 2;
    int axis = 5;
    int inner = 3;
    double[] src = random(2, outer * INDICES.length * inner);
    double[] dst = random(3, outer * axis * inner);
    DeviceBuffer d = buffer(dtype, dst);
    CPU.indexAdd(buffer(dtype, src), buffer(dtype, INDICES), d, outer, axis, inner);
    double[] expected = Fixture.stored(dtype, dst);
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < INDICES.length; i++) {
        for (int j = 0; j < inner; j++) {
          expected[(o * axis + (int) INDICES[i]) * inner + j] +=
              src[(o * INDICES.length + i) * inner + j];
        }
      }
    }
    Fixture.assertClose(dtype, expected, read(d));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void indexAddOfThreeEqualIndicesTriples(DType dtype) {
    DeviceBuffer dst = buffer(dtype, 0, 0);
    CPU.indexAdd(buffer(dtype, 1, 2, 4), buffer(dtype, 1, 1, 1), dst, 1, 2, 1);
    assertArrayEquals(new double[] {0, 7}, read(dst));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void oneHotMarksTheClass(DType dtype) {
    DeviceBuffer out = CPU.allocate(dtype, 12);
    CPU.fill(out, 7); // stale contents must be cleared
    CPU.oneHot(buffer(dtype, 2, 0, 3), 4, out);
    assertArrayEquals(new double[] {0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1}, read(out));
  }
}
