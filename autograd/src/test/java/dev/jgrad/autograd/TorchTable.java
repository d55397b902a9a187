package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A table of PyTorch's answers written once by a Python script beside it in
 * src/test/resources/pytorch: one line per input, {@code DTYPE x value...} in hex floats, lines
 * starting with # ignored. Column 0 of each row is x.
 */
final class TorchTable {
  private TorchTable() {}

  /** The rows of {@code dtype} in the resource {@code /pytorch/NAME}. */
  static List<double[]> rows(String name, DType dtype) throws IOException {
    return rows(name, dtype.name());
  }

  /** The rows tagged {@code tag} (the first field of a line) in the resource /pytorch/NAME. */
  static List<double[]> rows(String name, String tag) throws IOException {
    List<double[]> rows = new ArrayList<>();
    try (InputStream in = TorchTable.class.getResourceAsStream("/pytorch/" + name)) {
      assertNotNull(in, "no resource /pytorch/" + name);
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split(" ");
        if (f[0].equals(tag)) {
          double[] row = new double[f.length - 1];
          for (int i = 1; i < f.length; i++) {
            row[i - 1] = Double.parseDouble(f[i]);
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  /** Column {@code c} of every row. */
  static double[] column(List<double[]> rows, int c) {
    return rows.stream().mapToDouble(row -> row[c]).toArray();
  }

  /** A tensor of column 0 (the inputs) in {@code dtype}, requiring grad. */
  static Tensor inputs(List<double[]> rows, DType dtype) {
    return Tensor.of(column(rows, 0), dtype, rows.size()).requiresGrad(true);
  }

  /** Distance in units in the last place of {@code want} in {@code dtype}. */
  static double ulps(DType dtype, double want, double got) {
    double ulp = dtype == DType.FLOAT32 ? Math.ulp((float) want) : Math.ulp(want);
    return Math.abs(want - got) / ulp;
  }

  /**
   * Column {@code c} against {@code got}: NaN meets NaN, a zero a zero of the same sign, an
   * infinity the same infinity, anything else within 2 ulps.
   */
  static void assertMatches(String what, DType dtype, List<double[]> rows, int c, double[] got) {
    assertEquals(rows.size(), got.length, what);
    for (int i = 0; i < got.length; i++) {
      double w = rows.get(i)[c];
      double g = got[i];
      boolean exact = Double.isNaN(w) || w == 0 || Double.isInfinite(w);
      boolean ok = exact ? Double.compare(w, g) == 0 : ulps(dtype, w, g) <= 2;
      assertTrue(ok, what + " " + dtype + " of " + rows.get(i)[0] + ": PyTorch gives " + w
          + ", jgrad " + g + " (" + ulps(dtype, w, g) + " ulps)");
    }
  }
}
