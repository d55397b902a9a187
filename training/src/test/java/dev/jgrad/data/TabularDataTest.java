package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.CsvTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tabular recipe README.md documents: a CSV table's feature columns as a data set,
 * standardised per feature with normalized(means, stds) (each feature a channel of one value),
 * which is column c as x.sub(means[c]).div(stds[c]) gives it; a constant column is refused
 * naming it.
 */
class TabularDataTest {
  private static CsvTable table() throws Exception {
    return CsvTable.parse("t.csv", List.of("a,b,c,label", "1,10,5,0", "2,30,5,1", "4,20,5,0",
        "3,40,5,1"));
  }

  @Test
  void perFeatureStandardisationIsEachColumnsOwnSubAndDiv() throws Exception {
    CsvTable t = table();
    Dataset data = Dataset.of(t.floats("a", "b"), t.labels("label"));
    double[] means = data.inputs().mean(0, false).toDoubleArray();
    double[] stds = data.inputs().std(0, false).toDoubleArray();
    Dataset standard = data.normalized(means, stds);
    float[] got = standard.modelInputs().toFloatArray();
    for (int c = 0; c < 2; c++) {
      float[] column = data.inputs().slice(1, c, 1).contiguous().sub(means[c]).div(stds[c])
          .toFloatArray();
      for (int r = 0; r < 4; r++) {
        assertEquals(column[r], got[2 * r + c], "row " + r + " feature " + c);
      }
    }
    try (Batch b = standard.gather(Tensor.indices(new int[] {2, 0}))) { // batches alike
      assertArrayEquals(new float[] {got[4], got[5], got[0], got[1]}, b.inputs().toFloatArray());
    }
  }

  @Test
  void aConstantColumnIsNamedWithWhatToDo() throws Exception {
    CsvTable t = table();
    Dataset data = Dataset.of(t.floats(t.columnsExcept("label")), t.labels("label"));
    double[] means = data.inputs().mean(0, false).toDoubleArray();
    double[] stds = data.inputs().std(0, false).toDoubleArray();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> data.normalized(means, stds));
    assertTrue(e.getMessage().contains("channel 2 (feature 2 of a table's rows) has standard "
        + "deviation 0.0; a constant feature: drop that column, or pass std 1 for it"),
        e.getMessage());
  }
}
