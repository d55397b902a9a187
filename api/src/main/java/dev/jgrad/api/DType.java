package dev.jgrad.api;

/** Element types a tensor can hold. Every backend implements every primitive for both. */
public enum DType {
  FLOAT32(4),
  FLOAT64(8);

  private final int byteSize;

  DType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }
}
