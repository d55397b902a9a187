package dev.jgrad.api;

/**
 * An optional capability of a {@link Backend}: the bytes its open buffers hold. A backend whose
 * memory the garbage collector does not reclaim (a GPU's) implements it, so that
 * {@code BackendTestKit} can check that {@link DeviceBuffer#close()} gives the memory back: a
 * close that frees nothing passes every result check and only shows as an out-of-memory error
 * after some thousand training steps. The CUDA backend implements it; the CPU backend, whose
 * buffers are Java arrays, does not.
 */
public interface MemoryAccounting {
  /**
   * Bytes held now by this backend's buffers that are not closed, at least each buffer's
   * {@code length * dtype.byteSize()} (an allocator may round up); a closed buffer's bytes are no
   * longer counted, even where the backend caches the memory for reuse.
   */
  long bytesInUse();
}
