package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.Dataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CsvTable: columns picked by name into tensors, and every malformed table named in one line. */
class CsvTableTest {
  @TempDir
  Path dir;

  private CsvTable table(String... lines) throws IOException {
    Path file = dir.resolve("t.csv");
    Files.writeString(file, String.join("\r\n", lines) + "\n", StandardCharsets.UTF_8);
    return CsvTable.read(file);
  }

  private String error(String... lines) {
    return assertThrows(FileFormatException.class, () -> table(lines)).getMessage()
        .replace(dir.resolve("t.csv").toString(), "t.csv");
  }

  @Test
  void featuresAndLabelsBecomeADataset() throws IOException {
    CsvTable t = table("\uFEFFage, income,label", "1.5,20,0", "", "-2,30.25,2", "0,1e3,1");
    assertEquals(List.of("age", "income", "label"), t.columns());
    assertEquals(3, t.rows());
    assertArrayEquals(new String[] {"age", "income"}, t.columnsExcept("label"));
    Tensor x = t.floats(t.columnsExcept("label"));
    assertEquals(DType.FLOAT32, x.dtype());
    assertArrayEquals(new int[] {3, 2}, x.shape().dims());
    assertArrayEquals(new float[] {1.5f, 20, -2, 30.25f, 0, 1000}, x.toFloatArray());
    assertArrayEquals(new int[] {0, 2, 1}, t.labels("label").toIntArray());
    assertArrayEquals(new double[] {20, 30.25, 1000},
        t.floats(DType.FLOAT64, "income").toDoubleArray());
    Dataset data = Dataset.of(x, t.labels("label"));
    assertEquals(3, data.size());
  }

  @Test
  void malformedTablesAreNamedWithTheLineAndColumn() {
    assertEquals("t.csv: line 3: 2 fields where the header has 3 [a, b, c]",
        error("a,b,c", "1,2,3", "4,5"));
    assertEquals("t.csv: line 2: column 'b' holds an empty field (a missing value), not a finite"
        + " number; fill or drop missing values, and encode text columns as numbers, before "
        + "reading", error("a,b", "1,", "2,3"));
    assertEquals("t.csv: line 2: column 'a' holds 'red', not a finite number; fill or drop "
        + "missing values, and encode text columns as numbers, before reading",
        error("a,b", "red,1"));
    assertEquals("t.csv: line 2: column 'b' holds 'NaN', not a finite number; fill or drop "
        + "missing values, and encode text columns as numbers, before reading",
        error("a,b", "1,NaN"));
    assertEquals("t.csv: line 1: column 'a' is named twice in the header a,b,a; give each column"
        + " its own name", error("a,b,a", "1,2,3"));
    assertEquals("t.csv: no header: the file is empty; a CSV table starts with a row of column "
        + "names", error(""));
  }

  @Test
  void aMisspeltColumnOrAFractionalLabelIsNamed() throws IOException {
    CsvTable t = table("x,y", "1,0.5");
    IllegalArgumentException column = assertThrows(IllegalArgumentException.class,
        () -> t.labels("label"));
    assertEquals(dir.resolve("t.csv") + " has no column 'label';"
        + " its columns are [x, y]", column.getMessage());
    IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
        () -> t.labels("y"));
    assertTrue(label.getMessage().endsWith("column 'y' holds 0.5 in data row 1, not a "
        + "class label (a whole number from 0); take it with floats(\"y\") for a regression "
        + "target"), label.getMessage());
    assertThrows(IllegalArgumentException.class, () -> t.columnsExcept("z"));
  }

  @Test
  void aDirectoryIsRefusedInOneLine() {
    IOException e = assertThrows(IOException.class, () -> CsvTable.read(dir));
    assertEquals("cannot read " + dir + ": it is a directory; pass a CSV file in it",
        e.getMessage());
  }
}
