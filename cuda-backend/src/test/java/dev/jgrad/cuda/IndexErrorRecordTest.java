package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.IndexOutOfRange;
import org.junit.jupiter.api.Test;

class IndexErrorRecordTest {
  @Test
  void anEmptyRecordIsNoError() {
    assertNull(IndexErrorRecord.toException(new long[4], "download"));
  }

  @Test
  void anOutOfRangeIndexNamesThePrimitiveIndexAndBound() {
    long[] r = {IndexErrorRecord.INDEX_SELECT, 3, 10, Double.doubleToLongBits(12)};
    String m = IndexErrorRecord.toException(r, "download").getMessage();
    assertTrue(m.startsWith("indexSelect on the cuda backend: index 12 at position 3"), m);
    assertTrue(m.contains("out of range for bound 10: valid indices are [0, 10)"), m);
    assertTrue(m.contains("reported at download"), m);
  }

  @Test
  void aLabelOutOfRangeInTheFusedLossIsInTheLossWordsAsOnTheCpu() {
    long[] r = {IndexErrorRecord.SOFTMAX_XENT, 1, 3, Double.doubleToLongBits(3)};
    RuntimeException e = IndexErrorRecord.toException(r, "download");
    assertTrue(e instanceof IndexOutOfBoundsException, e.toString());
    assertEquals("jgrad::softmax_cross_entropy_labels: label 3 at position 1 is out of bounds for "
        + "3 classes; labels are class indices in [0, 3). The GPU detected it and skipped that "
        + "element; it is reported at download, the first synchronisation after the call.",
        e.getMessage());
    IndexOutOfRange range = (IndexOutOfRange) e.getCause();
    assertEquals("3", range.index());
    assertEquals(1, range.position());
    assertEquals(3, range.bound());
    long[] other = {IndexErrorRecord.ONE_HOT, 1, 3, Double.doubleToLongBits(3)};
    assertTrue(IndexErrorRecord.toException(other, "download").getMessage()
        .startsWith("oneHot on the cuda backend: index 3 at position 1"), "other kernels' codes "
        + "do not know which loss, if any, gave the index");
  }

  @Test
  void aFractionalOrNegativeIndexIsExplained() {
    long[] frac = {IndexErrorRecord.ONE_HOT, 0, 5, Double.doubleToLongBits(2.5)};
    String m = IndexErrorRecord.toException(frac, "synchronize").getMessage();
    assertTrue(m.startsWith("oneHot on the cuda backend: index 2.5 at position 0"), m);
    assertTrue(m.contains("not a whole number"), m);
    assertTrue(IndexErrorRecord.toException(frac, "x") instanceof IllegalArgumentException,
        "as on every backend, a fractional index is an IllegalArgumentException");
    long[] neg = {IndexErrorRecord.INDEX_ADD, 7, 4, Double.doubleToLongBits(-1)};
    m = IndexErrorRecord.toException(neg, "synchronize").getMessage();
    assertTrue(m.startsWith("indexAdd on the cuda backend: index -1 at position 7"), m);
    long[] nan = {IndexErrorRecord.SOFTMAX_XENT, 1, 10, Double.doubleToLongBits(Double.NaN)};
    m = IndexErrorRecord.toException(nan, "download").getMessage();
    assertTrue(m.contains("index NaN"), m);
  }
}
