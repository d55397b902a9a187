package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A table of numbers read from a CSV file with a header row, what {@code pandas.read_csv} gives
 * a PyTorch script: pick the feature columns as a FLOAT32 tensor and the target column as INT32
 * class labels or FLOAT32 values, then pair them in a {@link dev.jgrad.data.Dataset}.
 *
 * <pre>{@code
 * CsvTable table = CsvTable.read(Path.of("table.csv"));       // header: age,income,...,label
 * Tensor x = table.floats(table.columnsExcept("label"));      // [rows, features]
 * Dataset data = Dataset.of(x, table.labels("label"));        // INT32 labels [rows]
 * }</pre>
 *
 * <p>Fields are separated by commas, numbers only (no quoting), blank lines skipped, a UTF-8
 * byte order mark ignored. A field that is not a finite number (an empty one included: a missing
 * value), a row of another length than the header, or a header naming a column twice fails with
 * a {@link FileFormatException} naming the file, the line and the column, before any tensor is
 * made: fill or drop missing values before training, as a NaN would silently spoil it.
 */
public final class CsvTable {
  private final String source;
  private final List<String> columns;
  /** Column-major: {@code values[column][row]}. */
  private final double[][] values;

  private CsvTable(String source, List<String> columns, double[][] values) {
    this.source = source;
    this.columns = columns;
    this.values = values;
  }

  /** Reads {@code file}, a header row and rows of numbers. */
  public static CsvTable read(Path file) throws IOException {
    checkNotNull(file, "file is null; pass the CSV file, e.g. Path.of(\"data.csv\")");
    List<String> lines;
    try (FileChannel channel = RegularFile.open(file, "a CSV file");
        InputStream in = Channels.newInputStream(channel)) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    return parse(file.toString(), lines);
  }

  /** Parses {@code lines} (a header, then rows), {@code source} naming them in errors. */
  public static CsvTable parse(String source, List<String> lines) throws FileFormatException {
    checkNotNull(source, "source is null");
    checkNotNull(lines, "lines is null");
    int header = 0;
    while (header < lines.size() && lines.get(header).isBlank()) {
      header++;
    }
    if (header == lines.size()) {
      throw new FileFormatException(source, -1, "no header",
          "the file is empty; a CSV table starts with a row of column names");
    }
    List<String> names = new ArrayList<>();
    for (String name : split(lines.get(header).replaceFirst("^\uFEFF", ""))) {
      String n = name.trim();
      if (n.isEmpty() || names.contains(n)) {
        throw new FileFormatException(source, -1, "line " + (header + 1),
            (n.isEmpty() ? "a column has no name" : "column '" + n + "' is named twice")
            + " in the header " + lines.get(header).trim() + "; give each column its own name");
      }
      names.add(n);
    }
    List<double[]> rows = new ArrayList<>();
    for (int i = header + 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String[] fields = split(lines.get(i));
      if (fields.length != names.size()) {
        throw new FileFormatException(source, -1, "line " + (i + 1), fields.length
            + " fields where the header has " + names.size() + " " + names);
      }
      double[] row = new double[fields.length];
      for (int c = 0; c < fields.length; c++) {
        row[c] = number(source, i + 1, names.get(c), fields[c].trim());
      }
      rows.add(row);
    }
    double[][] values = new double[names.size()][rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < names.size(); c++) {
        values[c][r] = rows.get(r)[c];
      }
    }
    return new CsvTable(source, List.copyOf(names), values);
  }

  private static String[] split(String line) {
    return line.split(",", -1);
  }

  private static double number(String source, int line, String column, String field)
      throws FileFormatException {
    String what = field.isEmpty() ? "an empty field (a missing value)" : "'" + field + "'";
    try {
      double v = Double.parseDouble(field);
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw new FileFormatException(source, -1, "line " + line, "column '" + column + "' holds "
        + what + ", not a finite number; fill or drop missing values, and encode text columns as"
        + " numbers, before reading");
  }

  /** The column names, in the header's order. */
  public List<String> columns() {
    return columns;
  }

  /** The number of rows below the header. */
  public int rows() {
    return values.length == 0 ? 0 : values[0].length;
  }

  /** Every column's name but {@code excluded}'s (each must exist), e.g. all but the target. */
  public String[] columnsExcept(String... excluded) {
    Set<String> drop = Set.of(excluded);
    drop.forEach(this::index);
    return columns.stream().filter(c -> !drop.contains(c)).toArray(String[]::new);
  }

  /** The named columns side by side as FLOAT32 {@code [rows, columns.length]}. */
  public Tensor floats(String... columns) {
    return floats(DType.FLOAT32, columns);
  }

  /** The named columns side by side as {@code dtype} (FLOAT32 or FLOAT64). */
  public Tensor floats(DType dtype, String... columns) {
    checkArgument(columns.length > 0, "name at least one column of %s", this.columns);
    int[] at = Arrays.stream(columns).mapToInt(this::index).toArray();
    int rows = rows();
    double[] data = new double[rows * at.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < at.length; c++) {
        data[r * at.length + c] = values[at[c]][r];
      }
    }
    return Tensor.of(data, dtype, rows, at.length);
  }

  /**
   * The named column as INT32 class labels {@code [rows]}; each value must be a whole number from
   * 0, as {@code Losses.softmaxCrossEntropyLabels} takes them (encode other classes first).
   */
  public Tensor labels(String column) {
    double[] v = values[index(column)];
    int[] labels = new int[v.length];
    for (int r = 0; r < v.length; r++) {
      checkArgument(v[r] >= 0 && v[r] == Math.rint(v[r]) && v[r] <= Integer.MAX_VALUE,
          "%s: column '%s' holds %s in data row %s, not a class label (a whole number from 0); "
              + "take it with floats(\"%s\") for a regression target", source, column, v[r],
          r + 1, column);
      labels[r] = (int) v[r];
    }
    return Tensor.indices(labels);
  }

  private int index(String column) {
    int i = columns.indexOf(column);
    checkArgument(i >= 0, "%s has no column '%s'; its columns are %s", source, column, columns);
    return i;
  }

  @Override
  public String toString() {
    return "CsvTable(" + source + ", " + rows() + " rows, columns " + columns + ")";
  }
}
