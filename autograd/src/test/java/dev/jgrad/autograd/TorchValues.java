package dev.jgrad.autograd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Numbers a script in src/test/resources/pytorch printed once with torch: lines
 * {@code name kind ['v1', 'v2', ...]}, read as {@code "name kind" -> values}.
 */
final class TorchValues {
  private final Map<String, double[]> values = new HashMap<>();

  private TorchValues() {}

  static TorchValues read(String resource) {
    TorchValues t = new TorchValues();
    try (InputStream in = TorchValues.class.getResourceAsStream(resource);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        int open = line.indexOf('[');
        String list = line.substring(open + 1, line.lastIndexOf(']')).replace("'", "");
        t.values.put(line.substring(0, open).trim(), Arrays.stream(list.split(","))
            .map(String::trim).mapToDouble(Double::parseDouble).toArray());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return t;
  }

  /** The numbers of {@code name} and {@code kind} ("value" or "grad"). */
  double[] get(String name, String kind) {
    double[] v = values.get(name + " " + kind);
    if (v == null) {
      throw new IllegalArgumentException("no line '" + name + " " + kind + "' in the table");
    }
    return v;
  }
}
