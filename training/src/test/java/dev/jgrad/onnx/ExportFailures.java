package dev.jgrad.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** What a refused export says: one line naming the layer, what it needs and what to do. */
final class ExportFailures {
  private ExportFailures() {}

  /** The message of the IllegalArgumentException {@code export} throws, asserted one line. */
  static String failure(Executable export) {
    String message = assertThrows(IllegalArgumentException.class, export).getMessage();
    assertFalse(message.contains("\n"), message);
    return message;
  }

  static void assertContains(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + part + "' missing from: " + message);
    }
  }
}
