package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of a safetensors file as {@link SafeTensors#read} returns it: the tensors in file
 * order, each by name, and the string metadata.
 *
 * <pre>{@code
 * SafeTensorsFile f = SafeTensors.read(Path.of("model.safetensors"));
 * float[] w = f.get("fc1.weight").floats();
 * String epoch = f.metadata().get("epoch");
 * }</pre>
 */
public final class SafeTensorsFile {
  private final String source;
  private final Map<String, SafeTensor> tensors;
  private final Map<String, String> metadata;

  SafeTensorsFile(String source, List<SafeTensor> tensors, Map<String, String> metadata) {
    this.source = source;
    Map<String, SafeTensor> byName = new LinkedHashMap<>();
    for (SafeTensor t : tensors) {
      byName.put(t.name(), t);
    }
    this.tensors = Collections.unmodifiableMap(byName);
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The file the tensors came from. */
  public String source() {
    return source;
  }

  /** The tensor names in file order (the order of their data). */
  public List<String> names() {
    return new ArrayList<>(tensors.keySet());
  }

  /** The tensors in file order. */
  public List<SafeTensor> tensors() {
    return new ArrayList<>(tensors.values());
  }

  /** Whether the file holds a tensor called {@code name}. */
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /** The tensor called {@code name}; fails listing the names there are if there is none. */
  public SafeTensor get(String name) {
    checkNotNull(name, "name is null; pass a tensor name");
    SafeTensor t = tensors.get(name);
    checkArgument(t != null, "%s has no tensor '%s'; it has %s", source, name, tensors.keySet());
    return t;
  }

  /**
   * The {@code __metadata__} entries; empty if the file has none. The checksums jgrad keeps there
   * ({@link SafeTensors#CHECKSUM_KEY}) are the format's own: checked on reading, not listed.
   */
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public String toString() {
    return "SafeTensorsFile[" + source + ": " + tensors.values() + ", metadata=" + metadata + "]";
  }
}
