package dev.jgrad.spark;

import java.io.Serializable;

/**
 * Tensors flattened for a round's trip, each in its own dtype: the FLOAT32 ones' values in one
 * float array, the FLOAT64 ones' in one double array ({@link TensorLayout} says which value is
 * whose). A FLOAT32 model ships 4 bytes a value and an empty double array; a FLOAT64 model is
 * shipped and averaged in doubles, never rounded to floats on the way; a FLOAT32 model with a
 * FLOAT64 buffer (BatchNorm's batch counter) ships both.
 */
final class PackedTensors implements Serializable {
  private static final long serialVersionUID = 1L;

  final float[] floats;
  final double[] doubles;

  PackedTensors(float[] floats, double[] doubles) {
    this.floats = floats;
    this.doubles = doubles;
  }

  /** Replaces this one's values with {@code a * this + b * other}, element by element. */
  void weightedMean(PackedTensors other, double a, double b) {
    // the floats with float weights, as before doubles travelled: FLOAT32 runs keep their bits
    float fa = (float) a;
    float fb = (float) b;
    for (int i = 0; i < floats.length; i++) {
      floats[i] = fa * floats[i] + fb * other.floats[i];
    }
    for (int i = 0; i < doubles.length; i++) {
      doubles[i] = a * doubles[i] + b * other.doubles[i];
    }
  }
}
