package dev.jgrad.train;

import java.util.List;

/**
 * What a non-strict {@link TorchStateDict#load(java.nio.file.Path, dev.jgrad.nn.Module,
 * StateDictOptions)} did not match, as PyTorch's {@code load_state_dict} returns it: the model's
 * parameters and buffers the file lacks (they keep their values) and the file's tensors the
 * model has no place for (ignored), each sorted by name, after renaming. A strict load returns
 * both empty.
 *
 * @param missingKeys the model's names that were not loaded
 * @param unexpectedKeys the file's names (renamed) that the model lacks
 */
public record IncompatibleKeys(List<String> missingKeys, List<String> unexpectedKeys) {
  public IncompatibleKeys {
    missingKeys = List.copyOf(missingKeys);
    unexpectedKeys = List.copyOf(unexpectedKeys);
  }

  /** Whether every tensor matched. */
  public boolean allMatched() {
    return missingKeys.isEmpty() && unexpectedKeys.isEmpty();
  }
}
