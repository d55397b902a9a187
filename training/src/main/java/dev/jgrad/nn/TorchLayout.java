package dev.jgrad.nn;

import java.util.Set;

/**
 * A module that holds some of its own 2-D weights transposed relative to its PyTorch counterpart,
 * as {@link Linear} does: jgrad multiplies {@code x W} with {@code W} {@code [in, out]}, PyTorch's
 * {@code nn.Linear} holds {@code [out, in]}. {@code dev.jgrad.train.TorchStateDict} transposes the
 * tensors named here when it writes PyTorch's layout and when it reads it back, so a custom layer
 * that multiplies as Linear does round-trips and loads in PyTorch as it should. A module that does
 * not implement it is written as it holds its tensors.
 *
 * <pre>{@code
 * final class Dense extends Module implements TorchLayout {
 *   private final Tensor kernel;   // [in, out]; PyTorch's counterpart holds it [out, in]
 *   ...
 *   public Set<String> transposedInTorch() {
 *     return Set.of("kernel");
 *   }
 * }
 * }</pre>
 */
public interface TorchLayout {
  /**
   * The names, as registered (without dots: not a sub-module's), of this module's own parameters
   * or buffers that PyTorch holds transposed; each must be 2-D. Names no tensor has, and tensors
   * that are not 2-D, are refused when the model is saved or loaded, naming the module.
   */
  Set<String> transposedInTorch();
}
