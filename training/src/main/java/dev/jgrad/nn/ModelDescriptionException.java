package dev.jgrad.nn;

/**
 * A model description that cannot be written or rebuilt: an unknown module type, a missing or
 * malformed field, a size a layer refuses, nesting too deep, or a module no type describes. The
 * message starts with where in the description the problem is ({@code root.layers[2] (Conv2d)}).
 */
public class ModelDescriptionException extends IllegalArgumentException {
  /** A problem described by {@code message}, which starts with where it is. */
  public ModelDescriptionException(String message) {
    super(message);
  }

  /** As {@link #ModelDescriptionException(String)}, keeping what caused it. */
  public ModelDescriptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
